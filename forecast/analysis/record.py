"""History's record of the growth a target requires, compared like with like.

A target ``h`` years ahead requires the average annual growth
:math:`g^* = (\\text{target}/\\text{last})^{1/h} - 1`. Its record is the average annual growth
of history's ``h``-year windows, :math:`(v_{t+h}/v_t)^{1/h} - 1`, over every overlapping
window whose end points are observed, counted only where every figure in the window is on
one basis (growth across a change of source mixes two statistics) and none is flagged (a
swapped, estimated, rounded or preliminary figure). Fewer than :data:`FEW` windows are
reported as too few to say how often.
"""

from __future__ import annotations

from dataclasses import dataclass

from forecast.data.series import TradeSeries

#: Fewer windows than this are too few to say how often growth that large happened.
FEW = 5


@dataclass(frozen=True)
class WindowRecord:
    """The ``h``-year windows of history that count, and those left out.

    Attributes
    ----------
    h : int
        Window length in years (the target's horizon).
    required : float
        The average annual growth the target requires.
    windows : tuple of (first year, last year, average annual growth)
    left_out : int
        Windows with both end points observed that cross a change of basis or hold a
        flagged figure.
    """

    h: int
    required: float
    windows: tuple[tuple[int, int, float], ...]
    left_out: int

    @property
    def at_least(self) -> int:
        return sum(g >= self.required for _, _, g in self.windows)

    @property
    def largest(self) -> tuple[int, int, float] | None:
        return max(self.windows, key=lambda w: w[2]) if self.windows else None

    def text(self) -> str:
        """The summary's record line after the required rate."""
        span = "one-year growth" if self.h == 1 else f"{self.h}-year average growth"
        unit = "year" if self.h == 1 else f"{self.h}-year window"
        rule = "within one basis, no flagged figure" + (
            f"; {self.left_out} left out" if self.left_out else "")
        n = len(self.windows)
        if n == 0:
            return f"no {unit} in the record ({rule})"
        big = self.largest
        assert big is not None
        when = str(big[1]) if self.h == 1 else f"{big[0]}–{big[1]}"
        largest = f"largest {big[2]:+.1%}{'' if self.h == 1 else ' a year'} in {when}"
        if n < FEW:
            return (f"only {n} {unit}{'s' if n > 1 else ''} in the record ({rule}), too few to say "
                    f"how often: {self.at_least} of {n} at least that large; {largest}")
        return (f"{span} that large in {self.at_least} of {n} {'years' if self.h == 1 else 'windows'} "
                f"({rule}); {largest}")


def window_record(series: TradeSeries, h: int, required: float) -> WindowRecord:
    """The record of ``h``-year average growth in ``series`` against ``required``."""
    years = [int(y) for y in series.years]
    values = dict(zip(years, (float(v) for v in series.values)))
    basis: dict[int, frozenset[str]] = {}
    flagged: set[int] = set()
    for u in series.used:
        y = u.period.year
        basis[y] = frozenset(f.basis for f in u.figures)
        if any(f.flags for f in u.figures):
            flagged.add(y)
    windows, left_out = [], 0
    for y in years:
        end = y + h
        if end not in values:
            continue
        inside = [x for x in years if y <= x <= end]
        if len({basis.get(x, frozenset()) for x in inside}) > 1 or flagged.intersection(inside):
            left_out += 1
            continue
        windows.append((y, end, float((values[end] / values[y]) ** (1.0 / h) - 1.0)))
    return WindowRecord(h, required, tuple(windows), left_out)
