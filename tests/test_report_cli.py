"""``tradecast report``: every shipped scenario renders; the one-sentence answer matches the
JSON; files are written all or none, never touching the user's other files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT, snapshot, write

SHIPPED = sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One report per shipped scenario (20,000 paths, to keep the suite quick)."""
    from typer.testing import CliRunner

    from forecast.cli.main import app

    out = tmp_path_factory.mktemp("reports")
    runner = CliRunner()
    for name in SHIPPED:
        r = runner.invoke(app, ["report", str(ROOT / "scenarios" / name), "--out", str(out),
                                "--paths", "20000"])
        assert r.exit_code == 0, r.output
    return {name: out for name in SHIPPED}


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_scenario_renders(reports: dict[str, Path], name: str) -> None:
    out = reports[name]
    stem = json.loads((out / f"{Path(name).stem}.json").read_text())["scenario"]["name"]
    html = (out / f"{stem}.html").read_text(encoding="utf-8")
    md = (out / f"{stem}.md").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") or html.lower().startswith("<!doctype html>")
    for png in re.findall(r"\(([^)]+\.png)\)", md):
        assert (out / png).read_bytes().startswith(b"\x89PNG"), png


@pytest.mark.parametrize("name", SHIPPED)
def test_the_one_sentence_answer_equals_the_json(reports: dict[str, Path], name: str) -> None:
    out = reports[name]
    d = json.loads((out / f"{Path(name).stem}.json").read_text())
    sentence = d["answer"]
    percents = [float(x) for x in re.findall(r"(\d+(?:\.\d+)?)%", sentence)]
    p = d["probability"] * 100
    assert percents[0] == pytest.approx(p, abs=0.5 if p >= 2 else 0.05)
    models = [v["probability"] * 100 for v in d["probability_by_model"].values()]
    if d.get("robustness"):  # the range spans every reasonable choice, the models among them
        models = [d["robustness"]["min"] * 100, d["robustness"]["max"] * 100]
    if "under every" in sentence:
        assert percents[1] == pytest.approx(min(models), abs=0.5) == pytest.approx(max(models), abs=0.5)
    elif len(models) > 1:
        assert percents[1] == pytest.approx(min(models), abs=0.5)
        assert percents[2] == pytest.approx(max(models), abs=0.5)
    if d["probability_method"] == "closed-form":
        assert "exact under the model" in sentence and d["probability_se"] == 0
    else:
        se = float(re.search(r"±(\d+(?:\.\d+)?) pp", sentence).group(1))
        assert se == pytest.approx(d["probability_se"] * 100,
                                   abs=0.005 + 0.5 * 10 ** -len(str(se).split(".")[1]))
    assert f"{d['target']['year']}" in sentence
    html = (out / f"{d['scenario']['name']}.html").read_text(encoding="utf-8")
    assert sentence.replace("–", "&ndash;") in html or sentence in html.replace("&#x27;", "'")


def test_report_writes_nothing_when_it_fails(cli, tmp_path: Path, out_dir: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # PDF without its optional dependency: a one-line error, and not even the JSON is written.
    import builtins

    real = builtins.__import__

    def no_pdf(name: str, *args, **kw):  # type: ignore[no-untyped-def]
        if name.startswith("xhtml2pdf"):
            raise ImportError(name)
        return real(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", no_pdf)
    write(tmp_path, "s.yaml", MINIMAL)
    before = snapshot(out_dir)
    r = cli("report", "s.yaml", "--out", out_dir, "--format", "html,pdf", "--paths", 1000)
    assert r.exit_code == 1 and "pip install 'tradecast[pdf]'" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert snapshot(out_dir) == before


def test_report_keeps_the_users_other_files(cli, tmp_path: Path, out_dir: Path) -> None:
    write(tmp_path, "s.yaml", MINIMAL)
    r = cli("report", "s.yaml", "--out", out_dir, "--paths", 1000)
    assert r.exit_code == 0, r.output
    assert (out_dir / "user-notes.txt").read_text() == "mine, do not touch\n"
    assert {"minimal.json", "minimal.html", "minimal.md"} <= {p.name for p in out_dir.iterdir()}


@pytest.mark.parametrize("fmt", ["docx", "", "html,,xml"])
def test_unknown_formats_are_usage_errors(cli, tmp_path: Path, fmt: str) -> None:
    write(tmp_path, "s.yaml", MINIMAL)
    r = cli("report", "s.yaml", "--out", tmp_path / "o", "--format", fmt)
    assert r.exit_code == 2 and "--format" in r.output
    assert not (tmp_path / "o").exists()


def test_a_folder_in_the_way_stops_the_report_before_anything_is_replaced(cli, tmp_path: Path,
                                                                          out_dir: Path) -> None:
    write(tmp_path, "s.yaml", MINIMAL)
    (out_dir / "minimal.md").mkdir()
    (out_dir / "minimal.json").write_text("old\n")
    before = snapshot(out_dir)
    r = cli("report", "s.yaml", "--out", out_dir, "--paths", 1000)
    assert r.exit_code == 1 and "minimal.md: exists and is not a file" in r.stderr
    assert snapshot(out_dir) == before
    assert not [p for p in out_dir.iterdir() if p.name.endswith(".tmp")]


def test_missing_pdf_dependency_is_reported_before_any_work(cli, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from forecast.analysis import pipeline

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "xhtml2pdf" else real(name, *a))
    monkeypatch.setattr(pipeline, "run", lambda *a, **k: pytest.fail("ran the scenario first"))
    write(tmp_path, "s.yaml", MINIMAL)
    r = cli("report", "s.yaml", "--out", tmp_path / "o", "--format", "pdf")
    assert r.exit_code == 1 and r.stderr.startswith("pdf: PDF output needs") and not (tmp_path / "o").exists()
