"""Charts of a scenario's variants: the probability against a swept value
(:func:`sweep_curve`) and the tornado of a sensitivity analysis (:func:`tornado`). They
follow :mod:`forecast.present.charts` exactly (own Figure, Agg canvas, no global state, PNG
bytes without timestamp); helpers in :mod:`.chart_helpers`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from forecast.present.chart_helpers import (
    SMALL_PT,
    _colour,
    _interval,
    _is_number,
    _legend_in_figure,
    _legend_layout,
    _line_style,
    _lines,
    _pct_axis_text,
    _pct_text,
    _percent_axis,
    _plain,
    _text_inches,
    _ticks_within,
    _wrapped,
)
from forecast.present.charts import (
    GREY,
    LEFT,
    OKABE_ITO,
    RIGHT,
    WIDTH,
    _bn,
    _figure,
    _frame,
    _legend_above,
    _png,
    _style,
)


def _sweep_ticks(xs_raw: Sequence[Any], numeric: bool) -> tuple[list[str], float, bool, float]:
    """Tick labels of a sweep's x axis, the room below it, whether they slant, and the left
    margin: numbers need none; text takes the widest wrap that fits under each tick, else
    slants."""
    axis_w = WIDTH - LEFT - RIGHT
    left = LEFT
    if numeric:
        ticks: list[str] = []
        xlabel_room = 0.55
        rotate = False
    else:
        per = axis_w / len(xs_raw)
        rotate = True
        for chars in range(max(8, int(per / 0.07)), 7, -1):  # the widest wrap that fits
            ticks = [_wrapped(v, chars) for v in xs_raw]
            if _text_inches(ticks) <= per * 0.92 and max(_lines(x) for x in ticks) <= 3:
                rotate = False
                break
        if rotate:  # too many or too long: slanted, ending under their ticks
            ticks = [_wrapped(v, 28) for v in xs_raw]
            xlabel_room = 0.45 + 0.5 * _text_inches(ticks) + 0.14 * (max(_lines(x) for x in ticks) - 1)
            left = min(max(LEFT, 0.87 * _text_inches(ticks[:1]) - per / 2 + 0.15), 0.45 * WIDTH)
        else:
            xlabel_room = 0.4 + 0.16 * max(_lines(x) for x in ticks)
    return ticks, xlabel_room, rotate, left


def _draw_sweep_lines(ax: Axes, x: np.ndarray, order: np.ndarray,
                      lines: Sequence[tuple[str, Sequence[float], Sequence[float]]], numeric: bool
                      ) -> list[np.ndarray]:
    """Each line of a sweep with its 95% band (numbers) or error bars (text); the bands' tops."""
    all_hi = []
    for j, (_, pl, sl) in enumerate(lines):
        pv = np.asarray(list(pl), dtype=float)[order]
        lo, hi = _interval(pv, np.asarray(list(sl), dtype=float)[order])
        all_hi.append(hi[np.isfinite(pv)])
        colour = _colour(j)
        if numeric:
            ax.fill_between(x, lo * 100, hi * 100, color=colour, alpha=0.16, lw=0,
                            where=np.isfinite(pv), interpolate=False)
            ax.plot(x, pv * 100, color=colour, ls=_line_style(j), lw=1.8, marker="o", ms=4.5,
                    clip_on=False, zorder=3)
        else:
            shift = (j - (len(lines) - 1) / 2) * min(0.12, 0.6 / len(lines))
            ax.errorbar(x + shift, pv * 100, yerr=[(pv - lo) * 100, (hi - pv) * 100], fmt="o",
                        color=colour, ms=5.5, elinewidth=1.4, capsize=3, capthick=1.1, clip_on=False,
                        zorder=3)
    return all_hi


def _as_written_line(ax: Axes, spot: float) -> None:
    """The scenario's own value: a dotted line labelled "as written"."""
    ax.axvline(spot, color=GREY, lw=0.9, ls=":", zorder=1)
    lo_lim, hi_lim = ax.get_xlim()
    right_side = (spot - lo_lim) / (hi_lim - lo_lim) > 0.8
    ax.annotate("as written", xy=(spot, 1.0), xycoords=("data", "axes fraction"),
                xytext=(-3 if right_side else 3, -2), textcoords="offset points",
                ha="right" if right_side else "left", va="top", color=GREY, fontsize=SMALL_PT,
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})


def sweep_curve(x_label: str, x_values: Sequence[Any],
                lines: Sequence[tuple[str, Sequence[float], Sequence[float]]], title: str, caption: str, *,
                money: bool = False, central: Any = None) -> bytes:
    """The probability of reaching the target against a swept value, with 95% bands.

    Numbers go on a numeric axis, one line with markers and a shaded band
    ``p ± 1.96 se`` per line; other values (model names) go at evenly spaced positions,
    as dots with error bars. A legend is drawn only for more than one line.

    Parameters
    ----------
    x_label : str
        What is swept (``growth 2026–2030: mode``).
    x_values : sequence
        The swept values, numbers or text.
    lines : sequence of (str, sequence of float, sequence of float)
        For each line: its label (``model = theta``), the probabilities in [0, 1] at each
        of ``x_values`` and their standard errors.
    title, caption : str
    money : bool
        The numbers are US dollars: drawn in US$ bn.
    central : optional
        The scenario's own value, marked "as written" by a dotted line.

    Returns
    -------
    bytes
        PNG.
    """
    xs_raw = list(x_values)
    if not xs_raw or not lines:
        raise ValueError("nothing to draw")
    for label, pl, sl in lines:
        if len(pl) != len(xs_raw) or len(sl) != len(xs_raw):
            raise ValueError(f"line {label!r}: one probability and one se per swept value")
    numeric = len(xs_raw) > 1 and all(_is_number(v) for v in xs_raw)
    scale = 1e9 if money else 1.0
    legend = len(lines) > 1
    labels = [_wrapped(label, 40) for label, _, _ in lines]
    ncols, legend_rows = _legend_layout(labels) if legend else (1, 0)
    ticks, xlabel_room, rotate, left = _sweep_ticks(xs_raw, numeric)
    with _style():
        fig, (ax,) = _figure(_plain(title), _plain(caption), legend_rows=legend_rows,
                             xlabel_room=xlabel_room)
        fig.subplots_adjust(left=left / WIDTH)
        if numeric:
            x = np.asarray([float(v) for v in xs_raw]) / scale
            order = np.argsort(x, kind="stable")
            x = x[order]
        else:
            x = np.arange(len(xs_raw), dtype=float)
            order = np.arange(len(xs_raw))
        all_hi = _draw_sweep_lines(ax, x, order, lines, numeric)
        reach = max((float(h.max()) for h in all_hi if h.size), default=0.0) * 100
        ax.set_ylim(0, min(100.0, max(1.0, reach * 1.15, reach + 2.0)))
        ax.set_ylabel("P(target reached)")
        _percent_axis(ax.yaxis)
        spot = _central_position(central, xs_raw, numeric, scale)
        if numeric:
            lo_x = min(float(x.min()), spot if spot is not None else np.inf)
            hi_x = max(float(x.max()), spot if spot is not None else -np.inf)
            pad = (hi_x - lo_x) * 0.04 or 1.0
            ax.set_xlim(lo_x - pad, hi_x + pad)
            if money:
                ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _bn(v)))
            ax.set_xlabel(_plain(x_label) + (", US$ bn" if money else ""))
        else:
            ax.set_xticks(x, ticks, rotation=30 if rotate else 0, ha="right" if rotate else "center",
                          rotation_mode="anchor" if rotate else "default")
            ax.set_xlim(-0.5, len(xs_raw) - 0.5)
            ax.set_xlabel(_plain(x_label))
        if spot is not None:
            _as_written_line(ax, spot)
        if legend:
            handles = [Line2D([], [], color=_colour(j), ls=_line_style(j) if numeric else "none", lw=1.8,
                              marker="o", ms=4.5) for j in range(len(lines))]
            _legend_above(ax, handles, labels, ncols=ncols)
        return _png(fig)


def _central_position(central: Any, xs: Sequence[Any], numeric: bool, scale: float) -> float | None:
    """Where the scenario's own value goes on the x axis, or None."""
    if central is None:
        return None
    if numeric:
        return float(central) / scale if _is_number(central) else None
    for i, v in enumerate(xs):
        if v == central or str(v) == str(central):
            return float(i)
    return None


def _label_ends(ax_p: Axes, ends_p: Sequence[np.ndarray], pc: float,
                ends_text: Sequence[Sequence[str]], y: np.ndarray) -> None:
    """Each bar end of the probability panel labelled with its setting, outside the bar."""
    n = len(y)
    for k in range(2):
        for i in range(n):
            v = ends_p[k][i]
            if not np.isfinite(v):
                continue
            goes_left = v < pc - 1e-12
            ax_p.annotate(ends_text[k][i], (v, y[i] + (-0.2, 0.2)[k]), xytext=(-3 if goes_left else 3, 0),
                          textcoords="offset points", ha="right" if goes_left else "left", va="center",
                          fontsize=SMALL_PT, color="#333333")


def _tornado_labels(ax_p: Axes, ax_m: Axes, y: np.ndarray, names: Sequence[str], year: int) -> None:
    """The assumptions' names, axis labels and tick formats of the two panels."""
    n = len(y)
    ax_p.set_yticks(y, names)
    ax_p.set_ylim(n - 0.5, -0.5)
    ax_p.tick_params(axis="y", length=0)
    ax_m.tick_params(axis="y", length=0)
    ax_p.set_xlabel("P(target reached)")
    ax_m.set_xlabel(f"Median in {year}, US$ bn")
    ax_p.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _pct_axis_text(v)))  # ticks: _tornado_axis
    ax_m.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _bn(v)))


def tornado(labels: Sequence[str], low_text: Sequence[str], high_text: Sequence[str],
            p_low: Sequence[float], p_high: Sequence[float], p_central: float,
            median_low: Sequence[float], median_high: Sequence[float], median_central: float, year: int,
            title: str, caption: str) -> bytes:
    """A sensitivity tornado: how P(target) and the median move with each assumption.

    Two panels share the assumptions (already sorted, the first at the top): on the left
    P(target reached) in percent, on the right the median value in ``year`` in US$ bn.
    Each assumption has a bar from the central value to its value at the assumption's
    low setting (upper half of the row) and one to its high setting (lower half), so
    both stay visible when they point the same way or one has no length. The left
    panel's bar ends carry the settings (``low_text``, ``high_text``).

    Parameters
    ----------
    labels : sequence of str
        The assumptions (wrapped at 30 characters).
    low_text, high_text : sequence of str
        The values each assumption was set to (``+3%``).
    p_low, p_high : sequence of float
        P(target reached) in [0, 1] with the assumption at its low and its high value.
    p_central : float
        P(target reached) as written.
    median_low, median_high : sequence of float
        The median in ``year`` (US dollars) at the low and the high value.
    median_central : float
        The median as written.
    year : int
        The target year.
    title, caption : str

    Returns
    -------
    bytes
        PNG.
    """
    n = len(labels)
    if n == 0:
        raise ValueError("no assumption to draw")
    if any(len(s) != n for s in (low_text, high_text, p_low, p_high, median_low, median_high)):
        raise ValueError("one value per assumption in every sequence")
    names = [_wrapped(label, 30) for label in labels]
    ends_text = [[_plain(t) for t in low_text], [_plain(t) for t in high_text]]
    pc = float(p_central) * 100
    mc = float(median_central) / 1e9
    ends_p = [np.asarray(list(p_low), dtype=float) * 100, np.asarray(list(p_high), dtype=float) * 100]
    ends_m = [np.asarray(list(median_low), dtype=float) / 1e9,
              np.asarray(list(median_high), dtype=float) / 1e9]
    row = max(0.5, 0.16 * max(_lines(x) for x in names) + 0.2)
    body = max(1.1, n * row + 0.1)
    left = min(max(LEFT, _text_inches(names) + 0.2), 0.42 * WIDTH)
    gap_w = 0.3
    ratios = (1.2, 1.0)
    panel_w = [(WIDTH - left - RIGHT - gap_w) * r / sum(ratios) for r in ratios]
    colours = (OKABE_ITO["sky"], OKABE_ITO["orange"])
    legend_labels = ["assumption at its low value", "at its high value"]
    ncols, legend_rows = _legend_layout(legend_labels, available=WIDTH - left)
    as_written_room = 0.24
    with _style():
        fig, top, bottom = _frame(_plain(title), _plain(caption), body_height=body,
                                  legend_height=legend_rows * 0.24 + as_written_room, xlabel_room=0.55)
        height = top + body + bottom
        axes = fig.subplots(1, 2, sharey=True, squeeze=True, gridspec_kw={"width_ratios": list(ratios)})
        fig.subplots_adjust(left=left / WIDTH, right=1 - RIGHT / WIDTH, top=1 - top / height,
                            bottom=bottom / height, wspace=gap_w / (sum(panel_w) / 2))
        ax_p, ax_m = axes
        y = np.arange(n, dtype=float)
        for k, offset in enumerate((-0.2, 0.2)):
            for ax, ends, centre in ((ax_p, ends_p[k], pc), (ax_m, ends_m[k], mc)):
                ax.barh(y + offset, np.nan_to_num(ends - centre), left=centre, height=0.36, color=colours[k],
                        lw=0, zorder=2)
        _tornado_axis(ax_p, ends_p, pc, panel_w[0], ends_text, percent=True)
        _tornado_axis(ax_m, ends_m, mc, panel_w[1], None, percent=False)
        _label_ends(ax_p, ends_p, pc, ends_text, y)
        _tornado_labels(ax_p, ax_m, y, names, year)
        _as_written(ax_p, pc, f"as written: {_pct_text(pc / 100)}")
        _as_written(ax_m, mc, f"as written: US${_bn(mc)}bn")
        handles = [Patch(color=c, lw=0) for c in colours]
        _legend_in_figure(fig, handles, legend_labels, ncols, left, height - top + as_written_room)
        return _png(fig)


def _tornado_axis(ax: Axes, ends: Sequence[np.ndarray], centre: float, panel_w: float,
                  texts: Sequence[Sequence[str]] | None, *, percent: bool) -> None:
    """Limits with room for the bar-end texts, round ticks inside the possible range, the central line."""
    values = np.concatenate([e[np.isfinite(e)] for e in ends] + [np.array([centre])])
    lo, hi = float(values.min()), float(values.max())
    span = max(hi - lo, 0.5 if percent else max(abs(centre) * 0.02, 1e-3))
    room_l = room_r = 0.05
    if texts is not None:
        for k in range(2):
            for v, t in zip(ends[k], texts[k]):
                if np.isfinite(v):
                    w = _text_inches([t], SMALL_PT) + 0.08
                    if v < centre - 1e-12:
                        room_l = max(room_l, w)
                    else:
                        room_r = max(room_r, w)
    share = min((room_l + room_r) / panel_w, 0.7)
    total = span * 1.08 / (1 - share)
    xmin = lo - span * 0.04 - room_l / panel_w * total
    xmax = hi + span * 0.04 + room_r / panel_w * total
    if hi - lo < span:  # all at the centre: centre the axis
        mid = (lo + hi) / 2
        xmin, xmax = mid - (mid - xmin) - (span - (hi - lo)) / 2, mid + (xmax - mid) + (span - (hi - lo)) / 2
    ax.set_xlim(xmin, xmax)
    ax.set_xticks(_ticks_within(xmin, xmax, 0.0, 100.0 if percent else np.inf))
    ax.set_xlim(xmin, xmax)
    ax.yaxis.grid(False)
    ax.xaxis.grid(True)
    ax.axvline(centre, color=OKABE_ITO["black"], lw=1.3, zorder=3)


def _as_written(ax: Axes, centre: float, text: str) -> None:
    lo, hi = ax.get_xlim()
    frac = (centre - lo) / (hi - lo) if hi > lo else 0.5
    ha = "left" if frac < 0.3 else "right" if frac > 0.7 else "center"
    ax.annotate(text, xy=(centre, 1.0), xycoords=("data", "axes fraction"),
                xytext={"left": (-4, 3), "right": (4, 3), "center": (0, 3)}[ha], textcoords="offset points",
                ha=ha, va="bottom", fontsize=SMALL_PT, color=OKABE_ITO["black"])
