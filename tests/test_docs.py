"""The README stays true to the code; every shipped scenario validates and runs."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from forecast.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def block_after(marker: str) -> str:
    m = re.search(rf"<!-- {marker} -->\s*```bash\n(.*?)```", README, re.S)
    assert m, f"README has no code block after <!-- {marker} -->"
    return m.group(1).strip()


def readme_tradecast_lines() -> list[str]:
    return [line for block in readme_blocks() for line in block if line.startswith("tradecast ")]


def readme_blocks() -> list[list[str]]:
    """The README's bash blocks as lists of ``tradecast`` and ``python benchmarks/`` commands."""
    blocks = []
    for block in re.findall(r"```bash\n(.*?)```", README, re.S):
        lines = []
        for line in block.splitlines():
            for part in line.split("&&"):
                part = part.strip()
                if part.startswith(("tradecast ", "python benchmarks/")):
                    lines.append(part)
        blocks.append(lines)
    return blocks


def test_quick_start_has_exactly_two_setup_commands_and_ci_runs_the_test_one():
    run_cmd, test_cmd = block_after("run-command"), block_after("test-command")
    assert len(run_cmd.splitlines()) == 1 and len(test_cmd.splitlines()) == 1
    assert "pip install ." in run_cmd and "tradecast run scenarios/kz-kg-2024-target.yaml" in run_cmd
    assert "pip install '.[test]'" in test_cmd and test_cmd.endswith("pytest")
    ci = (ROOT / ".ci" / "run").read_text()
    assert "<!-- test-command -->" in ci  # .ci/run extracts and runs that very block


def test_every_readme_command_exists_and_runs(tmp_path, monkeypatch):
    # A scratch copy of the repository (links), so commands that write (data import) leave
    # the checkout as it was; ../shared is linked beside it where it exists.
    work = tmp_path / "work"
    work.mkdir()
    for p in ROOT.iterdir():
        if p.name not in (".git", ".venv", "my-data", "reports"):
            (work / p.name).symlink_to(p)
    if (ROOT.parent / "shared").exists():
        (tmp_path / "shared").symlink_to(ROOT.parent / "shared")
    monkeypatch.chdir(work)
    assert len(readme_tradecast_lines()) >= 5
    commands = {c.name or c.callback.__name__ for c in app.registered_commands}
    commands |= {g.name for g in app.registered_groups}
    runner = CliRunner()
    shared = (ROOT.parent / "shared").exists()
    for block in readme_blocks():
        for line in block:
            if line.startswith("python "):
                if not shared:
                    break  # a benchmark script needs ../shared; the rest of its block uses its output
                import subprocess
                import sys

                subprocess.run([sys.executable, *shlex.split(line)[1:]], check=True, cwd=work,
                               stdout=subprocess.DEVNULL)
                continue
            args = shlex.split(line.split(">")[0])[1:]
            assert args[0] in commands, f"README names an unknown command: {line}"
            args = [a for a in args if "*" not in a] + (
                [str(p.relative_to(ROOT)) for p in SCENARIOS] if any("*" in a for a in args) else [])
            if "--out" in args and args[:2] != ["data", "import"] and args[0] != "learn":
                args[args.index("--out") + 1] = str(tmp_path / "reports")
            if any("../shared" in a for a in args) and not shared:
                continue  # an example that reads the shared benchmark data, absent here
            if args[0] in ("run", "report"):
                if "--paths" in args:
                    args[args.index("--paths") + 1] = "2000"
                else:
                    args += ["--paths", "2000"]
            result = runner.invoke(app, args)
            assert result.exit_code == 0, f"{line}: {result.output}"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_shipped_scenario_validates_and_runs(path, monkeypatch):
    monkeypatch.chdir(ROOT)
    runner = CliRunner()
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0
    result = runner.invoke(app, ["run", str(path), "--paths", "5000", "--json"])
    assert result.exit_code == 0, result.output
    assert '"probability_se"' in result.stdout


def test_fragments_are_not_runnable_alone():
    for path in (ROOT / "scenarios" / "fragments").glob("*.yaml"):
        assert CliRunner().invoke(app, ["validate", str(path)]).exit_code == 1


def test_default_scenario_answers_the_april_2024_question(monkeypatch):
    import json

    monkeypatch.chdir(ROOT)
    out = CliRunner().invoke(app, ["run", "scenarios/kz-kg-2024-target.yaml", "--json"]).stdout
    d = json.loads(out)
    assert d["last_observed"] == {"year": 2023, "value": 455702000.0 + 862182000.0, "rounding": 0.0,
                                  "revision_sd": 0.0, "revision_pairs": 0, "first_release": True}
    assert d["data"]["as_of"] == "2024-04-09" and d["data"]["reporter"] == "KGZ"
    assert d["required_growth"] == pytest.approx(2e9 / 1317884000 - 1)
    assert d["calibration"]["method"] == "priors" and d["model"]["name"] == "pooled"
    pool = d["model"]["pool"]
    assert 0.5 < pool["own_weight"] < 1 and pool["pool_weight"] == pytest.approx(1 - pool["own_weight"])
    # pooled, rw-drift and theta have closed forms (exact, s.e. 0); the others are simulated
    for name, p in d["probability_by_model"].items():
        exact = name in ("pooled", "rw-drift", "theta")
        assert 0 <= p["probability"] <= 1 and (p["probability_se"] == 0) == exact, name
    assert d["probability_method"] == "closed-form" and d["probability"] == d["probability_closed_form"]
    mc = d["monte_carlo"]
    assert abs(mc["probability"] - d["probability"]) < 4 * mc["probability_se"]
    # The run says which figure it used and which later revision it could not see.
    assert any("449.0m" in n and "not yet public on 2024-04-09" in n for n in d["notes"])
    for year in d["quantiles"].values():
        assert year["0.05"] < year["0.5"] < year["0.95"]


def test_default_question_on_the_random_walk_agrees_with_its_closed_form(tmp_path):
    import json

    path = tmp_path / "rw.yaml"
    path.write_text(f"name: rw\nextends: {ROOT / 'scenarios' / 'kz-kg-2024-target.yaml'}\n"
                    "model: rw-drift\n", encoding="utf-8")
    d = json.loads(CliRunner().invoke(app, ["run", str(path), "--json"]).stdout)
    assert d["model"]["name"] == "rw-drift"
    # The Monte Carlo answer agrees with the calibrated model's closed form within 4 standard errors.
    mc = d["monte_carlo"]
    assert abs(mc["probability"] - d["probability_closed_form"]) < 4 * mc["probability_se"]
