"""The report in Markdown (:func:`markdown`), with charts referenced as PNG files beside it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from forecast.present.report.blocks import Block, Chart, Code, Items, Para, Section
from forecast.present.report.formatting import basis, vintage
from forecast.present.report.layout import sections

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#$])")  # $: GitHub and wikis read $...$ as math


def _m(text: Any) -> str:
    """Plain text safe in Markdown: special characters backslash-escaped, one line."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def markdown(result: Mapping[str, Any], chart_files: Mapping[str, str]) -> str:
    """The report in Markdown, with charts referenced as PNG files beside it.

    Parameters
    ----------
    result : mapping
        The result dict.
    chart_files : mapping
        Chart key to a relative file name (:func:`chart_file_names`); charts not given are left out.

    Returns
    -------
    str
    """
    scenario = result.get("scenario") or {}
    name = str(scenario.get("name") or "tradecast")
    return page(str(scenario.get("title") or name),
                f"Feasibility report · scenario {name} ({scenario.get('file', '')}) · "
                f"{basis(result)} · {vintage(result)}", sections(result), chart_files)


def page(title: str, sub: str, secs: Sequence[Section], chart_files: Mapping[str, str]) -> str:
    """Numbered sections as one Markdown page, charts referenced by relative file name."""
    lines = [f"# {_m(title)}", "", _m(sub), ""]
    for sec in secs:
        lines += [f"## {_m(sec.heading)}", ""]
        for b in sec.blocks:
            text = _md_block(b, chart_files)
            if text:
                lines += [text, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _md_block(block: Block, files: Mapping[str, str]) -> str:
    if isinstance(block, Para):
        return f"**{_m(block.text)}**" if block.kind == "lead" else (
            f"*{_m(block.text)}*" if block.kind == "note" else _m(block.text))
    if isinstance(block, Items):
        return "\n".join(f"- {_m(x)}" for x in block.items)
    if isinstance(block, Code):
        return f"```\n{block.text}\n```"
    if isinstance(block, Chart):
        f = files.get(block.key)
        return f"![{_m(block.alt)}]({f})" if f else ""
    numeric = block.numeric or (False,) * len(block.header)
    header = [(_m(h) if h else " ") for h in block.header]
    out = [f"*{_m(block.caption)}*", ""] if block.caption else []
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "|".join(" ---: " if n else " --- " for n in numeric) + "|")
    out += ["| " + " | ".join(_m(c) for c in row) + " |" for row in block.rows]
    return "\n".join(out)
