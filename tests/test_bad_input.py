"""Bad input (issue 2): one clear line on stderr per problem, naming the file and the
key or row; exit code 1 (2 for command-line usage errors); no traceback; nothing on
stdout; no output file written or changed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA_FILE, HISTORY, MINIMAL, ROOT, Invoke, scenario, snapshot, write
from typer.testing import Result

T = "target: {value: 2.0e9, year: 2026}\n"


def assert_clean_failure(result: Result, code: int = 1) -> list[str]:
    """Exit ``code``, empty stdout, no traceback; returns the stderr lines."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout
    assert result.stdout == ""
    return result.stderr.splitlines()


def assert_problems(result: Result, file: str, expected: list[tuple[str, str]]) -> None:
    """Exit 1 with exactly one stderr line per expected (key, fragment), each line
    ``FILE: KEY: message`` (no key for whole-file problems)."""
    lines = assert_clean_failure(result, 1)
    assert len(lines) == len(expected), lines
    for line in lines:
        assert line.startswith(f"{file}: "), line
    remaining = list(lines)
    for key, fragment in expected:
        prefix = f"{file}: {key}: " if key else f"{file}: "
        match = [ln for ln in remaining if ln.startswith(prefix) and fragment.lower() in ln.lower()]
        assert match, f"no line starting {prefix!r} containing {fragment!r} in {lines}"
        remaining.remove(match[0])


# --- one case per kind of bad scenario file ----------------------------------------------
# (id, file text or bytes, [(key path, fragment of the message), ...])

CASES: list[tuple[str, str | bytes, list[tuple[str, str]]]] = [
    # the whole file
    ("empty", "", [("", "empty")]),
    ("only-whitespace", "\n  \n", [("", "empty")]),
    ("only-comment", "# nothing here\n", [("", "empty")]),
    ("not-text", b"\xff\xfe\x00garbage", [("", "text")]),
    ("nul-byte", b"name: x\x00\n", [("", "text")]),
    ("yaml-unclosed-bracket", "name: [\n", [("line 2", "YAML")]),
    ("yaml-unclosed-brace", "name: x\ntarget: {value: 2e9, year: 2026\n", [("line 3", "YAML")]),
    ("yaml-bad-indent", "name: x\n  target: 1\n bad: 2\n", [("line 2", "YAML")]),
    # a list (or scalar) where a mapping belongs
    ("top-level-list", "- name: x\n- target: 1\n", [("", "mapping")]),
    ("top-level-scalar", "hello\n", [("", "mapping")]),
    ("target-list", scenario(target="target: [1, 2]\n"), [("target", "list")]),
    ("data-list", "name: s\ndata: [1, 2]\n" + T, [("data", "list")]),
    ("simulation-list", scenario(extra="simulation: [1]\n"), [("simulation", "list")]),
    ("history-list", "name: s\nhistory: [1e9, 1e9, 1e9]\n" + T, [("history", "")]),
    ("growth-mapping", scenario(extra="growth: {years: 2026, dist: normal, sd: 0.1}\n"),
     [("growth", "")]),
    # unknown keys
    ("unknown-top", scenario(extra="colour: red\n"), [("colour", "unknown key")]),
    ("unknown-nested", scenario(target="target: {value: 2e9, year: 2026, colour: red}\n"),
     [("target.colour", "unknown key")]),
    ("unknown-in-list", scenario(extra="growth: [{years: 2026, dist: normal, sd: 0.1, foo: 1}]\n"),
     [("growth[0].foo", "unknown key")]),
    ("unknown-typo", "name: s\ndata: {flie: x.csv, reporter: KGZ}\n" + T,
     [("data.flie", "did you mean 'file'"), ("data.file", "missing")]),
    # a key given twice
    ("twice-top", "name: a\nname: b\n" + HISTORY + T, [("line 2", "given twice")]),
    ("twice-nested", scenario(target="target: {value: 2e9, year: 2026, value: 3e9}\n"),
     [("line 3", "given twice")]),
    ("twice-history-year", scenario(history="history: {2021: 1e9, 2022: 1e9, 2023: 1e9, "
                                    "'2023': 5e9}\n"), [("line 2", "given twice")]),
    # a wrong type
    ("type-target-value", scenario(target="target: {value: abc, year: 2026}\n"),
     [("target.value", "number")]),
    ("type-name", scenario(name="[a, b]"), [("name", "")]),
    ("type-kind", scenario(target="target: {value: 2e9, year: 2026, kind: maybe}\n"),
     [("target.kind", "level")]),
    ("type-paths", scenario(extra="simulation: {paths: many}\n"), [("simulation.paths", "")]),
    ("type-bool-paths", scenario(extra="simulation: {paths: true}\n"), [("simulation.paths", "")]),
    ("type-name-path", scenario(name="../evil"), [("name", "")]),
    # a year that is not a number
    ("year-history-key", scenario(history="history: {abc: 1e9, 2021: 1e9, 2022: 1e9, "
                                  "2023: 1e9}\n"), [("history.abc (key)", "year")]),
    ("year-target", scenario(target="target: {value: 2e9, year: soon}\n"),
     [("target.year", "")]),
    ("year-fraction", scenario(target="target: {value: 2e9, year: 2026.5}\n"),
     [("target.year", "")]),
    # NaN or infinite
    ("nan-target", scenario(target="target: {value: .nan, year: 2026}\n"),
     [("target.value", "finite")]),
    ("inf-target", scenario(target="target: {value: .inf, year: 2026}\n"),
     [("target.value", "finite")]),
    ("overflow-target", scenario(target="target: {value: 1e400, year: 2026}\n"),
     [("target.value", "finite")]),
    ("nan-inf-history", scenario(history="history: {2020: .nan, 2021: 1e9, 2022: .inf, "
                                 "2023: 1e9}\n"),
     [("history.2020", "finite"), ("history.2022", "finite")]),
    ("nan-growth", scenario(extra="growth: [{years: 2026, dist: normal, mean: .nan, sd: 0.1}]\n"),
     [("growth[0].mean", "finite")]),
    # a negative or zero target
    ("target-negative", scenario(target="target: {value: -2e9, year: 2026}\n"),
     [("target.value", "> 0")]),
    ("target-zero", scenario(target="target: {value: 0, year: 2026}\n"),
     [("target.value", "> 0")]),
    # target year before / at the last observation, or too far ahead
    ("target-year-before", scenario(target="target: {value: 2e9, year: 2022}\n"),
     [("target.year", "after the last observed year 2023")]),
    ("target-year-equal", scenario(target="target: {value: 2e9, year: 2023}\n"),
     [("target.year", "after the last observed year 2023")]),
    ("target-year-far", scenario(target="target: {value: 2e9, year: 2074}\n"),
     [("target.year", "50")]),
    ("target-year-absurd", scenario(target="target: {value: 2e9, year: 2200}\n"),
     [("target.year", "50")]),
    # fewer than 3 observations
    ("history-two-years", scenario(history="history: {2022: 1e9, 2023: 1e9}\n"),
     [("history", "3")]),
    ("history-two-years-and-ytd", scenario(
        history="history: {2022: 1e9, 2023: 1e9, '2024-01..2024-06': 6e8}\n"),
     [("history", "3")]),
    ("history-empty", scenario(history="history: {}\n"), [("history", "3")]),
    # a non-positive history value
    ("history-zero-negative", scenario(history="history: {2020: 1e9, 2021: 0, 2022: -1e9, "
                                       "2023: 1e9}\n"),
     [("history.2021", "> 0"), ("history.2022", "> 0")]),
    # a negative spread in an assumption
    ("spread-normal", scenario(extra="growth: [{years: 2026, dist: normal, mean: 0.05, "
                               "sd: -0.02}]\n"), [("growth[0].sd", ">= 0")]),
    ("spread-student-t", scenario(extra="growth: [{years: 2026, dist: student-t, scale: -0.1, "
                                  "df: 4}]\n"), [("growth[0].scale", ">= 0")]),
    ("spread-two-piece", scenario(extra="growth: [{years: 2026, dist: two-piece-normal, mode: 0, "
                                  "sd_below: -0.1, sd_above: 0.1}]\n"),
     [("growth[0].sd_below", ">= 0")]),
    ("spread-adjust", scenario(extra="growth: [{years: 2026, scale: -1}]\n"),
     [("growth[0].scale", ">= 0")]),
    ("spread-shock", scenario(extra="shocks: [{name: border, probability: 0.1, impact: "
                              "{dist: normal, mean: -0.2, sd: -0.1}}]\n"),
     [("shocks[0].impact.sd", ">= 0")]),
    # a data file or reporter that does not exist
    ("data-file-missing", "name: s\ndata: {file: nope.csv, reporter: KGZ}\n" + T,
     [("data.file", "not found")]),
    ("data-reporter-missing", f"name: s\ndata: {{file: {DATA_FILE}, reporter: USA}}\n" + T,
     [("data.reporter", "USA")]),
    ("data-partner-missing", f"name: s\ndata: {{file: {DATA_FILE}, reporter: KGZ, "
     "partner: USA}\n" + T, [("data.partner", "USA")]),
    ("data-as-of-too-early", f"name: s\ndata: {{file: {DATA_FILE}, reporter: KGZ, "
     "as_of: 1990-01-01}\n" + T, [("data", "1990-01-01")]),
    # simulation settings
    ("seed-fraction", scenario(extra="simulation: {seed: 1.5}\n"), [("simulation.seed", "1.5")]),
    ("seed-text", scenario(extra="simulation: {seed: abc}\n"), [("simulation.seed", "abc")]),
    ("seed-negative", scenario(extra="simulation: {seed: -1}\n"), [("simulation.seed", "")]),
    ("paths-zero", scenario(extra="simulation: {paths: 0}\n"), [("simulation.paths", ">= 1")]),
    ("paths-too-many", scenario(extra="simulation: {paths: 1.5e8}\n"),
     [("simulation.paths", "<=")]),
    # extends
    ("extends-missing", "extends: nowhere.yaml\n" + MINIMAL, [("extends", "not found")]),
    ("extends-self", "extends: bad.yaml\n" + MINIMAL, [("extends", "cycle")]),
]


@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.parametrize("text, expected", [pytest.param(t, e, id=i) for i, t, e in CASES])
def test_bad_scenario_file(cli: Invoke, tmp_path: Path, out_dir: Path, command: str,
                           text: str | bytes, expected: list[tuple[str, str]]) -> None:
    write(tmp_path, "bad.yaml", text)
    before = snapshot(out_dir)
    args = ["run", "bad.yaml", "--out", out_dir, "--paths", 100] if command == "run" \
        else ["validate", "bad.yaml"]
    result = cli(*args)
    assert_problems(result, "bad.yaml", expected)
    assert snapshot(out_dir) == before


def test_python_tag_executes_nothing(cli: Invoke, tmp_path: Path, out_dir: Path) -> None:
    write(tmp_path, "bad.yaml", 'name: !!python/object/apply:os.system ["touch PWNED"]\n'
          + HISTORY + T)
    write(tmp_path, "bad2.yaml", "name: !!python/name:os.system\n" + HISTORY + T)
    before = snapshot(out_dir)
    for file in ("bad.yaml", "bad2.yaml"):
        for args in (["validate", file], ["run", file, "--out", out_dir]):
            result = cli(*args)
            assert_problems(result, file, [("line 1", "not allowed")])
    assert not (tmp_path / "PWNED").exists()
    assert not Path("PWNED").exists()
    assert snapshot(out_dir) == before


def test_extends_cycle(cli: Invoke, tmp_path: Path, out_dir: Path) -> None:
    write(tmp_path, "a.yaml", "extends: b.yaml\n" + MINIMAL)
    write(tmp_path, "b.yaml", "extends: a.yaml\nname: b\n")
    before = snapshot(out_dir)
    for args in (["validate", "a.yaml"], ["run", "a.yaml", "--out", out_dir]):
        result = cli(*args)
        lines = assert_clean_failure(result, 1)
        assert len(lines) == 1, lines
        assert lines[0].startswith("a.yaml: extends: cycle")
        assert "b.yaml" in lines[0]
    assert snapshot(out_dir) == before


def test_extends_valid_scenario_runs(cli: Invoke, tmp_path: Path) -> None:
    """The cycle check does not reject an ordinary chain."""
    write(tmp_path, "base/base.yaml", MINIMAL)
    write(tmp_path, "child.yaml", "extends: base/base.yaml\nname: child\n")
    result = cli("validate", "child.yaml")
    assert result.exit_code == 0, result.stderr
    assert "child" in result.stdout


def test_a_problem_is_blamed_on_the_file_in_the_extends_chain_that_sets_the_key(
        cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, "base/base.yaml", scenario(
        "base", extra="growth: [{years: 2024, dist: normal, mean: 0.05, sd: -0.1}]\n"))
    write(tmp_path, "child.yaml", "extends: base/base.yaml\nname: child\n"
          "target: {value: -1, year: 2026}\n")
    lines = assert_clean_failure(cli("validate", "child.yaml"), 1)
    assert sorted(lines) == sorted([
        "child.yaml: target.value: must be > 0.0 (got -1)",
        "base/base.yaml: growth[0].sd: must be >= 0.0 (got -0.1)",
    ])


@pytest.mark.parametrize("option, value", [
    ("--paths", "0"), ("--paths", "-5"), ("--paths", "100000001"), ("--paths", "ten"),
    ("--seed", "abc"), ("--seed", "1.5"), ("--seed", "-1"),
])
def test_usage_errors_exit_2(cli: Invoke, tmp_path: Path, out_dir: Path, option: str,
                             value: str) -> None:
    write(tmp_path, "good.yaml", MINIMAL)
    before = snapshot(out_dir)
    result = cli("run", "good.yaml", option, value, "--out", out_dir)
    assert_clean_failure(result, 2)
    assert option in result.stderr
    assert snapshot(out_dir) == before


def test_no_output_folder_created_on_bad_input(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, "bad.yaml", scenario(target="target: {value: -1, year: 2026}\n"))
    result = cli("run", "bad.yaml", "--out", "new-folder")
    assert_problems(result, "bad.yaml", [("target.value", "> 0")])
    assert not (tmp_path / "new-folder").exists()


def test_every_problem_in_a_file_is_listed(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, "x.yaml", scenario(target="target: {value: -5, year: 2026}\n",
                                       extra="colour: red\n"))
    result = cli("validate", "x.yaml")
    assert_problems(result, "x.yaml", [("colour", "unknown key"), ("target.value", "> 0")])


def test_every_problem_in_a_file_is_listed_many(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, "x.yaml", (
        "name: x\ncolour: red\n"
        "history: {2020: 1e9, 2021: -1, 2022: .nan, 2023: 1e9}\n"
        "target: {value: 0, year: soon}\n"
        "growth: [{years: 2026, dist: normal, sd: -0.02}]\n"
        "simulation: {paths: 0, seed: 1.5}\n"))
    result = cli("validate", "x.yaml")
    assert_problems(result, "x.yaml", [
        ("colour", "unknown"), ("history.2021", "> 0"), ("history.2022", "finite"),
        ("target.value", "> 0"), ("target.year", ""), ("growth[0].sd", ">= 0"),
        ("simulation.paths", ">= 1"), ("simulation.seed", "1.5"),
    ])


def test_validate_stops_at_the_invalid_file(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", MINIMAL)
    write(tmp_path, "bad.yaml", scenario(target="target: {value: -5, year: 2026}\n"))
    result = cli("validate", "good.yaml", "bad.yaml")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert lines and all(ln.startswith("bad.yaml: ") for ln in lines), lines
    assert "good.yaml" not in result.stderr


def test_run_with_one_bad_file_writes_nothing(cli: Invoke, tmp_path: Path,
                                              out_dir: Path) -> None:
    write(tmp_path, "good.yaml", MINIMAL)
    write(tmp_path, "bad.yaml", scenario(target="target: {value: -5, year: 2026}\n"))
    before = snapshot(out_dir)
    result = cli("run", "good.yaml", "bad.yaml", "--out", out_dir, "--paths", 100)
    # the good scenario is answered on stdout; the bad one's problem is the only stderr line;
    # with --out nothing is written unless every scenario ran
    assert result.exit_code == 1 and result.stdout.startswith("minimal")
    assert result.stderr.splitlines() == [ln for ln in result.stderr.splitlines()
                                          if ln.startswith("bad.yaml: target.value:")]
    assert len(result.stderr.splitlines()) == 1
    assert snapshot(out_dir) == before


def test_missing_scenario_file(cli: Invoke) -> None:
    result = cli("validate", "nope.yaml")
    assert_problems(result, "nope.yaml", [("", "not found")])


def test_scenario_path_is_a_folder(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "folder.yaml").mkdir()
    result = cli("validate", "folder.yaml")
    assert_problems(result, "folder.yaml", [("", "folder")])


def test_target_year_50_ahead_is_allowed(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, "x.yaml", scenario(target="target: {value: 2e9, year: 2073}\n"))
    result = cli("validate", "x.yaml")
    assert result.exit_code == 0, result.stderr


# --- what good input gives -----------------------------------------------------------------

def _run_json(cli: Invoke, *args: object) -> str:
    result = cli("run", *args, "--json")
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


@pytest.mark.parametrize("written", ["2.0e9", "2000000000", "2E9", "2e+9", "2_000_000_000"])
def test_numbers_as_users_write_them(cli: Invoke, tmp_path: Path, written: str) -> None:
    write(tmp_path, "ref.yaml", scenario(name="n", target="target: {value: 2e9, year: 2026}\n"))
    write(tmp_path, "x.yaml", scenario(name="n", target=f"target: {{value: {written}, "
                                                       "year: 2026}\n"))
    ref = json.loads(_run_json(cli, "ref.yaml", "--paths", 1000))
    got = json.loads(_run_json(cli, "x.yaml", "--paths", 1000))
    assert got["target"]["value"] == 2e9
    for d in (ref, got):  # the file and its hash differ, nothing else may
        del d["scenario"]["file"], d["scenario"]["sha256"]
    assert got == ref


def test_same_seed_gives_byte_identical_json(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, "s.yaml", MINIMAL)
    a = _run_json(cli, "s.yaml", "--paths", 2000, "--seed", 7)
    b = _run_json(cli, "s.yaml", "--paths", 2000, "--seed", 7)
    c = _run_json(cli, "s.yaml", "--paths", 2000, "--seed", 8)
    assert a == b
    assert json.loads(a)["seed"] == 7
    assert json.loads(c)["probability"] != json.loads(a)["probability"] or \
        json.loads(c)["quantiles"] != json.loads(a)["quantiles"]


def test_several_files_give_a_json_list(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", scenario(name="a"))
    write(tmp_path, "b.yaml", scenario(name="b", target="target: {value: 3e9, year: 2030}\n"))
    out = json.loads(_run_json(cli, "a.yaml", "b.yaml", "--paths", 500))
    assert isinstance(out, list) and len(out) == 2
    assert [d["scenario"]["name"] for d in out] == ["a", "b"]
    assert [d["target"]["year"] for d in out] == [2026, 2030]


def test_python_m_forecast_help() -> None:
    proc = subprocess.run([sys.executable, "-m", "forecast", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    for command in ("run", "validate", "schema"):
        assert command in proc.stdout
    assert "Traceback" not in proc.stderr


def test_schema_accepts_every_shipped_scenario_and_rejects_unknown_keys(cli: Invoke) -> None:
    """What an editor's YAML plugin does with `tradecast schema`."""
    import jsonschema

    from forecast.data.files import parse_yaml

    result = cli("schema")
    assert result.exit_code == 0, result.stderr
    schema = json.loads(result.stdout)
    validator = jsonschema.Draft202012Validator(schema)
    # Editors read YAML 1.2 (2e9 is a number); the JSON round trip makes keys strings.
    docs = [parse_yaml(p.read_text(), p.name) for p in (ROOT / "scenarios").glob("*.yaml")]
    docs.append(parse_yaml(MINIMAL, "minimal"))
    for doc in docs:
        doc = json.loads(json.dumps(doc, default=str))
        errors = [e.message for e in validator.iter_errors(doc)]
        assert not errors, (doc.get("name"), errors)
    bad = json.loads(json.dumps(parse_yaml(MINIMAL, "minimal")))
    bad["targett"] = 1
    assert list(validator.iter_errors(bad))
    del bad["targett"], bad["target"]
    assert list(validator.iter_errors(bad))  # no extends: target is required


def test_out_writes_the_report_beside_the_user_files(cli: Invoke, tmp_path: Path, out_dir: Path) -> None:
    write(tmp_path, "s.yaml", MINIMAL)
    user_file = snapshot(out_dir)
    stdout = _run_json(cli, "s.yaml", "--paths", 1000, "--seed", 3)
    result = cli("run", "s.yaml", "--paths", 1000, "--seed", 3, "--out", out_dir)
    assert result.exit_code == 0, result.stderr
    after = snapshot(out_dir)
    assert after is not None and user_file is not None
    added = set(after) - set(user_file)
    assert {"minimal.json", "minimal.md", "minimal.html"} <= added
    assert all(n.startswith("minimal-") and n.endswith(".png") for n in added - {
        "minimal.json", "minimal.md", "minimal.html"})
    assert after["user-notes.txt"] == user_file["user-notes.txt"]
    # The report's JSON is the run's JSON plus the report's own sections.
    report, run = json.loads(after["minimal.json"]), json.loads(stdout)
    assert {k: report[k] for k in run} == run
    assert {"partner", "asymmetry", "backtest", "reproduce"} <= set(report) - set(run)
    assert after["minimal.md"].strip()


def test_out_is_an_existing_file(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, "s.yaml", MINIMAL)
    target = write(tmp_path, "report", "keep me\n")
    result = cli("run", "s.yaml", "--paths", 100, "--out", "report")
    assert_problems(result, "report", [("", "folder")])
    assert target.read_text() == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report", "s.yaml"]


def test_impossible_calendar_date_is_one_line(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, "bad.yaml", scenario(extra="description: 2024-13-45\n")
          .replace(HISTORY, f"data: {{file: {DATA_FILE}, reporter: KGZ, as_of: 2024-02-30}}\n"))
    lines = assert_clean_failure(cli("validate", "bad.yaml"), 1)
    assert lines == ["bad.yaml: data.as_of: input should be a valid date or datetime, day value "
                     "is outside expected range (got '2024-02-30')"]


def test_out_folder_that_cannot_be_created(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, "ok.yaml", MINIMAL)
    write(tmp_path, "afile", "x")
    lines = assert_clean_failure(cli("run", "ok.yaml", "--paths", "100", "--out", "afile/sub"), 1)
    assert len(lines) == 1 and lines[0].startswith("afile/sub: cannot create the output folder")


def test_out_files_have_the_usual_permissions(cli: Invoke, tmp_path: Path) -> None:
    import os

    write(tmp_path, "ok.yaml", MINIMAL)
    assert cli("run", "ok.yaml", "--paths", "100", "--out", "o").exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    for p in (tmp_path / "o").iterdir():
        assert p.stat().st_mode & 0o777 == 0o666 & ~umask
