"""The one set of formatters of numbers and words that text, JSON and reports share: money in
US$, probabilities with the digits their standard error supports, the headline's rounding."""

from __future__ import annotations

import json
import math
from typing import Any

REPORTERS = {"KGZ": "Kyrgyz", "KAZ": "Kazakh"}


MEASURES = {"turnover": "turnover (exports + imports)", "exports": "exports", "imports": "imports"}


def money(v: float) -> str:
    """US dollars in bn or m, three significant digits or more."""
    if abs(v) >= 1e9:
        return f"US${v / 1e9:,.3f}bn"
    if abs(v) >= 1e6:
        return f"US${v / 1e6:,.1f}m"
    return f"US${v:,.0f}"


def percent_digits(se: float) -> int:
    """Decimals of a percentage that its standard error supports (one significant digit)."""
    se_pct = se * 100
    if se_pct <= 0:
        return 2
    return max(0, min(4, math.ceil(-math.log10(se_pct))))


def probability_text(p: float, se: float, paths: int, exact: bool = False) -> str:
    """``4.31% ± 0.05 pp`` with the digits the Monte Carlo error supports; a closed-form
    probability (``exact``) as ``4.3129% (exact)``."""
    if exact:
        return f"{p * 100:.4f}% (exact)"
    if p == 0.0 or p == 1.0:
        bound = min(3.0 / paths, 1.0)  # rule of three: one-sided 95% bound
        word = "no" if p == 0.0 else "every"
        lim = f"below {bound * 100:.2g}%" if p == 0.0 else f"above {100 - bound * 100:.6g}%"
        return f"{p:.0%} ({word} path of {paths:,}; true value {lim} at 95% confidence)"
    d = percent_digits(se)
    return f"{p * 100:.{d}f}% ± {se * 100:.{d}f} pp"


def _bn(v: float) -> str:
    return f"{v / 1e9:.3f}bn"


def headline_percent(p: float) -> str:
    """The headline probability, rounded to what a forecast of this kind supports: whole
    percent, one decimal under 10% (and over 90%), "under 1%" and "over 99%" beyond."""
    if p <= 0.0 or p >= 1.0:
        return f"{p:.0%}"
    if p < 0.01:
        return "under 1%"
    if p > 0.99:
        return "over 99%"
    return f"{p * 100:.1f}%" if p < 0.1 or p > 0.9 else f"{p * 100:.0f}%"


def percent_text(p: float) -> str:
    """A probability as a rounded percentage for prose and titles: whole percent between 2%
    and 98%, finer towards 0 and 1 (so 99.5% is not shown as 100%), and never rounded to
    0% or 100% unless it is exactly that."""
    if p <= 0.0 or p >= 1.0:
        return f"{p:.0%}"
    tail = min(p, 1.0 - p)
    if tail < 0.0002:
        return "<0.02%" if p < 0.5 else ">99.98%"
    digits = 0 if tail >= 0.02 else 1 if tail >= 0.002 else 2
    return f"{p * 100:.{digits}f}%"


def to_json(obj: Any) -> str:
    """Deterministic JSON text (same input, same bytes)."""
    return json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
