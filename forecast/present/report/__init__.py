"""The feasibility report an analyst can forward: HTML, Markdown and PDF from a result.

Everything here renders the result dict of ``tradecast run --json`` (see
:func:`forecast.render.as_dict`) plus chart PNGs; no model statistics are computed
(only the median and share above the target of the simulated values, for a chart title).
Keys a result may lack (older results, inline histories, runs without extras)
are handled by saying what is absent and why.

:func:`sections` lays the report out once, as titled lists of blocks
(:class:`Para`, :class:`Items`, :class:`Table`, :class:`Chart`, :class:`Code`);
:func:`html` and :func:`markdown` only format those blocks; :func:`pdf` converts the
HTML. :func:`charts_for` draws the charts (it imports matplotlib, through
:mod:`forecast.charts`); :func:`files` produces every file of a report by name.

The modules, each re-exported here:

- :mod:`~forecast.report.blocks`: the block types and :class:`Section`;
- :mod:`~forecast.report.formatting`: accessors of the result dict and number formatters;
- :mod:`~forecast.report.chart_set`: :func:`charts_for`, the chart titles and captions;
- :mod:`~forecast.report.layout`: :data:`TITLES` and :func:`sections`, built by
  :mod:`~forecast.report.answer_sections` (sections 1–5) and
  :mod:`~forecast.report.supporting_sections` (sections 6–9);
- :mod:`~forecast.report.html_page`, :mod:`~forecast.report.markdown_page` and
  :mod:`~forecast.report.pdf_file`: the three formats;
- :mod:`~forecast.report.outputs`: :func:`files` and :func:`chart_file_names`.
"""

from forecast.present.report.answer_sections import LEVELS
from forecast.present.report.blocks import CHART_KEYS, Block, Chart, Code, Items, Para, Section, Table
from forecast.present.report.chart_set import charts_for, target_values
from forecast.present.report.formatting import basis, first_years, vintage
from forecast.present.report.html_page import CSS, html
from forecast.present.report.layout import TITLES, sections
from forecast.present.report.markdown_page import markdown
from forecast.present.report.outputs import chart_file_names, files
from forecast.present.report.pdf_file import PDF_CSS, PDF_HINT, PDF_IMAGE_PT, pdf

__all__ = [
    "CHART_KEYS", "CSS", "LEVELS", "PDF_CSS", "PDF_HINT", "PDF_IMAGE_PT", "TITLES",
    "Block", "Chart", "Code", "Items", "Para", "Section", "Table",
    "basis", "chart_file_names", "charts_for", "files", "first_years", "html", "markdown", "pdf",
    "sections", "target_values", "vintage",
]
