"""What the command says on stderr besides errors: progress lines for work over a second (only
on a terminal, redrawn in place, never on stdout where --json goes), the files written, and
with ``--verbose`` what each stage did (the package's ``forecast`` logger). ``--quiet`` keeps
only errors. No colour is ever used, so ``NO_COLOR`` holds as it is."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

#: 0 quiet (errors only), 1 normal (progress on a terminal, files written), 2 verbose.
_LEVEL = [1]


def set_level(quiet: bool, verbose: bool) -> None:
    """Set the verbosity from --quiet / --verbose and route the package's log to stderr."""
    _LEVEL[0] = 0 if quiet else 2 if verbose else 1
    logger = logging.getLogger("forecast")
    logger.handlers[:] = []
    if _LEVEL[0] == 2:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("tradecast: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def level() -> int:
    """0 quiet, 1 normal, 2 verbose."""
    return _LEVEL[0]


def wrote(paths: Sequence[Path]) -> None:
    """The files written, on stderr (not with --quiet)."""
    if paths and _LEVEL[0] > 0:
        from forecast.data.files import display_path

        sys.stderr.write("wrote " + ", ".join(display_path(p) for p in paths) + "\n")


class Ticker:
    """A progress callback (told how much is done) that redraws one line on stderr once the
    work has taken a second, at most twice a second; :meth:`finish` ends the line."""

    def __init__(self, label: str, total: int | None = None, unit: str = "") -> None:
        self.label, self.total, self.unit = label, total, unit
        self.start = time.perf_counter()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int) -> None:
        now = time.perf_counter() - self.start
        finished = self.total is not None and done >= self.total
        if now < 1.0 or (now - self.last < 0.5 and not finished):
            return
        of = f"/{self.total:,}" if self.total is not None else ""
        sys.stderr.write(f"\r{self.label}: {done:,}{of}{self.unit} ({now:.0f} s)")
        sys.stderr.flush()
        self.last, self.shown = now, True

    def finish(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self.shown = False


def ticker(label: str, total: int | None = None, unit: str = "") -> Ticker | None:
    """A :class:`Ticker` on a terminal (None off a terminal or with --quiet)."""
    if _LEVEL[0] == 0 or not sys.stderr.isatty():
        return None
    return Ticker(label, total, unit)
