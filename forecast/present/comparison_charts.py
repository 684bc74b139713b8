"""Charts that compare several runs of scenarios: ``compare``, sweeps and ``sensitivity``.

The charts of :mod:`forecast.charts` describe one run; these put several runs side by
side: the target-year distributions of several scenarios overlaid
(:func:`overlaid_distributions`), their probabilities of reaching the target with 95%
intervals (:func:`probabilities`), their fan charts as small multiples
(:func:`fans_side_by_side`), the probability against a swept value (:func:`sweep_curve`)
and the tornado of a sensitivity analysis (:func:`tornado`).

They follow :mod:`forecast.charts` exactly: each draws on its own
:class:`matplotlib.figure.Figure` with the Agg canvas (no pyplot, no global state
changed), with a title that states the finding and a caption at the bottom (both passed
by the caller), in the Okabe–Ito palette, at A4 width, and returns PNG bytes without
software tag or timestamp (the same input gives the same bytes). Values come in US
dollars and are drawn in US$ bn; probabilities come in [0, 1] and are drawn in percent.
Text from the caller is drawn literally: a ``$`` never starts mathematical text.

This module imports matplotlib and is imported only when a report is written.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator

from forecast.present.charts import (
    BANDS,
    GREY,
    LEFT,
    OKABE_ITO,
    RIGHT,
    STYLE,
    TEXT_PT,
    WIDTH,
    _bn,
    _bn_axis,
    _figure,
    _frame,
    _legend_above,
    _log_edges,
    _log_ticks,
    _png,
    _style,
    _target_label,
    _tint,
    _year_axis,
    fan_arrays,
)

#: The order in which scenarios take the palette's colours.
CYCLE = ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow", "black")
#: Line styles of the first, second and third round through :data:`CYCLE`.
_ROUNDS: tuple[Any, ...] = ("-", (0, (6, 1.5, 1.5, 1.5)), (0, (1.2, 1.2)))
LEGEND_PT = 9.0
SMALL_PT = 9.0  # annotations: the report's smallest text
Z95 = 1.96


# --------------------------------------------------------------------------- helpers


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
    from forecast.present.render import percent_digits

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


# --------------------------------------------------------------------------- charts


def overlaid_distributions(names: Sequence[str], values: Sequence[np.ndarray], targets: Sequence[float],
                           year_label: str, title: str, caption: str) -> bytes:
    """The target-year distributions of several scenarios, overlaid as step outlines.

    All histograms share log-spaced bins on a logarithmic US$ bn axis; the outermost
    0.1% of each sample on each side are counted in the end bins. Non-finite and
    non-positive values are left out. One target line if every scenario has the same
    target, else one dashed line per scenario in its colour.

    Parameters
    ----------
    names : sequence of str
        The scenarios, in the legend's order.
    values : sequence of ndarray
        For each scenario, the simulated values (US dollars) of each path in the target year.
    targets : sequence of float
        For each scenario, the target (US dollars).
    year_label : str
        The year (or years) the values are for, for the axis label (``2030``).
    title, caption : str
        The finding, and the basis and data vintage.

    Returns
    -------
    bytes
        PNG.

    Raises
    ------
    ValueError
        If the lengths differ, there is no scenario, or no scenario has a finite positive value.
    """
    if not (len(names) == len(values) == len(targets)):
        raise ValueError("names, values and targets must have the same length")
    if not names:
        raise ValueError("no scenario to draw")
    samples = []
    for v in values:
        a = np.asarray(v, dtype=float).ravel()
        samples.append(a[np.isfinite(a) & (a > 0)] / 1e9)
    filled = [s for s in samples if s.size]
    if not filled:
        raise ValueError("no finite positive values to draw")
    t = np.asarray(list(targets), dtype=float) / 1e9
    good_t = t[np.isfinite(t) & (t > 0)]
    lo = min(float(np.quantile(s, 0.001)) for s in filled)
    hi = max(float(np.quantile(s, 0.999)) for s in filled)
    if good_t.size:
        lo, hi = min(lo, float(good_t.min()) * 0.95), max(hi, float(good_t.max()) * 1.05)
    if hi <= lo * 1.001:  # one value everywhere and no target
        lo, hi = lo * 0.9, hi * 1.1
    one_target = good_t.size == t.size and bool(np.allclose(t, t[0], rtol=1e-9, atol=0.0))
    edges = _log_edges(lo, hi, float(good_t[0]) if good_t.size else math.sqrt(lo * hi), 48)
    pct = [np.histogram(np.clip(s, edges[0], edges[-1]), bins=edges)[0] / s.size * 100 if s.size
           else np.zeros(edges.size - 1) for s in samples]
    labels = [_wrapped(name, 40) + ("" if s.size else " (no positive values)")
              for name, s in zip(names, samples)]
    handles: list[Any] = [Line2D([], [], color=_colour(i), ls=_line_style(i), lw=1.7)
                          for i in range(len(names))]
    if not one_target and good_t.size:
        handles.append(Line2D([], [], color=GREY, ls="--", lw=1.3))
        labels.append("target (dashed, in the scenario's colour)")
    ncols, legend_rows = _legend_layout(labels)
    with _style():
        fig, (ax,) = _figure(_plain(title), _plain(caption), legend_rows=legend_rows)
        ax.set_xscale("log")
        for i, h in enumerate(pct):
            ax.stairs(h, edges, color=_colour(i), ls=_line_style(i), lw=1.7, baseline=0.0)
        ymax = max(float(max(h.max() for h in pct)), 0.1) * 1.18
        ax.set_ylim(0, ymax)
        if one_target:
            ax.axvline(float(t[0]), color=OKABE_ITO["vermillion"], lw=1.6, ls="--")
            ax.annotate(_target_label(float(t[0])), xy=(float(t[0]), 1.0), xycoords=("data", "axes fraction"),
                        xytext=(4, -2), textcoords="offset points", ha="left", va="top",
                        color=OKABE_ITO["vermillion"], fontsize=TEXT_PT)
        else:
            for i, ti in enumerate(t):
                if np.isfinite(ti) and ti > 0:
                    ax.axvline(float(ti), color=_colour(i), lw=1.3, ls="--")
        _log_ticks(ax, edges[0], edges[-1])
        ax.set_xlim(edges[0], edges[-1])
        ax.set_xlabel(f"Value in {_plain(year_label)}, US$ bn (log scale)")
        ax.set_ylabel("Share of simulated paths")
        _percent_axis(ax.yaxis)
        _legend_above(ax, handles, labels, ncols=ncols)
        return _png(fig)


def probabilities(names: Sequence[str], p: Sequence[float], se: Sequence[float], title: str,
                  caption: str) -> bytes:
    """Each scenario's probability of reaching the target, with its 95% interval.

    One row per scenario (the first at the top): a dot at ``p`` and a bar from
    ``p - 1.96 se`` to ``p + 1.96 se`` (clipped to 0–100%), annotated ``6.4% ± 0.05 pp``.
    The axis starts at 0 and ends at 100% or, when every interval ends well below, at a
    round value above them. Names are wrapped at 22 characters and the left margin
    widens to fit them; the figure grows with the number of scenarios.

    Parameters
    ----------
    names : sequence of str
    p : sequence of float
        Probabilities in [0, 1]; a missing one (NaN) is written "n/a".
    se : sequence of float
        Their standard errors (NaN or 0: no bar).
    title, caption : str

    Returns
    -------
    bytes
        PNG.
    """
    if not (len(names) == len(p) == len(se)):
        raise ValueError("names, p and se must have the same length")
    if not names:
        raise ValueError("no scenario to draw")
    pv = np.asarray(list(p), dtype=float)
    sv = np.asarray(list(se), dtype=float)
    lo, hi = _interval(pv, sv)
    ok = np.isfinite(pv)
    labels = [_wrapped(name, 22) for name in names]
    row = max(0.42, 0.16 * max(_lines(x) for x in labels) + 0.16)
    n = len(names)
    left = min(max(LEFT, _text_inches(labels) + 0.25), 0.45 * WIDTH)
    axis_w = WIDTH - left - RIGHT
    reach = float(np.max(hi[ok])) * 100 if ok.any() else 0.0
    xmax = 100.0 if reach >= 55 else min(100.0, _nice_ceiling(max(reach * 1.5, 1.0)))
    per_inch = xmax / axis_w
    texts = [_p_se_text(float(pi), float(s)) if np.isfinite(pi) else "n/a" for pi, s in zip(pv, sv)]
    with _style():
        fig, (ax,) = _figure(_plain(title), _plain(caption), plot_height=max(1.0, n * row + 0.1),
                             xlabel_room=0.5)
        fig.subplots_adjust(left=left / WIDTH)
        y = np.arange(n, dtype=float)
        colour = OKABE_ITO["blue"]
        if ok.any():
            ax.errorbar(pv[ok] * 100, y[ok], xerr=[(pv[ok] - lo[ok]) * 100, (hi[ok] - pv[ok]) * 100],
                        fmt="o", color=colour, ms=6, elinewidth=1.5, capsize=3.5, capthick=1.2,
                        clip_on=False, zorder=3)
        gap = 5 / 72 * per_inch  # the 5-point offset of the annotations, in data units
        for i in range(n):
            width = _text_inches([texts[i]], SMALL_PT) * per_inch
            if not ok[i]:
                ax.annotate(texts[i], (0, y[i]), xytext=(5, 0), textcoords="offset points", ha="left",
                            va="center", color=GREY, fontsize=SMALL_PT)
            elif hi[i] * 100 + gap + width <= xmax:
                ax.annotate(texts[i], (hi[i] * 100, y[i]), xytext=(5, 0), textcoords="offset points",
                            ha="left", va="center", color="#222222", fontsize=SMALL_PT)
            elif lo[i] * 100 - gap - width >= 0:
                ax.annotate(texts[i], (lo[i] * 100, y[i]), xytext=(-5, 0), textcoords="offset points",
                            ha="right", va="center", color="#222222", fontsize=SMALL_PT)
            else:  # the interval spans the axis: above the dot, kept inside the axis
                x = min(max(pv[i] * 100, width / 2), xmax - width / 2)
                ax.annotate(texts[i], (x, y[i]), xytext=(0, 5), textcoords="offset points",
                            ha="center", va="bottom", color="#222222", fontsize=SMALL_PT)
        ax.set_yticks(y, labels)
        ax.set_ylim(n - 0.5, -0.5)
        ax.tick_params(axis="y", length=0)
        ax.yaxis.grid(False)
        ax.xaxis.grid(True)
        ax.tick_params(axis="y", pad=8)
        ax.set_xlim(0, xmax)
        ax.set_xlabel("P(target reached), with 95% interval")
        _percent_axis(ax.xaxis)
        return _png(fig)


def fans_side_by_side(panels: Sequence[Mapping[str, Any]], title: str, caption: str) -> bytes:
    """Fan charts of several scenarios as small multiples on a shared US$ bn axis.

    Each panel is drawn like :func:`forecast.charts.fan_chart` (central bands, median
    path, the last eight observed years, the target dashed and its year dotted), up to
    three panels a row; one legend above them all.

    Parameters
    ----------
    panels : sequence of mapping
        One per scenario, with ``name`` (str), ``hist_years`` and ``hist_values``
        (observed, US dollars), ``years`` (simulated), ``quantiles`` (year, int or str, to a
        mapping from level, ``0.5`` or ``"0.5"``, to US dollars; levels 0.025, 0.1, 0.25,
        0.5, 0.75, 0.9 and 0.975), ``target_value`` (US dollars) and ``target_year``.
    title, caption : str

    Returns
    -------
    bytes
        PNG.
    """
    if not panels:
        raise ValueError("no scenario to draw")
    n = len(panels)
    ncols = min(3, n)
    nrows = math.ceil(n / ncols)
    gap_w = 0.3
    panel_w = (WIDTH - LEFT - RIGHT - (ncols - 1) * gap_w) / ncols
    panel_h = {1: 2.6, 2: 2.2}.get(ncols, 1.9)
    names = [_wrapped(p.get("name", ""), {1: 70, 2: 40}.get(ncols, 26)) for p in panels]
    name_room = 0.08 + max(_lines(x) for x in names) * TEXT_PT * 1.25 / 72
    row_gap = name_room + 0.32  # the year labels of the row above, then the panel names
    drawn = [_fan_data(p) for p in panels]
    top_value = max(max(d["top"] for d in drawn), 0.01) * 1.08
    labels = ["observed", "median path", *(b[0] for b in reversed(BANDS)), "target, and its year (dotted)"]
    ncols_legend, legend_rows = _legend_layout(labels)
    body = nrows * panel_h + (nrows - 1) * row_gap
    with _style():
        fig, top, bottom = _frame(_plain(title), _plain(caption), body_height=body + name_room,
                                  legend_height=legend_rows * 0.24, xlabel_room=0.3)
        height = top + body + name_room + bottom
        axes = fig.subplots(nrows, ncols, sharey=True, squeeze=False)
        fig.subplots_adjust(left=LEFT / WIDTH, right=1 - RIGHT / WIDTH, top=1 - (top + name_room) / height,
                            bottom=bottom / height, hspace=row_gap / panel_h, wspace=gap_w / panel_w)
        flat = [ax for r in axes for ax in r]
        for i, (ax, d) in enumerate(zip(flat, drawn)):
            _fan_panel(ax, d, names[i], narrow=ncols > 1, panel_w=panel_w)
            if i % ncols == 0:
                _bn_axis(ax)
        for ax in flat[n:]:
            ax.set_visible(False)
        flat[0].set_ylim(0, top_value)
        handles = [Line2D([], [], color=OKABE_ITO["black"], lw=1.6, marker="o", ms=3),
                   Line2D([], [], color=OKABE_ITO["blue"], lw=2.0, marker="o", ms=3.5),
                   *(Patch(color=_tint(OKABE_ITO["blue"], b[3]), lw=0) for b in reversed(BANDS)),
                   Line2D([], [], color=OKABE_ITO["vermillion"], lw=1.6, ls="--")]
        _legend_in_figure(fig, handles, labels, ncols_legend, LEFT, height - top + 0.02)
        return _png(fig)


def _fan_data(panel: Mapping[str, Any]) -> dict[str, Any]:
    """One panel's arrays in US$ bn: the last eight observed years and the fan opening from them."""
    hy, hv, fy, q = fan_arrays(list(panel.get("hist_years") or [])[-8:],
                               list(panel.get("hist_values") or [])[-8:],
                               list(panel.get("years") or []), panel.get("quantiles") or {})
    target = float(panel["target_value"]) / 1e9
    target_year = int(panel["target_year"])
    tops = [target] + [float(np.nanmax(a)) for a in (q["0.975"], hv) if a.size and np.isfinite(a).any()]
    spans = [a for a in (hy, fy) if a.size]
    first = int(min(float(a.min()) for a in spans)) if spans else target_year
    last = int(max([target_year] + [float(a.max()) for a in spans]))
    return {"hy": hy, "hv": hv, "fy": fy, "q": q, "target": target, "target_year": target_year,
            "top": max(tops), "first": first, "last": last}


def _fan_panel(ax: Axes, d: Mapping[str, Any], name: str, *, narrow: bool, panel_w: float) -> None:
    q, fy = d["q"], d["fy"]
    if fy.size:
        for _, lo, hi, share in BANDS:
            ax.fill_between(fy, q[lo], q[hi], color=_tint(OKABE_ITO["blue"], share), lw=0)
        ax.plot(fy, q["0.5"], color=OKABE_ITO["blue"], lw=1.8, marker="o", ms=3)
    if d["hy"].size:
        ax.plot(d["hy"], d["hv"], color=OKABE_ITO["black"], lw=1.5, marker="o", ms=2.5)
    ax.axhline(d["target"], color=OKABE_ITO["vermillion"], lw=1.5, ls="--")
    ax.axvline(d["target_year"], color=OKABE_ITO["vermillion"], lw=1.0, ls=":")
    ax.annotate(_target_label(d["target"]), xy=(0.02, d["target"]), xycoords=("axes fraction", "data"),
                xytext=(0, 2), textcoords="offset points", ha="left", va="bottom",
                color=OKABE_ITO["vermillion"], fontsize=SMALL_PT,
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75})
    if narrow:
        _year_ticks(ax, d["first"], d["last"], max(2, int(panel_w / 0.5)))
    else:
        _year_axis(ax, d["first"], d["last"])
    ax.set_title(name, loc="left", fontsize=TEXT_PT, fontweight="bold", pad=5)


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
    all_hi = []
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
            ax.axvline(spot, color=GREY, lw=0.9, ls=":", zorder=1)
            lo_lim, hi_lim = ax.get_xlim()
            right_side = (spot - lo_lim) / (hi_lim - lo_lim) > 0.8
            ax.annotate("as written", xy=(spot, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(-3 if right_side else 3, -2), textcoords="offset points",
                        ha="right" if right_side else "left", va="top", color=GREY, fontsize=SMALL_PT,
                        bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})
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
        for k in range(2):
            for i in range(n):
                v = ends_p[k][i]
                if not np.isfinite(v):
                    continue
                goes_left = v < pc - 1e-12
                ax_p.annotate(ends_text[k][i], (v, y[i] + (-0.2, 0.2)[k]), xytext=(-3 if goes_left else 3, 0),
                              textcoords="offset points", ha="right" if goes_left else "left", va="center",
                              fontsize=SMALL_PT, color="#333333")
        ax_p.set_yticks(y, names)
        ax_p.set_ylim(n - 0.5, -0.5)
        ax_p.tick_params(axis="y", length=0)
        ax_m.tick_params(axis="y", length=0)
        ax_p.set_xlabel("P(target reached)")
        ax_m.set_xlabel(f"Median in {year}, US$ bn")
        ax_p.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _pct_axis_text(v)))  # ticks: _tornado_axis
        ax_m.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _bn(v)))
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
