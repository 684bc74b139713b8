"""The report as one self-contained HTML page (:func:`html`), with its stylesheet."""

from __future__ import annotations

import base64
import html as _html
from collections.abc import Mapping, Sequence
from typing import Any

from forecast.present.report.blocks import Block, Chart, Code, Items, Para, Section, Table
from forecast.present.report.formatting import _at, basis, vintage
from forecast.present.report.layout import sections

CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: #1a1a1a; background: #ffffff; font-family: -apple-system, "Segoe UI", Roboto,
  "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; font-size: 16px; line-height: 1.5; }
.page { max-width: 50rem; margin: 0 auto; padding: 1.25rem 1rem 3rem 1rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.2rem 0 0.3rem 0; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.6rem 0; padding-top: 0.4rem; border-top: 2px solid #0072B2;
  page-break-after: avoid; break-after: avoid; }
p { margin: 0.5rem 0; }
.kicker { color: #0072B2; font-weight: bold; font-size: 0.85rem; text-transform: uppercase;
  letter-spacing: 0.04em; margin: 0; }
.sub { color: #555555; margin: 0; font-size: 0.9rem; }
.lead { font-size: 1.2rem; font-weight: bold; background: #EAF3FA; border-left: 4px solid #0072B2;
  padding: 0.6rem 0.8rem; }
.note { color: #444444; font-size: 0.9rem; }
.figure { margin: 0.8rem 0; page-break-inside: avoid; break-inside: avoid; }
.figure img { display: block; width: 100%; max-width: 100%; height: auto; border: 0; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0.6rem 0;
  page-break-inside: avoid; break-inside: avoid; }
.scroll.long { page-break-inside: auto; break-inside: auto; }
table { border-collapse: collapse; font-size: 0.85rem; min-width: 60%; }
caption { text-align: left; font-size: 0.85rem; color: #444444; padding: 0.2rem 0; caption-side: top; }
th, td { border-bottom: 1px solid #dddddd; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; font-weight: bold; }
td.num, th.num { text-align: right; white-space: nowrap; }
table.kv td.key { font-weight: bold; white-space: nowrap; }
ul { margin: 0.4rem 0; padding-left: 1.3rem; }
li { margin: 0.15rem 0; }
pre { background: #f3f3f3; padding: 0.6rem 0.8rem; overflow-x: auto; white-space: pre-wrap;
  word-break: break-all; font-size: 0.85rem; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; }
.footer { margin-top: 2.5rem; color: #666666; font-size: 0.8rem; border-top: 1px solid #dddddd;
  padding-top: 0.5rem; }
@media (max-width: 600px) { body { font-size: 15px; } .page { padding: 0.8rem 0.6rem 2rem 0.6rem; }
  h1 { font-size: 1.35rem; } .lead { font-size: 1.05rem; } }
@media print { body { font-size: 10pt; } .page { max-width: none; padding: 0; }
  .scroll { overflow: visible; } h2 { margin-top: 1.2rem; } a { color: inherit; text-decoration: none; } }
"""


def _e(text: Any) -> str:
    return _html.escape(str(text), quote=True)


def html(result: Mapping[str, Any], charts: Mapping[str, bytes]) -> str:
    """The report as one self-contained HTML file.

    Inline CSS, charts embedded as base64 ``data:`` URIs, no external references;
    responsive (phone to laptop) and printable to A4.

    Parameters
    ----------
    result : mapping
        The result dict.
    charts : mapping
        Chart key to PNG bytes (:func:`charts_for`); sections leave out charts not given.

    Returns
    -------
    str
    """
    scenario = result.get("scenario") or {}
    name = str(scenario.get("name") or "tradecast")
    title = str(scenario.get("title") or name)
    version = _at(result, "versions", "tradecast") or _at(result, "reproduce", "versions", "tradecast")
    return page("Feasibility report", title,
                f"Scenario {name} ({scenario.get('file', '')}) · {basis(result)} · {vintage(result)}",
                sections(result), charts,
                f"Produced by tradecast{' ' + str(version) if version else ''} from the result of "
                f"scenario {name}. Probabilities are the model's, given the figures and assumptions "
                f"stated above.")


def page(kicker: str, title: str, sub: str, secs: Sequence[Section], charts: Mapping[str, bytes],
         footer: str) -> str:
    """One self-contained HTML page of numbered sections (any report: a run, a comparison...).

    Parameters
    ----------
    kicker, title, sub : str
        The kind of report, its title and a line under it.
    secs : sequence of Section
        The sections, in order.
    charts : mapping
        Chart key to PNG bytes.
    footer : str
        What produced the page.
    """
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{_e(title)} — {_e(kicker.lower())}</title>", f"<style>{CSS}</style>", "</head>",
             "<body>", '<div class="page">', f'<p class="kicker">{_e(kicker)}</p>',
             f"<h1>{_e(title)}</h1>", f'<p class="sub">{_e(sub)}</p>']
    for sec in secs:
        parts.append(f'<div class="section" id="s{sec.number}">')
        parts.append(f"<h2>{_e(sec.heading)}</h2>")
        parts.extend(_html_block(b, charts) for b in sec.blocks)
        parts.append("</div>")
    parts.append(f'<p class="footer">{_e(footer)}</p>')
    parts += ["</div>", "</body>", "</html>"]
    return "\n".join(p for p in parts if p) + "\n"


def _html_block(block: Block, charts: Mapping[str, bytes]) -> str:
    if isinstance(block, Para):
        cls = f' class="{block.kind}"' if block.kind else ""
        return f"<p{cls}>{_e(block.text)}</p>"
    if isinstance(block, Items):
        return "<ul>" + "".join(f"<li>{_e(x)}</li>" for x in block.items) + "</ul>"
    if isinstance(block, Code):
        return f"<pre><code>{_e(block.text)}</code></pre>"
    if isinstance(block, Chart):
        png = charts.get(block.key)
        if not png:
            return ""
        data = base64.b64encode(png).decode("ascii")
        return (f'<div class="figure"><img src="data:image/png;base64,{data}" alt="{_e(block.alt)}">'
                f"</div>")
    return _html_table(block)


def _html_table(t: Table) -> str:
    """A table in a horizontally scrolling box; a table without header is key–value."""
    kv = not any(t.header)
    classes = ["key", *[""] * (len(t.header) - 1)] if kv else \
        ["num" if n else "" for n in (t.numeric or (False,) * len(t.header))]
    attr = [f' class="{c}"' if c else "" for c in classes]
    scroll = "scroll long" if len(t.rows) > 25 else "scroll"
    out = [f'<div class="{scroll}"><table' + (' class="kv">' if kv else ">")]
    if t.caption:
        out.append(f"<caption>{_e(t.caption)}</caption>")
    if not kv:
        out.append("<thead><tr>" + "".join(f"<th{a}>{_e(h)}</th>" for h, a in zip(t.header, attr))
                   + "</tr></thead>")
    out.append("<tbody>")
    for row in t.rows:
        out.append("<tr>" + "".join(f"<td{a}>{_e(c)}</td>" for c, a in zip(row, attr)) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)
