"""The robustness range: the answer under each reasonable choice, on the same seed, in the
headline, the text and the JSON; --robustness off leaves only the models."""

from __future__ import annotations

import json

from conftest import ROOT

import forecast as fc

SCENARIO = ROOT / "scenarios" / "kz-kg-2024-target.yaml"


def test_the_default_question_carries_its_range(cli) -> None:
    d = json.loads(cli("run", SCENARIO, "--json").stdout)
    rb = d["robustness"]
    names = [c["choice"] for c in rb["choices"]]
    assert {"model rw-drift", "model ets", "KAZ's statistics"} <= set(names)
    assert any(n.startswith("series from 2009 (last 15 years)") for n in names)
    assert any(n.startswith("data as of 2024-04-08") for n in names)
    ps = [d["probability"], *(c["probability"] for c in rb["choices"])]
    assert rb["min"] == min(ps) and rb["max"] == max(ps) and rb["min"] < d["probability"] < rb["max"]
    text = cli("run", SCENARIO).stdout
    assert "across reasonable choices)" in text and "\nChoices        series from 2009" in text
    off = cli("run", SCENARIO, "--robustness", "off")
    assert "across models)" in off.stdout and "Choices" not in off.stdout
    assert json.loads(cli("run", SCENARIO, "--json", "--robustness", "off").stdout)["robustness"] is None


def test_each_choice_is_the_scenario_with_one_key_changed(cli, tmp_path) -> None:
    """The 'last 10 years' choice equals a run of the scenario with data.start set, and the other
    reporter's equals a run on that reporter's statistics (same seed; closed forms)."""
    d = json.loads(cli("run", SCENARIO, "--json").stdout)
    by = {c["choice"]: c["probability"] for c in d["robustness"]["choices"]}
    ten = next(k for k in by if "last 10 years" in k)
    start = int(ten.split()[2])
    alone = fc.run(SCENARIO, robustness=False)
    assert alone.run.robustness is None
    sweep = json.loads(cli("run", SCENARIO, "--set", f"data.start={start}", "--json").stdout)
    # the sweep reports its simulation (200,000 paths), the choice its closed form
    assert abs(sweep["sweep"]["points"][0]["probability"] - by[ten]) < 0.01
    kaz = json.loads(cli("run", SCENARIO, "--set", "data.reporter=KAZ", "--set", "data.partner=KGZ",
                         "--json").stdout)
    assert abs(by["KAZ's statistics"] - kaz["sweep"]["points"][0]["probability"]) < 0.01


def test_an_inline_history_has_only_the_models(cli, tmp_path) -> None:
    from conftest import scenario, write

    write(tmp_path, "s.yaml", scenario("s"))
    d = json.loads(cli("run", "s.yaml", "--json", "--paths", 2000).stdout)
    assert all(c["choice"].startswith("model ") for c in d["robustness"]["choices"])
