"""The ``tradecast`` command: parse arguments, call the library, map errors to exit codes.

Exit codes: 0 success; 1 invalid input or a failed run (one line per problem on
stderr, no output written); 2 usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from forecast.cli import backtest as cli_backtest
from forecast.cli import learn as cli_learn
from forecast.cli import progress
from forecast.cli.common import (
    Files,
    Formats,
    Paths,
    Precision,
    PriorsFile,
    Robust,
    Seed,
    _check_out,
    _command,
    _emit,
    _formats,
    _prepare,
    _report_files,
    _sets,
    _variant,
    robustness_on,
)
from forecast.cli.data import data_app
from forecast.cli.data import fail as _fail
from forecast.errors import ForecastError, ScenarioError
from forecast.limits import MAX_PATHS
from forecast.present.formats import to_json

app = typer.Typer(
    name="tradecast",
    help="Will trade between two countries reach the announced target? Simulate scenario "
         "files (YAML) and report the probability, with its uncertainty.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click output: a usage error is one "Error: ..." line
)

app.add_typer(data_app, name="data")


def _version(value: bool) -> None:
    if value:
        import platform
        from importlib.metadata import PackageNotFoundError, version

        from forecast import __version__

        parts = [f"tradecast {__version__}", f"python {platform.python_version()}"]
        for lib in ("numpy", "scipy", "pandas", "statsmodels", "pydantic", "typer", "PyYAML",
                    "matplotlib"):
            try:
                parts.append(f"{lib} {version(lib)}")
            except PackageNotFoundError:
                parts.append(f"{lib} (not installed)")
        sys.stdout.write(", ".join(parts) + "\n")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True,
        help="Print the versions of tradecast, Python and the numerical libraries, and exit.")
        ] = False,
        quiet: Annotated[bool, typer.Option(
            "--quiet", "-q", help="Only errors on stderr: no progress lines, no list of files "
            "written.")] = False,
        verbose: Annotated[bool, typer.Option(
            "--verbose", "-v", help="Also say on stderr what each stage did (data read, models "
            "fitted or from the cache, paths simulated, with times).")] = False) -> None:
    """Will trade between two countries reach the announced target? Simulate scenario files
    (YAML) and report the probability, with its uncertainty."""
    progress.set_level(quiet, verbose)


@app.command()
def run(
    scenarios: Files,
    paths: Paths = None,
    seed: Seed = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON "
                                          "(one object, or a list for several files).")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder to write the report into: <name>.json, .html, .md and the "
        "charts (PNG); for a sweep, <name>-sweep.json, .html, .md and its chart.")] = None,
    precision: Precision = None,
    sets: Annotated[list[str] | None, typer.Option(
        "--set", metavar="KEY=V1,V2,...", show_default=False,
        help="Run the scenario once for each value of KEY, a key path such as growth[0].mean, "
        "target.value or model; FROM..TO/N gives N evenly spaced numbers. Repeat --set for a grid "
        "of every combination. Replaces the file's sweep: block.")] = None,
    priors: PriorsFile = None,
    robustness: Robust = "on",
) -> None:
    """Simulate scenarios and print the feasibility summary, or a sweep's table. A scenario
    that fails is reported on stderr and the others still run (exit 1; with --out nothing is
    written)."""
    from forecast.data import files

    axes = _sets(sets)
    robust = robustness_on(robustness)
    if precision is not None and axes:
        raise typer.BadParameter("--precision does not go with --set: a sweep's points share their "
                                 "paths (common random numbers)")
    try:
        _check_out(out)
        prior = cli_learn.load_priors(priors)
    except ForecastError as e:
        _fail(e)
    texts, dicts, outputs, failed = [], [], {}, []
    fits: dict[str, object] = {}
    names: dict[str, str] = {}
    for path in scenarios:
        try:
            p = _prepare(path)
            if out is not None and p.scenario.name in names:
                raise ScenarioError(str(out), "", f"two scenarios share the name {p.scenario.name!r} "
                                    f"({names[p.scenario.name]} and {p.file.where}); their output "
                                    "files would collide")
            names[p.scenario.name] = p.file.where
            grid = axes or p.scenario.sweep
            if grid and precision is not None:
                raise ScenarioError(p.file.where, "sweep", "--precision does not go with a sweep: "
                                    "its points share their paths (common random numbers)")
            if grid:
                text, d, files_ = _sweep(path, p, grid, "--set" if axes else "sweep", paths, seed,
                                         out, fits, prior, priors)
            else:
                text, d, files_ = _one(path, p, paths, seed, precision, prior, priors, robust, out)
        except ForecastError as e:
            for line in e.lines():
                typer.echo(line, err=True)
            failed.append(str(path))
            dicts.append({"file": str(path), "error": e.lines()[0]})
            continue
        texts.append(text)
        dicts.append(d)
        outputs.update(files_)
    written: list[Path] = []
    if out is not None and not failed:
        try:
            written = files.write_files(out, outputs)
        except ForecastError as e:
            _fail(e)
    if texts or as_json:
        _emit(dicts[0] if len(dicts) == 1 else dicts, "\n".join(texts), as_json, written)
    if failed:
        raise typer.Exit(1)


def _one(path: Path, p: Any, paths: int | None, seed: int | None, precision: float | None,
         prior: Any, priors: Path | None, robust: bool, out: Path | None
         ) -> tuple[str, dict[str, Any], dict[str, str | bytes]]:
    """One scenario's run: (summary, JSON dict, report files when --out)."""
    from forecast import api
    from forecast.present import render

    tick = progress.ticker(f"{p.scenario.name}: simulating", unit=" paths")
    r = api.run(api.Question(p), paths=paths, seed=seed, precision=precision, priors=prior,
                progress=tick, robustness=robust).run
    if tick is not None:
        tick.finish()
    files_ = _report_files(r, _command("run", path, out, None, paths, seed, precision, priors),
                           ("html", "md")) if out is not None else {}
    return render.summary(r), render.as_dict(r), files_


def _sweep(path: Path, prepared, axes, verb: str, paths: int | None, seed: int | None,  # type: ignore[no-untyped-def]
           out: Path | None, fits: dict[str, object], prior=None, priors: Path | None = None):
    """Run one scenario's sweep: (table, JSON dict, files to write)."""
    from forecast.analysis import variants
    from forecast.present import render_multi

    sim = prepared.scenario.simulation
    sw = variants.sweep(prepared.file.tree, axes, _variant(prepared), where=prepared.file.where,
                        paths=paths if paths is not None else sim.paths,
                        seed=seed if seed is not None else sim.seed, fits=fits, verb=verb, prior=prior)
    sets = [f"--set {k}={','.join(map(str, v))}" for k, v in axes.items()] if verb == "--set" else []
    command = " ".join([_command("run", path, out, None, paths, seed, priors=priors), *sets]) \
        if out is not None \
        else None
    d = render_multi.sweep_dict(sw, where=prepared.file.where, command=command)
    files_: dict[str, str | bytes] = {}
    if out is not None:
        from forecast.present.report import multi

        files_ = multi.sweep_files(d, sw, ("html", "md"))
    files_ = {f"{prepared.scenario.name}-sweep.json": to_json(d), **files_} if out else {}
    return render_multi.sweep_text(sw), d, files_


@app.command()
def report(
    scenario_file: Annotated[Path, typer.Argument(metavar="SCENARIO", help="Scenario file (YAML).",
                                                  show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report into.",
                                      show_default=False)],
    formats: Formats = "html,md",
    paths: Paths = None,
    seed: Seed = None,
    priors: PriorsFile = None,
    robustness: Robust = "on",
) -> None:
    """Write the feasibility report an analyst can forward: the answer, charts, the partner's
    statistics, assumptions, backtests and how to reproduce it."""
    from forecast import api
    from forecast.data import files

    chosen = _formats(formats, out)
    try:
        _check_out(out, chosen)
        prior = cli_learn.load_priors(priors)
        p = _prepare(scenario_file)
        result = api.run(api.Question(p), paths=paths, seed=seed, priors=prior,
                         robustness=robustness_on(robustness)).run
        outputs = _report_files(result, _command("report", scenario_file, out, formats, paths, seed,
                                                 priors=priors), chosen)
        written = files.write_files(out, outputs)
    except ForecastError as e:
        _fail(e)
    progress.wrote(written)


@app.command()
def compare(
    scenarios: Annotated[list[Path], typer.Argument(
        metavar="SCENARIO...", help="Two or more scenario files (YAML); each is compared with the "
        "first.", show_default=False)],
    paths: Annotated[int | None, typer.Option(
        "--paths", min=1, max=MAX_PATHS,
        help="Paths for every scenario (default: the first scenario's).")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", min=0, max=2**63 - 1, help="Seed for every scenario (default: the first's).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder to write the comparison into: comparison.json, .html, .md and its "
        "charts (PNG).")] = None,
    formats: Formats = "html,md",
    priors: PriorsFile = None,
) -> None:
    """Compare assumption sets on common random numbers: each scenario's probability, and its
    difference from the first with a paired standard error."""
    from forecast import api
    from forecast.data import files
    from forecast.present import render_multi

    if len(scenarios) < 2:
        raise typer.BadParameter("give at least two scenario files")
    chosen = _formats(formats, out)
    try:
        _check_out(out, chosen if out is not None else ())
        c = api.compare([api.Question(_prepare(p)) for p in scenarios], paths=paths, seed=seed,
                        priors=cli_learn.load_priors(priors))
        runs, diffs, notes = list(c.runs), list(c.differences), list(c.notes)
        d = render_multi.compare_dict(runs, diffs, notes)
        if out is not None:
            from forecast.present.report import multi

            d["command"] = _command("compare", scenarios, out, formats, paths, seed, priors=priors)
            stem = multi.comparison_stem([r.scenario.name for r in runs])
            written = files.write_files(out, {f"{stem}.json": to_json(d),
                                              **multi.comparison_files(d, runs, chosen, stem)})
    except ForecastError as e:
        _fail(e)
    _emit(d, render_multi.compare_text(runs, diffs, notes), as_json, written if out else [])


@app.command()
def sensitivity(
    scenario_file: Annotated[Path, typer.Argument(metavar="SCENARIO", help="Scenario file (YAML).",
                                                  show_default=False)],
    paths: Paths = None,
    seed: Seed = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder to write <name>-sensitivity.json, .html, .md and the tornado "
        "chart (PNG) into.")] = None,
    formats: Formats = "html,md",
) -> None:
    """Move each assumption to a low and a high value, one at a time on common random numbers,
    and show its effect on P(target) and on the target-year median (a tornado).

    Ranges come from the scenario's sensitivity: block (key path: [low, high]), else the
    defaults: growth rates ±5 pp, spreads ×0.75/×1.25, degrees of freedom ×0.5/×2, shock
    probabilities and impacts ×0.5/×1.5, recovery ±0.25; and, in years no growth entry
    covers, the model's growth ±5 pp (model-growth) and its spread ×0.75/×1.25
    (model-spread)."""
    from forecast.analysis import variants
    from forecast.data import files
    from forecast.present import render_multi

    chosen = _formats(formats, out)
    try:
        _check_out(out, chosen if out is not None else ())
        p = _prepare(scenario_file)
        sim = p.scenario.simulation
        result = variants.sensitivity(p, _variant(p), paths=paths if paths is not None else sim.paths,
                                      seed=seed if seed is not None else sim.seed)
        command = _command("sensitivity", scenario_file, out, formats if out else None, paths, seed)
        d = render_multi.sensitivity_dict(result, command)
        if out is not None:
            from forecast.present.report import multi

            name = f"{p.scenario.name}-sensitivity"
            written = files.write_files(out, {f"{name}.json": to_json(d),
                                              **multi.sensitivity_files(d, chosen)})
    except ForecastError as e:
        _fail(e)
    _emit(d, render_multi.sensitivity_text(result), as_json, written if out else [])


@app.command()
def validate(scenarios: Files) -> None:
    """Check scenario files and their data; exit 1 at the first invalid one, listing
    every problem in it."""
    from forecast.analysis import variants

    try:
        for path in scenarios:
            p = _prepare(path)
            n = variants.check(p, _variant(p))
            checked = f"; {n} sweep and sensitivity value(s) checked" if n else ""
            typer.echo(f"ok: {p.file.where} ({p.scenario.name}){checked}")
    except ForecastError as e:
        _fail(e)


app.command()(cli_backtest.backtest)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format (for editors' YAML plugins)."""
    from forecast.scenario import schema as scenario

    sys.stdout.write(to_json(scenario.json_schema()))


app.command("learn")(cli_learn.learn)


def main() -> None:
    app(prog_name="tradecast")
