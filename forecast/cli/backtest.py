"""``tradecast backtest``: rolling origins on a scenario's series, held-out years of a panel,
or P(target) scored on a registry of targets."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from forecast.cli import learn as cli_learn
from forecast.cli import progress
from forecast.cli.common import PriorsFile, _prepare
from forecast.cli.data import fail as _fail
from forecast.errors import ForecastError
from forecast.present.formats import to_json


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
    targets: Annotated[Path | None, typer.Option(
        "--targets", help="CSV registry of targets with outcomes (columns id, history as "
        "YYYY=value;..., target_value, target_year, kind level|by, met 0|1): score P(target) "
        "against what happened.", show_default=False)] = None,
    model: Annotated[str, typer.Option(
        "--model", help="auto, a single model (pooled, rw-drift, ets, arima, theta, llt, bootstrap) "
        "or 'all' (not with --targets). Default: all for a scenario, auto otherwise.",
        show_default=False)] = "",
    paths: Annotated[int | None, typer.Option(
        "--paths", min=100, max=100_000, help="Simulated paths per forecast (default 1,000; "
        "20,000 per target with --targets, where a level target with a closed form needs none).",
        show_default=False)] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, max=2**63 - 1, help="Random seed.")] = 0,
    calibration: Annotated[bool, typer.Option(
        "--calibration/--no-calibration", help="Apply the shipped calibration.")] = True,
    priors: PriorsFile = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
) -> None:
    """Out-of-sample accuracy and calibration: rolling origins on a scenario's series, held-out
    years on a panel of series, or P(target) scored on a registry of targets."""
    from forecast.analysis import backtest as bt
    from forecast.data import files
    from forecast.models import MEMBERS
    from forecast.present import render_backtest

    if sum(x is not None for x in (scenario_file, panel, targets)) != 1:
        raise typer.BadParameter("give one of: a scenario file, --panel FILE.csv, --targets FILE.csv")
    if panel is not None and holdout is None:
        raise typer.BadParameter("--panel needs --holdout H (values held out per series)")
    if panel is None and holdout is not None:
        raise typer.BadParameter("--holdout goes with --panel")
    choice = model or ("all" if scenario_file is not None else "auto")
    if choice not in ("all", "auto", *MEMBERS) or (targets is not None and choice == "all"):
        raise typer.BadParameter(f"--model must be auto{'' if targets else ', all'} or one of "
                                 f"{', '.join(MEMBERS)} (got {choice!r})")
    if targets is not None:
        cli_learn.backtest_targets(targets, choice, priors, paths or 20_000, seed, calibration, as_json)
        return
    paths = paths or 1000
    models = [*MEMBERS, "auto"] if choice == "all" else [choice]
    try:
        prior = cli_learn.load_priors(priors)
        if panel is not None:
            assert holdout is not None
            tasks, short, context = bt.panel_tasks(files.read_panel(panel), holdout)
            where = where_ = files.display_path(panel)
        else:
            prep = _prepare(scenario_file)  # type: ignore[arg-type]
            tasks, context = bt.scenario_tasks(prep.file.where, prep.scenario, prep.series)
            short, where, where_ = [], prep.file.where, str(scenario_file)
            calibration = calibration and prep.scenario.model.calibration == "panel"
        tick = progress.ticker("backtest", len(tasks), " tasks")
        summaries, seconds = bt.score_all(tasks, short, models, where_, paths=paths, seed=seed,
                                          calibrate=calibration, prior=prior, progress=tick)
        if tick is not None:
            tick.finish()
    except ForecastError as e:
        _fail(e)
    chosen = models[-1] if choice == "all" else choice
    report = render_backtest.backtest_dict(where, context, summaries, chosen, seconds, paths=paths,
                                           seed=seed, calibrated=calibration)
    sys.stdout.write(to_json(report) if as_json else render_backtest.backtest_text(report))
