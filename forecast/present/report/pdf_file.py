"""The report as an A4 PDF (:func:`pdf`): the HTML through the optional ``xhtml2pdf``,
with a print stylesheet of its own."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from forecast.errors import ForecastError

PDF_HINT = ("PDF output needs the optional dependency xhtml2pdf: pip install 'tradecast[pdf]' "
            "(or choose --format html,md)")


#: The stylesheet of the PDF: xhtml2pdf supports a subset of CSS 2 (no max-width, media queries,
#: overflow or border-collapse), so the print variant replaces the screen stylesheet with this.
PDF_CSS = """
@page { size: A4; margin: 15mm 15mm 16mm 15mm;
  @frame footer { -pdf-frame-content: pdffooter; bottom: 6mm; margin-left: 15mm; margin-right: 15mm;
    height: 8mm; } }
body { font-family: %(font)s; font-size: 9pt; line-height: 1.3; color: #1a1a1a; }
.figure img { width: %(img)spt; }
h1 { font-size: 15pt; margin: 0 0 3pt 0; }
h2 { font-size: 12pt; margin: 10pt 0 3pt 0; padding-top: 3pt; border-top: 1.5pt solid #0072B2;
  page-break-after: avoid; -pdf-keep-with-next: true; }
.figure, .scroll { page-break-inside: avoid; }
.scroll.long { page-break-inside: auto; }
p { margin: 3pt 0; }
.kicker { color: #0072B2; font-weight: bold; font-size: 8pt; margin: 0; }
.sub, .note, .footer { font-size: 8pt; color: #444444; }
.lead { font-size: 11pt; font-weight: bold; background-color: #EAF3FA; border-left: 3pt solid #0072B2;
  padding: 4pt 6pt; }
.figure { margin: 5pt 0; }
table { width: 100%%; font-size: 8pt; margin: 4pt 0; }
caption { font-size: 8pt; color: #444444; text-align: left; }
th { background-color: #f0f0f0; font-weight: bold; text-align: left; }
th, td { border-bottom: 0.5pt solid #cccccc; padding: 2pt 3pt 1pt 3pt; vertical-align: top; }
td.num, th.num { text-align: right; }
table.kv td { width: 75%%; }
table.kv td.key { width: 25%%; font-weight: bold; }
ul { margin: 2pt 0; }
pre { font-family: %(mono)s; font-size: 8pt; background-color: #f0f0f0; padding: 4pt; }
#pdffooter { font-size: 7.5pt; color: #666666; text-align: right; }
"""


def pdf(html_text: str) -> bytes:
    """A4 PDF of the report HTML (:func:`html`), through the optional ``xhtml2pdf``.

    The HTML's screen stylesheet is replaced by :data:`PDF_CSS` and images are sized to
    the page width (xhtml2pdf supports a subset of CSS); text is set in the DejaVu fonts
    matplotlib ships, so every character prints. Nothing outside the font folder is read.

    Parameters
    ----------
    html_text : str
        The report's HTML.

    Returns
    -------
    bytes
        The PDF.

    Raises
    ------
    ForecastError
        If ``xhtml2pdf`` is not installed (with the install hint), or it fails.
    """
    try:
        from xhtml2pdf import pisa
    except ImportError:
        raise ForecastError("pdf", "", PDF_HINT) from None
    import io
    import logging

    fonts = _dejavu()
    folder = str(Path(fonts["tcsans"]).parent) if fonts else str(Path.cwd())
    out = io.BytesIO()
    quiet = logging.getLogger("xhtml2pdf")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # it warns about every CSS property it skips
    try:
        status = pisa.CreatePDF(_print_variant(html_text, fonts), dest=out, encoding="utf-8",
                                path=str(Path(folder) / "report.html"))
    finally:
        quiet.setLevel(level)
    if status.err:
        raise ForecastError("pdf", "", f"xhtml2pdf could not render the report ({status.err} error(s))")
    return out.getvalue()


def _print_variant(html_text: str, fonts: Mapping[str, str]) -> str:
    """The report's HTML for xhtml2pdf: its stylesheet, fonts, images at page width, a footer."""
    family, mono = ("tcsans", "tcmono") if fonts else ("Helvetica", "Courier")
    faces = "".join(f'@font-face {{ font-family: {"tcsans" if k.startswith("tcsans") else k}; '
                    f'{"font-weight: bold; " if k.endswith("bold") else ""}src: url("{Path(v).name}"); }}\n'
                    for k, v in fonts.items())
    css = faces + PDF_CSS % {"font": family, "mono": mono, "img": PDF_IMAGE_PT}
    text = re.sub(r"<style>.*?</style>", lambda _: f"<style>{css}</style>", html_text, count=1, flags=re.S)
    text = _BLOCK.sub(_pdf_block, text)
    title = re.search(r"<title>(.*?)</title>", text, re.S)
    footer = (f'<div id="pdffooter">{title.group(1) if title else ""} · page <pdf:pagenumber> of '
              f"<pdf:pagecount></div>")
    return text.replace("<body>", f"<body>{footer}", 1)


#: A chart image, or a table that may run over pages.
_BLOCK = re.compile(r'<img (src="data:image/png;base64,)|<div class="scroll long"><table')
#: Image width in the PDF, points: the charts' own width (7.1 in), so their text prints at size.
PDF_IMAGE_PT = 511


def _pdf_block(m: re.Match[str]) -> str:
    """Size images by attribute (xhtml2pdf ignores percentage widths); repeat the header row
    of long tables on every page."""
    if m.group(1):
        return f'<img width="{PDF_IMAGE_PT}" {m.group(1)}'
    return '<div class="scroll long"><table repeat="1"'


def _dejavu() -> dict[str, str]:
    """Paths of the DejaVu fonts matplotlib ships (wide Unicode coverage: ≥, −, ×), if present."""
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        return {}
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    files = {"tcsans": "DejaVuSans.ttf", "tcsans-bold": "DejaVuSans-Bold.ttf", "tcmono": "DejaVuSansMono.ttf"}
    found = {k: str(folder / v) for k, v in files.items() if (folder / v).is_file()}
    return found if len(found) == len(files) else {}
