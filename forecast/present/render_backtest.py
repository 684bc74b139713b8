"""Text and JSON of backtests: rolling origins on a scenario's series and hold-out panels."""

from __future__ import annotations

from typing import Any


def backtest_dict(where: str, context: dict[str, Any], summaries: dict[str, dict[str, Any]],
                  main: str, seconds: float, *, paths: int, seed: int, calibrated: bool) -> dict[str, Any]:
    """The JSON of ``tradecast backtest``: the main model's metrics at the top level, every
    model's under ``models`` when several ran."""
    out: dict[str, Any] = {"source": where, **context, "calibration": "panel" if calibrated else "none",
                           "paths": paths, "seed": seed, "seconds": round(seconds, 3),
                           **summaries[main]}
    if len(summaries) > 1:
        out["models"] = summaries
    return out


def _num(v: float | None, width: int, digits: int) -> str:
    """A metric for a fixed-width table: '-' when undefined, 'huge' when it would not fit."""
    if v is None:
        return "-".rjust(width)
    text = f"{v:{width}.{digits}f}"
    return text if len(text) <= width else f"{v:{width}.1e}"


def backtest_text(report: dict[str, Any]) -> str:
    """A table of the backtest metrics, one row per model."""
    models = report.get("models", {report["model"]: report})
    lines = [f"Backtest of {report['source']}"
             + (f" ({report['series']}, horizon {report['horizon']}, origins "
                f"{report['origins'][0]}–{report['origins'][-1]})" if "origins" in report else
                f" (last {report['holdout']} value{'s' if report['holdout'] > 1 else ''} of each "
                f"series held out)"),
             f"{report['paths']:,} paths per forecast, seed {report['seed']}, calibration "
             f"{report['calibration']}, {report['seconds']:.1f} s", "",
             f"{'model':10s} {'fcsts':>6s} {'failed':>6s} {'sMAPE':>6s} {'MASE':>5s} "
             f"{'cover80 h1/all':>14s} {'cover95 h1/all':>14s} {'MSIS':>6s} {'CRPS':>5s} "
             f"{'Brier+5%':>8s}"]
    for name, s in models.items():
        if "smape" not in s:
            lines.append(f"{name:10s} {s['n_tasks']:6d} {s['n_failed']:6d}  (no forecasts)")
            continue
        c = s["coverage"]
        lines.append(f"{name:10s} {s['n_tasks']:6d} {s['n_failed']:6d} {_num(s['smape'], 6, 2)} "
                     f"{_num(s['mase'], 5, 2)} {_num(c['80']['h1'], 6, 2)} / {_num(c['80']['all'], 4, 2)} "
                     f"{_num(c['95']['h1'], 6, 2)} / {_num(c['95']['all'], 4, 2)} {_num(s['msis'], 6, 2)} "
                     f"{_num(s['crps'], 5, 2)} {_num(s['brier']['0.05'], 8, 3)}")
    lines += ["", "sMAPE 0-200 of the median; MASE scaled by the mean absolute one-year change of the "
              "fitted years; CRPS of log values; cover = share of outcomes inside the central interval "
              "(h1: one year ahead); MSIS of the 95% interval; Brier of P(next year >= +5%)."]
    main = models.get(report["model"], {})
    failed = main.get("failed", [])
    if failed:
        lines.append(f"{report['model']}: {len(failed)} forecast(s) failed, e.g. "
                     + "; ".join(f"{f['series_id']}" + (f" {f['origin']}" if "origin" in f else "")
                                 + f": {f['reason']}" for f in failed[:3]))
    return "\n".join(lines) + "\n"
