"""Every file of one run's report, by name (:func:`files`), and the chart file names the
Markdown refers to (:func:`chart_file_names`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from forecast.present.report.chart_set import charts_for, target_values
from forecast.present.report.formatting import _at
from forecast.present.report.html_page import html
from forecast.present.report.markdown_page import markdown
from forecast.present.report.pdf_file import pdf

if TYPE_CHECKING:
    from forecast.analysis.results import RunResult


def files(result: RunResult, d: Mapping[str, Any], formats: Sequence[str]) -> dict[str, str | bytes]:
    """Every file of one run's report, by name, for the formats asked for.

    Parameters
    ----------
    result : RunResult
        The run (for the simulated values in the target year).
    d : mapping
        Its result dict (:func:`forecast.render.as_dict`, with the report keys).
    formats : sequence of str
        Any of ``html`` (``<name>.html``, self-contained), ``md`` (``<name>.md`` and the
        ``<name>-<chart>.png`` files it references) and ``pdf`` (``<name>.pdf``).

    Returns
    -------
    dict
        File name to text (str) or bytes.

    Raises
    ------
    ForecastError
        For ``pdf`` without the optional dependency xhtml2pdf.
    """
    name = str(_at(d, "scenario", "name", default="report"))
    charts = charts_for(d, target_values(result))
    out: dict[str, str | bytes] = {}
    page = html(d, charts) if {"html", "pdf"} & set(formats) else ""
    if "html" in formats:
        out[f"{name}.html"] = page
    if "md" in formats:
        names = chart_file_names(d, charts)
        out[f"{name}.md"] = markdown(d, names)
        out.update({names[k]: png for k, png in charts.items()})
    if "pdf" in formats:
        out[f"{name}.pdf"] = pdf(page)
    return out


def chart_file_names(result: Mapping[str, Any],
                     charts: Mapping[str, bytes] | Sequence[str]) -> dict[str, str]:
    """Relative PNG file names for :func:`markdown`: ``<scenario name>-<chart key>.png``."""
    name = _at(result, "scenario", "name", default="report")
    return {key: f"{name}-{key}.png" for key in charts}
