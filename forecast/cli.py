"""The ``tradecast`` command: parse arguments, call the library, map errors to exit codes.

Exit codes: 0 success; 1 invalid input or a failed run (one line per problem on
stderr, no output written); 2 usage error.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Annotated

import typer

from forecast.errors import DataError, ForecastError, Problem, ScenarioError
from forecast.scenario import MAX_PATHS

app = typer.Typer(
    name="tradecast",
    help="Will trade between two countries reach the announced target? Simulate scenario "
         "files (YAML) and report the probability, with its uncertainty.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click output: a usage error is one "Error: ..." line
)

Files = Annotated[list[Path], typer.Argument(help="Scenario files (YAML).", show_default=False)]


def _fail(error: ForecastError) -> None:
    for line in error.lines():
        typer.echo(line, err=True)
    raise typer.Exit(1)


def _prepare(path: Path):  # type: ignore[no-untyped-def]
    """Read and validate one scenario file and select its series (no simulation)."""
    from forecast import files, pipeline, scenario

    sf = files.load_scenario_tree(path)
    try:
        sc = scenario.parse(sf.tree, sf.where)
    except ScenarioError as e:  # name the file in the extends chain that sets the key
        raise ScenarioError(sf.where, problems=[
            Problem(sf.origin(p.key), p.key, p.message) for p in e.problems]) from None
    data, data_sha = None, ""
    if sc.data is not None:
        data_path = files.resolve_data_file(sc.data.file, sf.where)
        data = files.read_trade_data(data_path)
        data_sha = files.sha256_file(data_path)
        sc = sc.model_copy(update={"data": sc.data.model_copy(
            update={"file": files.display_path(data_path)})})
    try:
        series = pipeline.series_for(sc, data, sf.where)
    except DataError as e:
        # select() names the data file; the problem is what this scenario asks of it
        raise ScenarioError(sf.where, problems=[
            Problem(sf.where, f"data.{p.key}" if p.key else "data", f"{p.message} (in {p.where})")
            for p in e.problems]) from None
    pipeline.check_years(sc, series, sf.where)
    return sf, sc, series, data_sha


@app.command()
def run(
    scenarios: Files,
    paths: Annotated[int | None, typer.Option(
        "--paths", min=1, max=MAX_PATHS,
        help=f"Number of simulated paths (1 to {MAX_PATHS:,}; default: the scenario's).")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", min=0, max=2**63 - 1, help="Random seed (default: the scenario's).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON "
                                          "(one object, or a list for several files).")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder to write the report into: <name>.json, .html, .md and the "
        "charts (PNG).")] = None,
) -> None:
    """Simulate scenarios and print the feasibility summary."""
    from forecast import files, pipeline, render

    try:
        results = []
        for path in scenarios:
            sf, sc, series, data_sha = _prepare(path)
            results.append(pipeline.run(sc, where=sf.where, paths=paths, seed=seed,
                                        scenario_sha256=sf.sha256, data_sha256=data_sha,
                                        series=series))
        names = [r.scenario.name for r in results]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if out is not None and dupes:
            raise ScenarioError(str(out), "", f"two scenarios share the name {dupes[0]!r}; "
                                "their output files would collide")
        if out is not None and out.exists() and not out.is_dir():
            raise ScenarioError(str(out), "", "--out must be a folder (a file has this name)")
        dicts = [render.as_dict(r) for r in results]
        if out is not None:
            outputs: dict[str, str | bytes] = {}
            for path, r in zip(scenarios, results):
                command = _command("run", path, out, None, paths, seed)
                outputs.update(_report_files(r, command, ("html", "md")))
            written = files.write_files(out, outputs)
    except ForecastError as e:
        _fail(e)
    if as_json:
        sys.stdout.write(render.to_json(dicts[0] if len(dicts) == 1 else dicts))
    else:
        sys.stdout.write("\n".join(render.summary(r) for r in results))
    if out is not None:
        typer.echo("wrote " + ", ".join(files.display_path(p) for p in written), err=True)


FORMATS = ("html", "md", "pdf")


def _command(verb: str, path: Path, out: Path, formats: str | None, paths: int | None,
             seed: int | None) -> str:
    """The command line that reproduces a report."""
    parts = ["tradecast", verb, str(path), "--out", str(out)]
    if formats is not None:
        parts += ["--format", formats]
    if paths is not None:
        parts += ["--paths", str(paths)]
    if seed is not None:
        parts += ["--seed", str(seed)]
    return " ".join(parts)


def _report_files(result, command: str, formats: tuple[str, ...]) -> dict[str, str | bytes]:  # type: ignore[no-untyped-def]
    """Every file of one scenario's report, by name: JSON always, then the formats asked for."""
    from forecast import files, pipeline, render, report

    data = None
    if result.scenario.data is not None:
        data = files.read_trade_data(Path(result.scenario.data.file))
    extras = pipeline.extras(result, data)
    d = render.as_dict(result, extras, command)
    return {f"{result.scenario.name}.json": render.to_json(d), **report.files(result, d, formats)}


@app.command()
def report(
    scenario_file: Annotated[Path, typer.Argument(metavar="SCENARIO", help="Scenario file (YAML).",
                                                  show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report into.",
                                      show_default=False)],
    formats: Annotated[str, typer.Option(
        "--format", help="Comma-separated: html (one self-contained file), md (Markdown with PNG "
        "charts beside it), pdf (needs: pip install 'tradecast[pdf]'). The JSON result is always "
        "written too.")] = "html,md",
    paths: Annotated[int | None, typer.Option(
        "--paths", min=1, max=MAX_PATHS,
        help="Number of simulated paths (default: the scenario's).")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", min=0, max=2**63 - 1, help="Random seed (default: the scenario's).")] = None,
) -> None:
    """Write the feasibility report an analyst can forward: the answer, charts, the partner's
    statistics, assumptions, backtests and how to reproduce it."""
    from forecast import files, pipeline

    chosen = tuple(dict.fromkeys(f.strip().lower() for f in formats.split(",") if f.strip()))
    bad = [f for f in chosen if f not in FORMATS]
    if not chosen or bad:
        raise typer.BadParameter(f"--format takes a comma-separated list of {', '.join(FORMATS)} "
                                 f"(got {formats!r})")
    try:
        if "pdf" in chosen and importlib.util.find_spec("xhtml2pdf") is None:  # fail before the work
            from forecast.report import PDF_HINT

            raise ForecastError("pdf", "", PDF_HINT)
        if out.exists() and not out.is_dir():
            raise ScenarioError(str(out), "", "--out must be a folder (a file has this name)")
        sf, sc, series, data_sha = _prepare(scenario_file)
        result = pipeline.run(sc, where=sf.where, paths=paths, seed=seed, scenario_sha256=sf.sha256,
                              data_sha256=data_sha, series=series)
        outputs = _report_files(result, _command("report", scenario_file, out, formats, paths, seed),
                                chosen)
        written = files.write_files(out, outputs)
    except ForecastError as e:
        _fail(e)
    typer.echo("wrote " + ", ".join(files.display_path(p) for p in written), err=True)


@app.command()
def compare(
    scenarios: Annotated[list[Path], typer.Argument(help="Two or more scenario files (YAML); each is "
                                                    "compared with the first.", show_default=False)],
    paths: Annotated[int | None, typer.Option(
        "--paths", min=1, max=MAX_PATHS,
        help="Paths for every scenario (default: the first scenario's).")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", min=0, max=2**63 - 1, help="Seed for every scenario (default: the first's).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
) -> None:
    """Compare assumption sets on common random numbers: each scenario's probability, and its
    difference from the first with a paired standard error."""
    from forecast import compare as cmp
    from forecast import pipeline, render

    if len(scenarios) < 2:
        raise typer.BadParameter("give at least two scenario files")
    try:
        prepared = [_prepare(p) for p in scenarios]
        first = prepared[0][1].simulation
        n = paths if paths is not None else first.paths
        s = seed if seed is not None else first.seed
        runs = [pipeline.run(sc, where=sf.where, paths=n, seed=s, scenario_sha256=sf.sha256,
                             data_sha256=sha, series=series) for sf, sc, series, sha in prepared]
    except ForecastError as e:
        _fail(e)
    diffs = cmp.compare(runs, [p[0].tree for p in prepared])
    notes = cmp.caveats(runs)
    if as_json:
        sys.stdout.write(render.to_json(render.compare_dict(runs, diffs, notes)))
    else:
        sys.stdout.write(render.compare_text(runs, diffs, notes))


@app.command()
def validate(scenarios: Files) -> None:
    """Check scenario files and their data; exit 1 at the first invalid one, listing
    every problem in it."""
    try:
        for path in scenarios:
            sf, sc, _, _ = _prepare(path)
            typer.echo(f"ok: {sf.where} ({sc.name})")
    except ForecastError as e:
        _fail(e)


@app.command()
def backtest(
    scenario_file: Annotated[Path | None, typer.Argument(
        metavar="SCENARIO", help="Scenario file: rolling origins on its own series.",
        show_default=False)] = None,
    panel: Annotated[Path | None, typer.Option(
        "--panel", help="CSV of many series (columns series_id, year or t, value): hold out "
        "the last --holdout values of each.", show_default=False)] = None,
    holdout: Annotated[int | None, typer.Option(
        "--holdout", min=1, max=50, help="Values held out per series (with --panel).",
        show_default=False)] = None,
    model: Annotated[str, typer.Option(
        "--model", help="auto, a single model (rw-drift, ets, arima, theta, llt, bootstrap) or "
        "'all'. Default: all for a scenario, auto for a panel.", show_default=False)] = "",
    paths: Annotated[int, typer.Option("--paths", min=100, max=100_000,
                                       help="Simulated paths per forecast.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, max=2**63 - 1, help="Random seed.")] = 0,
    calibration: Annotated[bool, typer.Option(
        "--calibration/--no-calibration", help="Apply the shipped calibration.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
) -> None:
    """Out-of-sample accuracy and calibration: rolling origins on a scenario's series, or
    held-out years on a panel of series."""
    from forecast import backtest as bt
    from forecast import files, render
    from forecast.models import MEMBERS

    if (scenario_file is None) == (panel is None):
        raise typer.BadParameter("give a scenario file or --panel FILE.csv (one of them)")
    if panel is not None and holdout is None:
        raise typer.BadParameter("--panel needs --holdout H (values held out per series)")
    if panel is None and holdout is not None:
        raise typer.BadParameter("--holdout goes with --panel")
    choice = model or ("all" if panel is None else "auto")
    if choice not in ("all", "auto", *MEMBERS):
        raise typer.BadParameter(f"--model must be auto, all or one of {', '.join(MEMBERS)} "
                                 f"(got {choice!r})")
    models = [*MEMBERS, "auto"] if choice == "all" else [choice]
    try:
        if panel is not None:
            assert holdout is not None
            series = files.read_panel(panel)
            tasks, short = bt.holdout_tasks(series, holdout)
            where, context = files.display_path(panel), {"holdout": holdout}
        else:
            sf, sc, ts, _ = _prepare(scenario_file)  # type: ignore[arg-type]
            horizon = sc.target.year - ts.last_year
            tasks = list(bt.rolling_tasks(sc.name, ts.years, ts.values, horizon))
            if not tasks:
                raise ScenarioError(sf.where, "data", f"a backtest needs more than {bt.MIN_HISTORY} "
                                    f"years of history (got {len(ts.years)})")
            short = []
            where, context = sf.where, {"series": f"{ts.reporter or 'inline'} {ts.measure}",
                                        "horizon": horizon,
                                        "origins": [t.origin for t in tasks]}
    except ForecastError as e:
        _fail(e)
    if panel is None:
        calibration = calibration and sc.model.calibration == "panel"
    results, seconds = bt.timed(bt.run_tasks, tasks, models, paths=paths, seed=seed,
                                calibrate=calibration)
    summaries = {m: bt.summarise(tasks, results, m) for m in models}
    if not any("smape" in s for s in summaries.values()):
        where_ = files.display_path(panel) if panel is not None else str(scenario_file)
        _fail(ForecastError(where_, "", f"nothing to score: no model produced a forecast with a "
                            f"held-out value ({len(tasks)} task(s), {len(short)} series too short)"))
    for s in summaries.values():
        s["n_failed"] += len(short)
        s["failed"] = short + s["failed"]
    report = render.backtest_dict(where, context, summaries, models[-1] if choice == "all" else choice,
                                  seconds, paths=paths, seed=seed, calibrated=calibration)
    if as_json:
        sys.stdout.write(render.to_json(report))
    else:
        sys.stdout.write(render.backtest_text(report))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format (for editors' YAML plugins)."""
    from forecast import render, scenario

    sys.stdout.write(render.to_json(scenario.json_schema()))


def main() -> None:
    app(prog_name="tradecast")
