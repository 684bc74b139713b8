"""``tradecast learn`` (the pooled priors from a panel) and ``tradecast backtest --targets``
(P(target) scored on a registry of targets with outcomes)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from forecast.cli.data import fail
from forecast.cli.progress import level, ticker, wrote
from forecast.errors import DataError, ForecastError
from forecast.present.formats import to_json


def load_priors(path: Path | None):  # type: ignore[no-untyped-def]
    """The prior of ``--priors FILE`` (None: the shipped priors); DataError on a bad file."""
    if path is None:
        return None
    from forecast.models import priors

    return priors.read(path)[0]


def learn(
    panel: Annotated[Path, typer.Option("--panel", help="CSV of many annual series in USD (columns "
                                        "series_id, year, value), e.g. every pair of a Comtrade "
                                        "extract.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="Priors file to write (JSON); use it with "
                                      "--priors.", show_default=False)],
    until: Annotated[int | None, typer.Option(
        "--until", min=1900, max=2200, help="Learn only from values up to this year (default: the "
        "panel's last year). All pairs' growth by year is kept for every year: a forecast from "
        "a year T reads it only up to T.", show_default=False)] = None,
    centre_years: Annotated[int, typer.Option(
        "--centre-years", min=1, max=30, help="The pool's centre: all pairs' mean growth over this "
        "many years up to the origin.")] = 5,
    validation_years: Annotated[int, typer.Option(
        "--validation-years", min=2, max=30, help="The out-of-time check printed and kept as "
        "evidence: the same recipe learned without these last years, scored on them.")] = 5,
    seed: Annotated[int, typer.Option("--seed", min=0, max=2**63 - 1,
                                      help="Seed of the learning histories.")] = 0,
) -> None:
    """Learn the pooled priors (drift, volatility, noise, the pool's centre and tail factors)
    from a panel of series, using only values up to --until; prints what it learned."""
    from forecast.data import files
    from forecast.models import learn as lrn
    from forecast.models import priors
    from forecast.present import render_targets

    try:
        data = files.read_panel(panel)
        last = max(int(y[-1]) for y, _ in data.values())
        cut = until if until is not None else last
        if out.exists() and not out.is_file():
            raise DataError(str(out), "", "--out must be a file name (a folder has this name)")
        started = time.perf_counter()

        def say(line: str) -> None:
            if level() > 0:  # not with --quiet
                typer.echo(f"[{time.perf_counter() - started:5.0f} s] {line}", err=True)

        try:
            prior, evidence = lrn.learn(data, until=cut, centre_years=centre_years,
                                        validation_years=validation_years, seed=seed, progress=say)
        except ValueError as e:
            raise DataError(files.display_path(panel), "", str(e)) from None
        where = files.display_path(panel)
        doc = priors.document(
            prior, about=f"Pooled priors learned by 'tradecast learn' on {where} with values up to "
            f"{cut}.", panel={"file": where, "sha256": files.sha256_file(panel), "series": len(data),
                              "until": cut},
            evidence=evidence, counts={int(k): v for k, v in evidence["index_series"].items()})
        files.write_files(out.parent, {out.name: to_json(doc)})
    except ForecastError as e:
        fail(e)
    sys.stdout.write(render_targets.learn_text(doc))
    wrote([out])


def backtest_targets(registry: Path, model: str, prior_file: Path | None, paths: int, seed: int,
                     calibration: bool, as_json: bool) -> None:
    """``tradecast backtest --targets FILE``: answer every target, score against outcomes."""
    from forecast.analysis import targets
    from forecast.data import files
    from forecast.present import render_targets

    try:
        rows = targets.read_registry(registry, need_met=True)
        prior = load_priors(prior_file)
    except ForecastError as e:
        fail(e)
    start = time.perf_counter()
    tick = ticker(f"{model}", len(rows), " targets")
    answers = targets.answer_all(rows, model, prior=prior, paths=paths, seed=seed, calibrate=calibration,
                                 progress=tick)
    if tick is not None:
        tick.finish()
    baseline = answers
    if (model, calibration) != ("rw-drift", False):
        tick = ticker("rw-drift (baseline)", len(rows), " targets")
        baseline = targets.answer_all(rows, "rw-drift", paths=paths, seed=seed, calibrate=False,
                                      progress=tick)
        if tick is not None:
            tick.finish()
    out = {"source": files.display_path(registry), "model": model,
           "priors": files.display_path(prior_file) if prior_file else "shipped",
           "calibration": calibration, "paths": paths, "seed": seed,
           "seconds": round(time.perf_counter() - start, 1), **targets.report(answers, baseline)}
    if not out.get("n"):
        fail(ForecastError(out["source"], "", f"nothing to score: no target could be answered "
                           f"({len(out['failed'])} failed; the first: "
                           f"{out['failed'][0]['reason'] if out['failed'] else '-'})"))
    sys.stdout.write(to_json(out) if as_json else render_targets.targets_text(out))
