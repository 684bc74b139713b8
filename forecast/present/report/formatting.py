"""Small accessors of the result dict and formatters of its numbers, shared by the charts
and the sections."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from forecast.present.formats import REPORTERS, percent_text


def _at(d: Any, *keys: str | int, default: Any = None) -> Any:
    """``d[k1][k2]...``, or ``default`` where any level is absent or null."""
    for k in keys:
        if not isinstance(d, Mapping) or d.get(k) is None:  # type: ignore[call-overload]
            return default
        d = d[k]  # type: ignore[index]
    return d


def _pct(p: float) -> str:
    """A probability for prose and chart titles (the same rule as the answer sentence)."""
    return percent_text(p)


def _growth(g: float) -> str:
    return f"{g:+.1%}"


def _short_money(v: float) -> str:
    """``US$2.0bn`` / ``US$450m``: for chart titles."""
    if abs(v) >= 1e9:
        bn = v / 1e9
        return f"US${bn:.0f}bn" if abs(bn) >= 100 else "US$" + f"{bn:.2f}".rstrip("0").rstrip(".") + "bn"
    if abs(v) >= 1e6:
        return f"US${v / 1e6:.0f}m"
    return f"US${v:,.0f}"


def _bn3(v: float | None) -> str:
    return "–" if v is None else f"{v / 1e9:.3f}"


def _years_text(years: Sequence[int]) -> str:
    return ", ".join(str(y) for y in years)


def _target(result: Mapping[str, Any]) -> tuple[float, int, str]:
    t = result["target"]
    return float(t["value"]), int(t["year"]), str(t.get("kind") or "level")


def _measure(result: Mapping[str, Any]) -> str:
    return str(_at(result, "data", "measure", default="turnover"))


def basis(result: Mapping[str, Any]) -> str:
    """``Kazakh statistics (KAZ-reported, partner KGZ)``, or the inline history."""
    rep, par = _at(result, "data", "reporter"), _at(result, "data", "partner")
    if not rep:
        return "the scenario's own (inline) history"
    who = REPORTERS.get(rep, rep)
    return f"{who} statistics ({rep}-reported" + (f", partner {par})" if par else ")")


def vintage(result: Mapping[str, Any]) -> str:
    """The data vintage in words: ``figures published by 2024-04-09`` or ``all figures in the file``."""
    data = result.get("data") or {}
    if not data.get("file"):
        return "inline history in the scenario file"
    if data.get("as_of"):
        return f"figures published by {data['as_of']}"
    return "all figures in the file"


def _lag_text(result: Mapping[str, Any]) -> str:
    lag = _at(result, "data", "publication_lag_months")
    if lag is None:
        return ""
    return f"figures without a publication date assumed public {lag} months after the period"


def _caption(result: Mapping[str, Any], extra: str = "") -> str:
    data = result.get("data") or {}
    source = f"{data['file']}, {vintage(result)}" if data.get("file") else vintage(result)
    text = (f"{basis(result)[0].upper()}{basis(result)[1:]}; {_measure(result)}, goods, current US$. "
            f"Data: {source}.")
    return f"{text} {extra}".strip()


def _sim_text(result: Mapping[str, Any]) -> str:
    model = _at(result, "model", "name", default="model")
    paths, seed = result.get("paths"), result.get("seed")
    calibrated = "calibrated intervals" if result.get("calibration") else "uncalibrated intervals"
    return f"Model {model}, {paths:,} simulated paths, seed {seed}, {calibrated}." if paths else ""


def first_years(result: Mapping[str, Any]) -> dict[str, float]:
    """P(first reached in each year): ``first_year_reached``, else the steps of ``reached_by_year``."""
    given = result.get("first_year_reached")
    if given:
        return {str(k): float(v) for k, v in given.items()}
    out, before = {}, 0.0
    for y in sorted(result.get("reached_by_year") or {}, key=int):
        p = float(result["reached_by_year"][y])
        out[str(y)] = max(0.0, p - before)
        before = p
    return out


def _pair(result: Mapping[str, Any]) -> tuple[str, str]:
    rep = _at(result, "data", "reporter", default="reporter")
    par = _at(result, "partner", "reporter") or _at(result, "data", "partner", default="partner")
    return str(rep), str(par)
