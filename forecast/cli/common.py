"""What the commands share: option types, reading a scenario file, output folders and formats,
the reproduce command line and the files of a report."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Annotated

import typer

from forecast.errors import ForecastError, ScenarioError
from forecast.limits import MAX_PATHS
from forecast.present.formats import to_json

Files = Annotated[list[Path], typer.Argument(metavar="SCENARIO...", help="Scenario files (YAML).",
                                             show_default=False)]


def _prepare(path: Path):  # type: ignore[no-untyped-def]
    """Read and validate one scenario file and select its series (no simulation)."""
    from forecast.analysis import loading

    return loading.prepare(path)


def _variant(prepared):  # type: ignore[no-untyped-def]
    """:func:`forecast.loading.variant` bound to one scenario file, for its variants."""
    from forecast.analysis import loading

    return loading.bound(prepared)


def _formats(formats: str, out: Path | None) -> tuple[str, ...]:
    """The report formats asked for (usage errors exit 2: unknown ones, or --format without
    --out)."""
    if out is None and formats != "html,md":
        raise typer.BadParameter("--format goes with --out DIR")
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in formats.split(",") if f.strip()))
    bad = [f for f in chosen if f not in FORMATS]
    if not chosen or bad:
        raise typer.BadParameter(f"--format takes a comma-separated list of {', '.join(FORMATS)} "
                                 f"(got {formats!r})")
    return chosen


def _check_out(out: Path | None, formats: tuple[str, ...] = ()) -> None:
    """Fail before any work if the output folder or the PDF dependency is not usable."""
    if "pdf" in formats and importlib.util.find_spec("xhtml2pdf") is None:
        from forecast.present.report import PDF_HINT

        raise ForecastError("pdf", "", PDF_HINT)
    if out is not None and out.exists() and not out.is_dir():
        raise ScenarioError(str(out), "", "--out must be a folder (a file has this name)")


def _emit(d: object, text: str, as_json: bool, written: list[Path]) -> None:
    """Print the JSON or the text, then list the files written (on stderr)."""
    from forecast.cli import progress
    from forecast.data import files

    sys.stdout.write(to_json(d) if as_json else text)
    if written and progress.level() > 0:
        typer.echo("wrote " + ", ".join(files.display_path(p) for p in written), err=True)


def _sets(options: list[str] | None) -> dict[str, list[object]]:
    """``--set KEY=V1,V2`` options as key path -> values (usage errors exit 2)."""
    from forecast.scenario import keypaths

    axes: dict[str, list[object]] = {}
    for option in options or []:
        try:
            key, values = keypaths.parse_set(option)
        except ValueError as e:
            raise typer.BadParameter(f"--set {e}") from None
        if key in axes:
            raise typer.BadParameter(f"--set {key} given twice; list every value in one --set")
        axes[key] = values
    return axes


Paths = Annotated[int | None, typer.Option(
    "--paths", min=1, max=MAX_PATHS,
    help=f"Number of simulated paths, 1 to {MAX_PATHS:,}: a fixed run (with --precision, the "
    "most it may use). Default: the scenario's simulation.paths; for run and report, where "
    "the scenario sets simulation.precision and the answer is simulated, as many as that "
    "needs. Antithetic runs round an odd number up by one.")]


Seed = Annotated[int | None, typer.Option(
    "--seed", min=0, max=2**63 - 1, help="Random seed (default: the scenario's).")]


Precision = Annotated[float | None, typer.Option(
    "--precision", min=1e-6, max=0.1, show_default=False,
    help="Simulate in chunks of 100,000 paths until the standard error of P(target) is at most "
    "this (e.g. 0.0005 for 0.05 pp), up to --paths if given, else the scenario's "
    "simulation.max_paths (10,000,000). Without --precision and --paths, the scenario's "
    "simulation.precision applies where the answer is simulated (not a closed form).")]


PriorsFile = Annotated[Path | None, typer.Option(
    "--priors", help="Pooled priors learned by 'tradecast learn' (JSON); default: the shipped "
    "ones, learned on the IMF DOTS panel of 300 country pairs.", show_default=False)]


Formats = Annotated[str, typer.Option(
    "--format", help="With --out, comma-separated: html (one self-contained file), md (Markdown "
    "with PNG charts beside it), pdf (needs: pip install 'tradecast[pdf]'). The JSON result is "
    "always written too.")]


FORMATS = ("html", "md", "pdf")


def _command(verb: str, path: Path | list[Path], out: Path | None, formats: str | None,
             paths: int | None, seed: int | None, precision: float | None = None,
             priors: Path | None = None) -> str:
    """The command line that reproduces a result."""
    parts = ["tradecast", verb, *(map(str, path) if isinstance(path, list) else [str(path)])]
    if out is not None:
        parts += ["--out", str(out)]
    if formats is not None:
        parts += ["--format", formats]
    if paths is not None:
        parts += ["--paths", str(paths)]
    if seed is not None:
        parts += ["--seed", str(seed)]
    if precision is not None:
        parts += ["--precision", f"{precision:g}"]
    if priors is not None:
        parts += ["--priors", str(priors)]
    return " ".join(parts)


def _report_files(result, command: str, formats: tuple[str, ...]) -> dict[str, str | bytes]:  # type: ignore[no-untyped-def]
    """Every file of one scenario's report, by name: JSON always, then the formats asked for."""
    from forecast.analysis import extras as extras_module
    from forecast.analysis import loading
    from forecast.present import render, report

    extras = extras_module.extras(result, loading.data_of(result.scenario))
    d = render.as_dict(result, extras, command)
    return {f"{result.scenario.name}.json": to_json(d), **report.files(result, d, formats)}


Robust = Annotated[str, typer.Option(
    "--robustness", help="on: also answer under each reasonable choice (start of the series, the "
    "other country's statistics, the data one publication earlier, calibration, every model) and "
    "give the range in the headline; off: only the models, for speed.", show_default=True)]


def robustness_on(value: str) -> bool:
    """``--robustness on|off`` (usage error otherwise)."""
    if value not in ("on", "off"):
        raise typer.BadParameter(f"--robustness: expected on or off (got {value!r})")
    return value == "on"
