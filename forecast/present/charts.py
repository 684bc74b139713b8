"""Charts for the feasibility report: PNG bytes from plain inputs, one consistent style.

Every function draws on its own :class:`matplotlib.figure.Figure` with the Agg
canvas (no pyplot, no global state changed), in US$ bn, with a title that states
the finding and a caption (basis and data vintage) at the bottom, in the
Okabe–Ito colour-blind-safe palette, sized for A4 width (7.1 inches, 150 dpi,
text of 9 pt or more). The PNGs carry no software tag or timestamp: the same
input gives the same bytes.

This module imports matplotlib and is imported only when a report is written.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter, PercentFormatter

#: Okabe & Ito (2008), "Color Universal Design": safe for the common colour-vision deficiencies.
OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7"}
GREY = "#6E6E6E"
#: Central bands of the fan chart: (label, lower level, upper level, tint of blue).
BANDS = (("central 95% band (2.5–97.5%)", "0.025", "0.975", 0.22),
         ("central 80% band (10–90%)", "0.1", "0.9", 0.42),
         ("central 50% band (25–75%)", "0.25", "0.75", 0.66))

#: A4 width less 15 mm margins: printed at page width, text keeps its point size.
WIDTH, DPI = 7.1, 150
TITLE_PT, TEXT_PT, CAPTION_PT = 11.5, 9.5, 9.0
LEFT, RIGHT = 0.8, 0.3  # inches
STYLE = {
    "font.family": "DejaVu Sans", "font.size": TEXT_PT, "axes.titlesize": TEXT_PT,
    "axes.labelsize": TEXT_PT, "xtick.labelsize": TEXT_PT, "ytick.labelsize": TEXT_PT,
    "legend.fontsize": 9.0, "axes.spines.top": False, "axes.spines.right": False,
    "axes.edgecolor": "#444444", "axes.grid": True, "axes.grid.axis": "y", "grid.color": "#DDDDDD",
    "grid.linewidth": 0.7, "axes.axisbelow": True, "hatch.linewidth": 0.8,
    "path.simplify": True,
}


def _style() -> AbstractContextManager[None]:
    """The report's style, applied only inside the ``with`` block."""
    return matplotlib.rc_context(STYLE)  # type: ignore[arg-type]  # keys are rcParams names


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for para in (text or "").splitlines() or [""]:
        lines.extend(textwrap.wrap(para, width) or [""])
    return lines if any(lines) else []


def _frame(title: str, caption: str, *, body_height: float, legend_height: float = 0.0,
           xlabel_room: float = 0.55) -> tuple[Figure, float, float]:
    """A figure without axes, the title at the top left and the caption at the bottom left.

    Returns the figure and its top and bottom margins in inches (the plots go between).
    """
    title_lines = _wrap(title, 70)
    caption_lines = _wrap(caption, 100)
    top = 0.12 + len(title_lines) * TITLE_PT * 1.3 / 72 + 0.12 + legend_height
    bottom = xlabel_room + 0.08 + len(caption_lines) * CAPTION_PT * 1.3 / 72 + 0.08
    height = top + body_height + bottom
    fig = Figure(figsize=(WIDTH, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    if title_lines:
        fig.text(LEFT / WIDTH * 0.25, 1 - 0.12 / height, "\n".join(title_lines), ha="left", va="top",
                 fontsize=TITLE_PT, fontweight="bold", linespacing=1.25)
    if caption_lines:
        fig.text(LEFT / WIDTH * 0.25, 0.08 / height, "\n".join(caption_lines), ha="left", va="bottom",
                 fontsize=CAPTION_PT, color="#333333", linespacing=1.3)
    return fig, top, bottom


def _figure(title: str, caption: str, *, plot_height: float = 2.75, nrows: int = 1,
            height_ratios: Sequence[float] | None = None, right: float = RIGHT,
            xlabel_room: float = 0.55, legend_rows: int = 0) -> tuple[Figure, list[Axes]]:
    """A figure with the title at the top left and the caption at the bottom left.

    The figure's height grows with the number of title, legend and caption lines so the
    plot area keeps ``plot_height`` inches; ``legend_rows`` leaves room for a legend
    between the title and the plot (see :func:`_legend_above`).
    """
    fig, top, bottom = _frame(title, caption, body_height=plot_height,
                              legend_height=legend_rows * 0.24, xlabel_room=xlabel_room)
    height = top + plot_height + bottom
    fig.subplots_adjust(left=LEFT / WIDTH, right=1 - right / WIDTH, top=1 - top / height,
                        bottom=bottom / height, hspace=0.12 if nrows > 1 else 0.2)
    axes = fig.subplots(nrows, 1, sharex=True, squeeze=False,
                        gridspec_kw={"height_ratios": list(height_ratios)} if height_ratios else None)
    return fig, [ax for row in axes for ax in row]


def _legend_above(ax: Axes, handles: list, labels: list[str], ncols: int) -> None:
    """A frameless legend in rows between the title and the plot, left-aligned."""
    ax.legend(handles, labels, loc="lower left", bbox_to_anchor=(0.0, 1.01), ncols=ncols, frameon=False,
              borderaxespad=0.0, columnspacing=1.4, handlelength=1.8, borderpad=0.2)


def drawn_png(draw: Callable[..., Axes], title: str, caption: str, *args: Any,
              figure: Mapping[str, Any] | None = None) -> bytes:
    """PNG bytes of ``draw(ax, *args)`` on one Axes in the report's frame (title at the top,
    caption at the bottom; ``figure``: options of the frame), in the report's style."""
    with _style():
        fig, (ax,) = _figure(title, caption, **(figure or {}))
        draw(ax, *args)
        return _png(fig)


#: Where :func:`capture_figures` collects finished figures (None: render PNG bytes).
_CAPTURED: ContextVar[list[Figure] | None] = ContextVar("captured_figures", default=None)


@contextmanager
def capture_figures() -> Iterator[list[Figure]]:
    """Inside the block every chart hands its finished figure to the yielded list, in the order
    drawn, instead of rendering PNG bytes: the API gives the report's charts as Figures."""
    figures: list[Figure] = []
    token = _CAPTURED.set(figures)
    try:
        yield figures
    finally:
        _CAPTURED.reset(token)


def _png(fig: Figure) -> bytes:
    """PNG bytes without software tag or timestamp (b"" under :func:`capture_figures`)."""
    captured = _CAPTURED.get()
    if captured is not None:
        captured.append(fig)
        return b""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def _tint(hex_colour: str, share: float) -> str:
    """``hex_colour`` mixed with white: share 1 is the colour, 0 white (opaque, prints alike)."""
    rgb = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(255 - share * (255 - c)) for c in rgb]
    return "#" + "".join(f"{c:02X}" for c in mixed)


def _bn(v: float) -> str:
    """``2.5`` / ``0.45`` / ``12``: a value in US$ bn, for tick labels and annotations."""
    if abs(v) >= 10:
        return f"{v:,.0f}"
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _target_label(value_bn: float) -> str:
    return f"target US${_bn(value_bn)}bn"


def _year_axis(ax: Axes, first: int, last: int) -> None:
    """Every year labelled up to 12 years, else at most about 12 whole-year ticks."""
    if last - first < 12:
        ax.set_xticks(range(first, last + 1))
    else:
        ax.xaxis.set_major_locator(MaxNLocator(nbins=12, integer=True))
    ax.set_xlim(first - 0.6, last + 0.6)


def _bn_axis(ax: Axes, label: str = "US$ bn") -> None:
    ax.set_ylabel(label)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _bn(v)))


def fan_chart(hist_years: Sequence[int], hist_values: Sequence[float], years: Sequence[int],
              quantiles: Mapping[Any, Mapping[Any, float]], target_value: float,
              target_year: int, title: str, caption: str,
              known: tuple[int, float, str] | None = None) -> bytes:
    """History, median path and central bands of the forecast, with the target.

    Parameters
    ----------
    hist_years, hist_values : sequence
        The observed series (US dollars); the fan starts from its last value.
    years : sequence of int
        The simulated years.
    quantiles : mapping
        For each year (int or str), a mapping from level (``0.5`` or ``"0.5"``) to US dollars;
        levels 0.025, 0.1, 0.25, 0.5, 0.75, 0.9 and 0.975 are drawn.
    target_value : float
        US dollars, drawn as a horizontal line.
    target_year : int
        Marked by a vertical line.
    title, caption : str
        The finding, and the basis and data vintage.
    known : (year, US dollars, label), optional
        A year-to-date figure already known in a simulated year, drawn as a point: the
        year's total is at least this.

    Returns
    -------
    bytes
        PNG.
    """
    return drawn_png(draw_fan, title, caption, hist_years, hist_values, years, quantiles, target_value,
                     target_year, known, figure={"right": 1.25, "legend_rows": 2})


def draw_fan(ax: Axes, hist_years: Sequence[int], hist_values: Sequence[float],
             years: Sequence[int], quantiles: Mapping[Any, Mapping[Any, float]],
             target_value: float, target_year: int,
             known: tuple[int, float, str] | None = None) -> Axes:
    """Draw the fan chart on ``ax`` (arguments as :func:`fan_chart`): history, median path,
    central bands, the target and its year, a legend above the plot. Returns ``ax``."""
    hy, hv, fy, q = fan_arrays(hist_years, hist_values, years, quantiles)
    target = target_value / 1e9
    for label, lo, hi, share in BANDS:
        ax.fill_between(fy, q[lo], q[hi], color=_tint(OKABE_ITO["blue"], share), lw=0, label=label)
    ax.plot(fy, q["0.5"], color=OKABE_ITO["blue"], lw=2.0, marker="o", ms=3.5, label="median path")
    if hy.size:
        ax.plot(hy, hv, color=OKABE_ITO["black"], lw=1.6, marker="o", ms=3, label="observed")
    ax.axhline(target, color=OKABE_ITO["vermillion"], lw=1.6, ls="--")
    ax.axvline(target_year, color=OKABE_ITO["vermillion"], lw=1.0, ls=":")
    first = int(min(hy.min() if hy.size else fy.min(), fy.min()))
    last = int(max(fy.max(), target_year))
    _year_axis(ax, first, last)
    top = max(float(np.nanmax(q["0.975"])), target, float(np.nanmax(hv)) if hv.size else 0.0)
    ax.set_ylim(0, top * 1.08)
    ax.annotate(_target_label(target), xy=(1.0, target), xycoords=("axes fraction", "data"),
                xytext=(6, 0), textcoords="offset points", va="center", ha="left",
                color=OKABE_ITO["vermillion"], fontsize=TEXT_PT)
    if known is not None:
        ky, kv, label = known
        ax.plot([ky], [kv / 1e9], marker="D", ms=5.5, color=OKABE_ITO["black"], ls="none",
                label=label)
        ax.annotate(f"{label}: US${_bn(kv / 1e9)}bn", (ky, kv / 1e9), xytext=(-8, 0),
                    textcoords="offset points", ha="right", va="center", fontsize=9.0,
                    color=OKABE_ITO["black"],
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.9})
    ax.annotate(f"target\nyear {target_year}", xy=(target_year, 1.0), xycoords=("data", "axes fraction"),
                xytext=(4, -2), textcoords="offset points", va="top", ha="left",
                color=OKABE_ITO["vermillion"], fontsize=9.0)
    _bn_axis(ax)
    ax.set_xlabel("Year")
    handles, labels = ax.get_legend_handles_labels()
    order = [labels.index(x) for x in ("observed", "median path") if x in labels]
    order += [labels.index(b[0]) for b in reversed(BANDS)]
    _legend_above(ax, [handles[i] for i in order], [labels[i] for i in order], ncols=3)
    return ax


#: The quantile levels a fan chart draws.
FAN_LEVELS = ("0.025", "0.1", "0.25", "0.5", "0.75", "0.9", "0.975")


def fan_arrays(hist_years: Sequence[int], hist_values: Sequence[float], years: Sequence[int],
               quantiles: Mapping[Any, Mapping[Any, float]]
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Observed years and values (US$ bn), and the fan's years and quantiles (US$ bn) by
    level (:data:`FAN_LEVELS`), the fan opening at the last observation."""
    hy = np.asarray(list(hist_years), dtype=float)
    hv = np.asarray(list(hist_values), dtype=float) / 1e9
    years = list(years)
    fy = np.asarray(years, dtype=float)
    q = {level: np.array([_level(quantiles, y, level) for y in years], dtype=float) / 1e9
         for level in FAN_LEVELS}
    if hy.size and fy.size:
        fy = np.concatenate([hy[-1:], fy])
        q = {k: np.concatenate([hv[-1:], v]) for k, v in q.items()}
    return hy, hv, fy, q


def _level(quantiles: Mapping[Any, Mapping[Any, float]], year: int | str,
           level: str) -> float:
    """The quantile at ``level`` of ``year``, whichever key types the mapping uses."""
    row = quantiles.get(year)
    if row is None:
        row = quantiles.get(str(year)) if not isinstance(year, str) else quantiles.get(int(year))
    if row is None:
        raise KeyError(f"no quantiles for {year}")
    for key in (level, float(level)):
        if key in row:
            return float(row[key])  # type: ignore[index]
    raise KeyError(f"no quantile {level} for {year}")


def target_distribution(values_at_target_year: np.ndarray, target_value: float, year: int, title: str,
                        caption: str) -> bytes:
    """Histogram of the simulated values in the target year, with the target marked.

    Bins are log-spaced on a logarithmic US$ bn axis; the outermost 0.1% of paths on
    each side are counted in the end bins. Bins at or above the target are coloured.

    Parameters
    ----------
    values_at_target_year : ndarray
        Simulated values (US dollars) of each path in ``year``.
    target_value : float
        US dollars.
    year : int
    title, caption : str

    Returns
    -------
    bytes
        PNG.
    """
    return drawn_png(draw_distribution, title, caption, values_at_target_year, target_value, year)


def draw_distribution(ax: Axes, values_at_target_year: np.ndarray, target_value: float,
                      year: int) -> Axes:
    """Draw the target-year histogram on ``ax`` (arguments as :func:`target_distribution`).
    Returns ``ax``."""
    v = np.asarray(values_at_target_year, dtype=float)
    v = v[np.isfinite(v) & (v > 0)] / 1e9
    if v.size == 0:
        raise ValueError("no finite positive values to draw")
    target = target_value / 1e9
    share = float(np.mean(v >= target))
    lo, hi = (float(x) for x in np.quantile(v, [0.001, 0.999]))
    lo, hi = min(lo, target * 0.95), max(hi, target * 1.05)
    edges = _log_edges(lo, hi, target, 48)
    counts, _ = np.histogram(np.clip(v, edges[0], edges[-1]), bins=edges)
    pct = counts / v.size * 100
    above = edges[:-1] >= target * (1 - 1e-12)
    ax.set_xscale("log")
    widths = np.diff(edges)
    ax.bar(edges[:-1][~above], pct[~above], width=widths[~above], align="edge",
           color=OKABE_ITO["sky"], edgecolor="white", lw=0.4, label="below the target")
    ax.bar(edges[:-1][above], pct[above], width=widths[above], align="edge",
           color=OKABE_ITO["orange"], edgecolor="white", lw=0.4, label="at or above the target")
    ax.axvline(target, color=OKABE_ITO["vermillion"], lw=1.6, ls="--")
    median = float(np.median(v))
    ax.axvline(median, color=OKABE_ITO["blue"], lw=1.2, ls=":")
    ymax = float(pct.max()) * 1.25
    ax.set_ylim(0, ymax)
    # The target's and the median's labels face away from each other, the legend away from both.
    right = median > target
    ax.annotate(f"{_target_label(target)}:\n{_share_text(share)} of paths\nat or above it",
                (target, ymax * 0.97), xytext=(-5 if right else 5, 0), textcoords="offset points",
                color=OKABE_ITO["vermillion"], va="top", ha="right" if right else "left",
                fontsize=TEXT_PT)
    ax.annotate(f"median\nUS${_bn(median)}bn", (median, ymax * 0.97), xytext=(5 if right else -5, 0),
                textcoords="offset points", color=OKABE_ITO["blue"], va="top",
                ha="left" if right else "right", fontsize=9.0)
    _log_ticks(ax, edges[0], edges[-1])
    ax.set_xlim(edges[0], edges[-1])
    ax.set_xlabel(f"Value in {year}, US$ bn (log scale)")
    ax.set_ylabel("Share of simulated paths")
    ax.yaxis.set_major_formatter(PercentFormatter(decimals=_decimals(ymax)))
    ax.legend(loc="upper left" if not right else "upper right", frameon=False,
              bbox_to_anchor=(1.0, 1.0) if right else (0.0, 1.0))
    return ax


def _share_text(share: float) -> str:
    if share == 0.0:
        return "none"
    if share < 0.01:
        return f"{share:.1%}" if share >= 0.001 else "<0.1%"
    if share > 0.99 and share < 1.0:
        return f"{share:.1%}"
    return f"{share:.0%}"


def _decimals(ymax: float) -> int:
    return 0 if ymax >= 5 else 1 if ymax >= 0.5 else 2


def _log_edges(lo: float, hi: float, target: float, n: int) -> np.ndarray:
    """About ``n`` log-spaced bin edges from ``lo`` to ``hi`` with one edge exactly at ``target``."""
    step = (math.log(hi) - math.log(lo)) / n
    below = max(1, math.ceil((math.log(target) - math.log(lo)) / step))
    upper = max(1, math.ceil((math.log(hi) - math.log(target)) / step))
    k = np.arange(-below, upper + 1)
    return np.asarray(target * np.exp(k * step))


def _log_ticks(ax: Axes, lo: float, hi: float) -> None:
    """Readable ticks (…, 0.5, 1, 2, 5, 10, …) on a log US$ bn axis."""
    decades = range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1)
    for mantissas in ((1, 2, 5), (1, 1.5, 2, 3, 5, 7), (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9)):
        ticks = [float(f"{m * 10.0 ** e:.6g}") for e in decades for m in mantissas]
        ticks = [t for t in ticks if lo <= t <= hi]
        if len(ticks) >= 4:
            break
    ax.set_xticks(ticks)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _bn(v)))
    ax.xaxis.set_minor_formatter(NullFormatter())


