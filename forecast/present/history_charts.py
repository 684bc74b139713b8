"""Charts of one run's history: one-year growth against the required rate, the two
reporters' figures side by side, and P(reached) by year. They follow :mod:`.charts` exactly
(own Figure, Agg canvas, no global state, PNG bytes without timestamp)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter

from forecast.present.chart_helpers import _text_inches
from forecast.present.charts import (
    GREY,
    LEFT,
    OKABE_ITO,
    TEXT_PT,
    WIDTH,
    _bn_axis,
    _figure,
    _png,
    _style,
    _tint,
    _year_axis,
    drawn_png,
)


def reach_by_year(reached_by_year: Mapping[Any, float], first_year: Mapping[Any, float],
                  title: str, caption: str) -> bytes:
    """For a ``by`` target: P(reached by each year) and P(first reached in each year).

    Parameters
    ----------
    reached_by_year : mapping
        Year (int or str) to the probability of having reached the target in it or earlier.
    first_year : mapping
        Year to the probability that the target is first reached in that year.
    title, caption : str

    Returns
    -------
    bytes
        PNG.
    """
    return drawn_png(draw_reach_by_year, title, caption, reached_by_year, first_year)


def draw_reach_by_year(ax: Axes, reached_by_year: Mapping[Any, float],
                       first_year: Mapping[Any, float]) -> Axes:
    """Draw the chart of :func:`reach_by_year` on ``ax`` (same arguments, without the title and
    caption). Returns ``ax``."""
    years = sorted(int(y) for y in reached_by_year)
    cum = np.array([_get(reached_by_year, y) for y in years]) * 100
    first = np.array([_get(first_year, y, 0.0) for y in years]) * 100
    ax.bar(years, first, width=0.6, color=OKABE_ITO["sky"], label="first reached in this year")
    ax.plot(years, cum, color=OKABE_ITO["blue"], lw=1.8, marker="o", ms=5,
            label="reached in this year or earlier")
    top = max(float(cum.max()) if cum.size else 0.0, 1.0)
    ax.set_ylim(0, min(100.0, top * 1.25) if top < 80 else 105)
    for y, c, f in zip(years, cum, first):
        ax.annotate(f"{c:.0f}%" if c >= 1 else f"{c:.1f}%", (y, c), xytext=(0, 6),
                    textcoords="offset points", ha="center", va="bottom", color=OKABE_ITO["blue"],
                    fontsize=9.0)
        if f >= 0.5 and f < c - 4:
            ax.annotate(f"{f:.0f}%", (y, f), xytext=(0, 3), textcoords="offset points", ha="center",
                        va="bottom", color="#1A5E80", fontsize=9.0)
    if years:
        _year_axis(ax, years[0], years[-1])
    ax.set_xlabel("Year")
    ax.set_ylabel("Probability")
    ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.legend(loc="upper left", frameon=False)
    return ax


def _get(mapping: Mapping[Any, float], year: int, default: float | None = None) -> float:
    for key in (year, str(year)):
        if key in mapping and mapping[key] is not None:
            return float(mapping[key])
    if default is None:
        raise KeyError(f"no value for {year}")
    return default


def growth_history(years: Sequence[int], rates: Sequence[float], required: float,
                   break_years: Sequence[int], title: str, caption: str) -> bytes:
    """Historical one-year growth rates against the rate the target requires.

    Bars at or above the required rate are dark, the others light; years whose growth
    crosses a change of data source are grey and hatched.

    Parameters
    ----------
    years, rates : sequence
        Year and growth from the year before (0.08 is +8%).
    required : float
        The annual growth the target needs, drawn as a horizontal line.
    break_years : sequence of int
        Years whose growth mixes two data sources.
    title, caption : str

    Returns
    -------
    bytes
        PNG.
    """
    return drawn_png(draw_growth_history, title, caption, years, rates, required, break_years,
                     figure={"right": 1.05})


def draw_growth_history(ax: Axes, years: Sequence[int], rates: Sequence[float], required: float,
                        break_years: Sequence[int]) -> Axes:
    """Draw the chart of :func:`growth_history` on ``ax`` (same arguments, without the title and
    caption). Returns ``ax``."""
    y = np.asarray(list(years), dtype=int)
    r = np.asarray(list(rates), dtype=float) * 100
    req = required * 100
    breaks = np.isin(y, np.asarray(list(break_years), dtype=int))
    high = (r >= req) & ~breaks
    low = (r < req) & ~breaks
    ax.bar(y[high], r[high], width=0.75, color=OKABE_ITO["blue"], label=f"at least {req:+.1f}%")
    ax.bar(y[low], r[low], width=0.75, color=_tint(OKABE_ITO["sky"], 0.75), label=f"below {req:+.1f}%")
    if breaks.any():
        ax.bar(y[breaks], r[breaks], width=0.75, color="#D9D9D9", edgecolor=GREY, hatch="///", lw=0.6,
               label="crosses a change of data source")
    ax.axhline(0, color="#444444", lw=0.8)
    ax.axhline(req, color=OKABE_ITO["vermillion"], lw=1.6, ls="--")
    ax.annotate(f"required\n{req:+.1f}%", xy=(1.0, req), xycoords=("axes fraction", "data"),
                xytext=(6, 0), textcoords="offset points", va="center", ha="left",
                color=OKABE_ITO["vermillion"], fontsize=TEXT_PT)
    if y.size:
        _year_axis(ax, int(y.min()), int(y.max()))
    lo = min(0.0, float(r.min()) if r.size else 0.0, req)
    hi = max(0.0, float(r.max()) if r.size else 0.0, req)
    pad = (hi - lo) * 0.08 or 1.0
    ax.set_ylim(lo - pad, hi + pad * 2.5)
    ax.set_xlabel("Year (growth from the year before)")
    ax.set_ylabel("Annual growth")
    ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.legend(loc="upper left", frameon=True, framealpha=0.92, edgecolor="none", ncols=3,
              columnspacing=1.2, handlelength=1.6, borderaxespad=0.2)
    return ax


def asymmetry(rows: Sequence[Mapping[str, float | int | None]], reporter: str, partner: str, title: str,
              caption: str) -> bytes:
    """Both countries' figures for the same trade, and the gap between them.

    Parameters
    ----------
    rows : sequence of mapping
        ``{"year", "reporter_value", "partner_value", "gap_pct"}`` (US dollars; gap as
        reporter / partner - 1, None where a figure is missing).
    reporter, partner : str
        Who reports each figure (``KAZ``), for the legend.
    title, caption : str

    Returns
    -------
    bytes
        PNG.
    """
    ordered = sorted(rows, key=lambda row: int(row["year"]))  # type: ignore[arg-type]
    y = np.array([int(row["year"]) for row in ordered], dtype=np.int64)  # type: ignore[arg-type]
    a = _column(ordered, "reporter_value") / 1e9
    b = _column(ordered, "partner_value") / 1e9
    gap = _column(ordered, "gap_pct") * 100
    with _style():
        fig, (top, bottom) = _figure(title, caption, plot_height=3.1, nrows=2, height_ratios=(2.0, 1.1))
        top.plot(y, a, color=OKABE_ITO["blue"], lw=1.8, marker="o", ms=3, label=f"{reporter}-reported")
        top.plot(y, b, color=OKABE_ITO["orange"], lw=1.8, marker="s", ms=3, ls="--",
                 label=f"{partner}-reported")
        top.set_ylim(0, max(np.nanmax(a) if np.isfinite(a).any() else 0.0,
                            np.nanmax(b) if np.isfinite(b).any() else 0.0, 0.1) * 1.12)
        _bn_axis(top)
        ok = np.isfinite(gap)
        colours = np.where(gap[ok] >= 0, OKABE_ITO["blue"], OKABE_ITO["orange"])
        bottom.bar(y[ok], gap[ok], width=0.7, color=colours)
        bottom.axhline(0, color="#444444", lw=0.8)
        bottom.set_ylabel("Gap")
        handles, labels = top.get_legend_handles_labels()
        handles += [Patch(color=OKABE_ITO["blue"]), Patch(color=OKABE_ITO["orange"])]
        labels += [f"gap: {reporter} figure higher", f"gap: {partner} figure higher"]
        top.legend(handles, labels, loc="upper left", frameon=False, ncols=2, columnspacing=1.4)
        bottom.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        bottom.yaxis.set_major_locator(MaxNLocator(nbins=4))
        if ok.any():
            g = gap[ok]
            span = max(abs(float(g.min())), abs(float(g.max())), 1.0)
            bottom.set_ylim(min(0.0, float(g.min())) - span * 0.15, max(0.0, float(g.max())) + span * 0.15)
        if y.size:
            _year_axis(bottom, int(y.min()), int(y.max()))
        bottom.set_xlabel(f"Year (gap = {reporter} figure / {partner} figure − 1)")
        return _png(fig)


def _column(rows: Sequence[Mapping[str, float | int | None]], key: str) -> np.ndarray:
    return np.array([np.nan if row.get(key) is None else float(row[key])  # type: ignore[arg-type]
                     for row in rows], dtype=float)


def choices(names: Sequence[str], probabilities: Sequence[float], answer: float, title: str,
            caption: str) -> bytes:
    """The probability under each reasonable choice as dots, lowest first, with the answer as a
    line: how far the choices an analyst could defend move it.

    Parameters
    ----------
    names, probabilities : sequence
        Each choice and its P(target) in [0, 1].
    answer : float
        P(target) as the scenario asks.
    title, caption : str

    Returns
    -------
    bytes
        PNG.
    """
    order = np.argsort(np.asarray(list(probabilities), dtype=float), kind="stable")
    p = np.asarray(list(probabilities), dtype=float)[order] * 100
    labels = [list(names)[i] for i in order]
    with _style():
        fig, (ax,) = _figure(title, caption, plot_height=max(1.6, 0.26 * len(labels) + 0.5))
        fig.subplots_adjust(left=min(max(LEFT, _text_inches(labels) + 0.25), 0.5 * WIDTH) / WIDTH)
        y = np.arange(len(labels))
        ax.scatter(p, y, color=OKABE_ITO["blue"], s=28, zorder=3)
        ax.axvline(answer * 100, color=OKABE_ITO["vermillion"], lw=1.6, ls="--")
        ax.annotate(f"the answer {answer:.1%}", xy=(answer * 100, 1.0),
                    xycoords=("data", "axes fraction"), xytext=(4, -2), textcoords="offset points",
                    va="top", ha="left", color=OKABE_ITO["vermillion"], fontsize=9.0)
        ax.set_yticks(y, labels)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(-0.6, len(labels) - 0.4)
        lo, hi = min(float(p.min()), answer * 100), max(float(p.max()), answer * 100)
        pad = (hi - lo) * 0.08 or 1.0
        ax.set_xlim(max(0.0, lo - pad), min(100.0, hi + pad))
        ax.set_xlabel("P(target)")
        ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
        return _png(fig)
