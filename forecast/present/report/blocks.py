"""The report's building blocks: a section is a titled list of blocks, which the HTML and
Markdown writers format and nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

#: Chart keys, in the order they appear.
CHART_KEYS: tuple[str, ...] = ("fan", "distribution", "choices", "reach", "growth", "asymmetry")


@dataclass(frozen=True)
class Para:
    """A paragraph of plain text; ``kind`` ``"lead"`` for the answer, ``"note"`` for asides."""

    text: str
    kind: str = ""


@dataclass(frozen=True)
class Items:
    """A bulleted list of plain-text items."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table of plain-text cells; ``numeric`` marks right-aligned columns."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()
    caption: str = ""


@dataclass(frozen=True)
class Chart:
    """A chart by key (see :data:`CHART_KEYS`), with its alternative text."""

    key: str
    alt: str


@dataclass(frozen=True)
class Code:
    """Preformatted text (a command)."""

    text: str


Block = Union[Para, Items, Table, Chart, Code]


@dataclass(frozen=True)
class Section:
    """One numbered section of the report."""

    number: int
    title: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"
