"""The helpers the charts of several runs share (:mod:`.comparison_charts`, :mod:`.variant_charts`):
colours and line styles by position, legends laid out to fit, text measured in the
report's font, and axes of percentages and years."""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator

from forecast.present.charts import (
    LEFT,
    OKABE_ITO,
    STYLE,
    TEXT_PT,
    WIDTH,
)

#: The order in which scenarios take the palette's colours.
CYCLE = ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow", "black")
#: Line styles of the first, second and third round through :data:`CYCLE`.
_ROUNDS: tuple[Any, ...] = ("-", (0, (6, 1.5, 1.5, 1.5)), (0, (1.2, 1.2)))
LEGEND_PT = 9.0
SMALL_PT = 9.0  # annotations: the report's smallest text
Z95 = 1.96


def _colour(i: int) -> str:
    """The colour of the ``i``-th scenario (the palette repeats after eight)."""
    return OKABE_ITO[CYCLE[i % len(CYCLE)]]


def _line_style(i: int) -> Any:
    """Solid for the first eight scenarios, then dash-dot, then dotted."""
    return _ROUNDS[(i // len(CYCLE)) % len(_ROUNDS)]


def _plain(text: Any) -> str:
    """``text`` with each ``$`` escaped, so matplotlib never reads it as mathematical text."""
    return re.sub(r"(?<!\\)\$", r"\\$", str(text))


def _wrapped(text: Any, width: int) -> str:
    """``text`` made literal (:func:`_plain`) and wrapped at ``width`` characters (not at hyphens)."""
    lines: list[str] = []
    for para in _plain(text).splitlines():
        lines.extend(textwrap.wrap(para, width, break_on_hyphens=False) or [""])
    return "\n".join(lines).strip("\n") or " "


@lru_cache(maxsize=1)
def _renderer() -> RendererAgg:
    return RendererAgg(8, 8, 72)


def _text_inches(texts: Sequence[str], size: float = TEXT_PT) -> float:
    """The width in inches of the widest line of ``texts`` in the report's font."""
    prop = FontProperties(family=str(STYLE["font.family"]), size=size)
    widest = 0.0
    for text in texts:
        for line in text.replace(r"\$", "$").splitlines():
            if line:
                widest = max(widest, _renderer().get_text_width_height_descent(line, prop, ismath=False)[0])
    return widest / 72


def _lines(text: str) -> int:
    return len(text.splitlines()) or 1


def _legend_layout(labels: Sequence[str], *, available: float = WIDTH - LEFT - 0.1,
                   max_cols: int = 3) -> tuple[int, int]:
    """Columns of a legend above the plot that fit in ``available`` inches, and its rows.

    The rows are in the units of :func:`forecast.charts._figure`'s ``legend_rows``
    (0.24 in), counting the extra lines of wrapped labels.
    """
    n = len(labels)
    if n == 0:
        return 1, 0
    em = LEGEND_PT / 72
    ncols = 1
    for cols in range(min(max_cols, n), 0, -1):
        rows = math.ceil(n / cols)
        widths = [_text_inches(labels[c * rows:(c + 1) * rows], LEGEND_PT)
                  for c in range(cols) if labels[c * rows:(c + 1) * rows]]
        total = sum(w + 2.6 * em for w in widths) + 1.4 * em * (len(widths) - 1) + 0.4 * em
        if total <= available:
            ncols = cols
            break
    rows = math.ceil(n / ncols)
    inches = 0.0
    for r in range(rows):
        in_row = [labels[c * rows + r] for c in range(ncols) if c * rows + r < n]
        inches += 0.24 + 0.16 * (max(_lines(x) for x in in_row) - 1)
    return ncols, math.ceil(inches / 0.24 - 0.05)


def _legend_in_figure(fig: Figure, handles: list, labels: list[str], ncols: int, left: float,
                      bottom: float) -> None:
    """:func:`forecast.charts._legend_above` for a legend over several axes (figure inches)."""
    width, height = fig.get_size_inches()
    fig.legend(handles, labels, loc="lower left", bbox_to_anchor=(left / width, bottom / height),
               ncols=ncols, frameon=False, borderaxespad=0.0, columnspacing=1.4, handlelength=1.8,
               borderpad=0.2)


def _pct_text(p: float) -> str:
    """``6.4%``; two decimals below 0.1%."""
    if not np.isfinite(p):
        return "n/a"
    pct = p * 100
    return f"{pct:.1f}%" if pct >= 0.1 else f"{pct:.2f}%"


def _p_se_text(p: float, se: float) -> str:
    """``52.4% ± 0.1 pp``: the digits the standard error supports, as in the tables."""
    from forecast.present.formats import percent_digits

    se = se if np.isfinite(se) else 0.0
    d = percent_digits(se)
    return f"{p * 100:.{d}f}% ± {se * 100:.{d}f} pp"


def _interval(p: np.ndarray, se: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 95% interval ``p ± 1.96 se`` clipped to [0, 1]; a missing se counts as 0."""
    s = np.where(np.isfinite(se) & (se > 0), se, 0.0)
    return np.clip(p - Z95 * s, 0.0, 1.0), np.clip(p + Z95 * s, 0.0, 1.0)


def _nice_ceiling(v: float) -> float:
    """The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k at or above ``v``."""
    if v <= 0:
        return 1.0
    e = math.floor(math.log10(v))
    for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * 10.0 ** e >= v * (1 - 1e-12):
            return float(f"{m * 10.0 ** e:.6g}")
    return 10.0 ** (e + 1)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)) \
        and bool(np.isfinite(v))


def _pct_axis_text(v: float) -> str:
    """``20%`` / ``2.5%`` / ``0.25%``: a tick label of a percent axis."""
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return ("0" if text in ("-0", "") else text) + "%"


def _percent_axis(axis: Any) -> None:
    """Round percent ticks (steps of 1, 2 or 5 × 10^k) labelled without needless decimals."""
    axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    axis.set_major_formatter(FuncFormatter(lambda v, _: _pct_axis_text(v)))


def _year_ticks(ax: Axes, first: int, last: int, most: int) -> None:
    """Years every 1, 2, 5, 10, … years, at most about ``most`` ticks, for a narrow panel."""
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 10**9) if (last - first) / s <= most)
    ax.xaxis.set_major_locator(MultipleLocator(step))
    ax.set_xlim(first - 0.6, last + 0.6)


def _ticks_within(lo: float, hi: float, floor: float, ceiling: float, nbins: int = 4) -> list[float]:
    """About ``nbins`` round ticks on [lo, hi], keeping only those in [floor, ceiling]."""
    ticks = MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi)
    return [float(t) for t in ticks if lo - 1e-9 <= t <= hi + 1e-9 and floor - 1e-9 <= t <= ceiling + 1e-9]
