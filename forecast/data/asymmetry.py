"""Mirror statistics: the same trade as each of the two countries reports it.

Country A's exports to B are B's imports from A (the *mirror* figure), and the
other way round; turnover is the sum. The two rarely agree: imports are valued
CIF (with freight and insurance) and exports FOB, goods in transit are assigned to
different partners, and the two statistical offices record different dates and
thresholds. :func:`table` lines the figures up by year and flow with the gap

.. math:: \\text{gap}_t = \\frac{\\text{as reported by A}}{\\text{as reported by B}} - 1,

and :func:`trend` fits a straight line to :math:`\\log(1 + \\text{gap}_t)` by least
squares, with its standard error, so "the gap is widening" is a statement with an
uncertainty, not an impression.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from forecast.data.series import select
from forecast.data.table import TradeData
from forecast.errors import DataError

#: Flows as reported by A, and the flow of B that mirrors each.
MIRROR = {"exports": "imports", "imports": "exports", "turnover": "turnover"}


@dataclass(frozen=True)
class Row:
    """One year of one flow: A's figure, B's mirror figure and the gap."""

    year: int
    flow: str
    reported: float | None
    mirror: float | None
    reported_basis: str = ""
    mirror_basis: str = ""

    @property
    def gap(self) -> float | None:
        """A's figure over B's, minus 1; None unless both exist."""
        if self.reported is None or self.mirror is None:
            return None
        return self.reported / self.mirror - 1.0


@dataclass(frozen=True)
class Trend:
    """Least-squares line through log(1 + gap) by year, over the years with both figures."""

    flow: str
    years: tuple[int, int]
    n: int
    mean_gap: float
    slope: float | None
    slope_se: float | None

    @property
    def words(self) -> str:
        """The trend in words, or that there are too few years for one."""
        if self.slope is None or self.slope_se is None:
            return f"{self.n} year(s) with both figures: too few for a trend"
        change = (f"the ratio of the two changes by {math.expm1(self.slope) * 100:+.1f}% a year "
                  f"(s.e. {self.slope_se * 100:.1f})")
        sure = abs(self.slope) > 2 * self.slope_se
        return (f"mean gap {self.mean_gap:+.1%} over {self.years[0]}–{self.years[1]}; {change}, "
                + ("more than twice its standard error" if sure else "within two standard errors of none"))


def table(data: TradeData, a: str, b: str, *, as_of: dt.date | None = None,
          lag_months: int = 12) -> list[Row]:
    """Every year and flow with a figure from either side, A's view against B's mirror.

    Figures are chosen as a run chooses them: published by ``as_of`` (unknown dates by
    the ``lag_months`` rule), preferred bases first, flagged lower bounds left out.

    Raises
    ------
    DataError
        If either country reports nothing on the other.
    """
    rows: list[Row] = []
    for flow, mirror in MIRROR.items():
        mine = _annual(data, a, b, flow, as_of, lag_months)
        theirs = _annual(data, b, a, mirror, as_of, lag_months)
        for y in sorted(set(mine) | set(theirs)):
            (v, vb), (m, mb) = mine.get(y, (None, "")), theirs.get(y, (None, ""))
            rows.append(Row(y, flow, v, m, vb, mb))
    return rows


#: Figures left out, as in a run by default (:class:`forecast.scenario.DataSpec`).
EXCLUDED = ("lower-bound", "basis-unclear")


def _annual(data: TradeData, reporter: str, partner: str, measure: str, as_of: dt.date | None,
            lag_months: int) -> dict[int, tuple[float, str]]:
    """Year -> (value, basis) of one reporter's annual figures, chosen as a run chooses them."""
    try:
        s = select(data, reporter, measure, partner=partner,  # type: ignore[arg-type]
                   exclude_flags=EXCLUDED, as_of=as_of, lag_months=lag_months)
    except DataError as e:
        if "no annual" in e.problems[0].message:
            return {}
        raise
    return {int(u.period.year): (float(u.value), "+".join(sorted({f.basis for f in u.figures})))
            for u in s.used}


def trend(rows: list[Row], flow: str, last: int = 10) -> Trend:
    """The gap's mean and linear trend for one flow over the last ``last`` years with both
    figures (ordinary least squares on log(1 + gap), slope s.e. from the residuals)."""
    pts = [(r.year, r.gap) for r in rows if r.flow == flow and r.gap is not None][-last:]
    n = len(pts)
    if n == 0:
        return Trend(flow, (0, 0), 0, float("nan"), None, None)
    x = np.array([p[0] for p in pts], dtype=float)
    y = np.log1p(np.array([p[1] for p in pts], dtype=float))
    mean_gap = float(np.expm1(y.mean()))
    if n < 4:
        return Trend(flow, (int(x[0]), int(x[-1])), n, mean_gap, None, None)
    xc = x - x.mean()
    slope = float(xc @ (y - y.mean()) / (xc @ xc))
    resid = y - y.mean() - slope * xc
    se = float(math.sqrt(resid @ resid / (n - 2) / (xc @ xc)))
    return Trend(flow, (int(x[0]), int(x[-1])), n, mean_gap, slope, se)
