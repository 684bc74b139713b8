"""Charts that compare several runs of scenarios: ``compare``, sweeps and ``sensitivity``.

The charts of :mod:`forecast.charts` describe one run; these put several runs side by
side: the target-year distributions of several scenarios overlaid
(:func:`overlaid_distributions`), their probabilities of reaching the target with 95%
intervals (:func:`probabilities`) and their fan charts as small multiples
(:func:`fans_side_by_side`). The sweep curve and the tornado are in
:mod:`.variant_charts`; the helpers they share in :mod:`.chart_helpers`.

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
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from forecast.present.chart_helpers import (
    SMALL_PT,
    _colour,
    _interval,
    _legend_in_figure,
    _legend_layout,
    _line_style,
    _lines,
    _nice_ceiling,
    _p_se_text,
    _percent_axis,
    _plain,
    _text_inches,
    _wrapped,
    _year_ticks,
)
from forecast.present.charts import (
    BANDS,
    GREY,
    LEFT,
    OKABE_ITO,
    RIGHT,
    TEXT_PT,
    WIDTH,
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

# --------------------------------------------------------------------------- charts


def _distribution_range(values: Sequence[np.ndarray], targets: Sequence[float]
                        ) -> tuple[list[np.ndarray], np.ndarray, np.ndarray, float, float]:
    """The finite positive samples (US$ bn), the targets (all, and the valid ones) and the
    axis range: the samples' 0.1-99.9% and every target."""
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
    return samples, t, good_t, lo, hi


def _target_lines(ax: Axes, t: np.ndarray, one_target: bool) -> None:
    """One labelled target line, or one dashed line per scenario in its colour."""
    if one_target:
        ax.axvline(float(t[0]), color=OKABE_ITO["vermillion"], lw=1.6, ls="--")
        ax.annotate(_target_label(float(t[0])), xy=(float(t[0]), 1.0), xycoords=("data", "axes fraction"),
                    xytext=(4, -2), textcoords="offset points", ha="left", va="top",
                    color=OKABE_ITO["vermillion"], fontsize=TEXT_PT)
    else:
        for i, ti in enumerate(t):
            if np.isfinite(ti) and ti > 0:
                ax.axvline(float(ti), color=_colour(i), lw=1.3, ls="--")


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
    samples, t, good_t, lo, hi = _distribution_range(values, targets)
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
        _target_lines(ax, t, one_target)
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


