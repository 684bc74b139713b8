"""Shared fixtures: scenario texts, a file writer, and a command-line runner."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from forecast.cli.main import app

# Tests never read or write the user's fit cache; tests/test_fitcache.py points it at a
# temporary folder where it tests the cache itself.
os.environ["TRADECAST_CACHE_DIR"] = "off"

ROOT = Path(__file__).resolve().parents[1]
DATA_FILE = ROOT / "data" / "kz_kg.csv"
#: The read-only shared folder beside the repository (benchmarks, source data); may be absent.
SHARED = ROOT.parent / "shared"


def shared(*parts: str) -> Path:
    """A path under ``../shared``; skips the calling test when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: this test needs the shared benchmark and source data")
    return path

#: The smallest valid scenario (DESIGN.md section 2): name, inline history, target.
MINIMAL = """\
name: minimal
history: {2019: 9.9e8, 2020: 8.1e8, 2021: 1.04e9, 2022: 1.18e9, 2023: 1.31e9}
target: {value: 2.0e9, year: 2026}
"""

#: A history whose last observed year is 2023, for scenarios built from parts.
HISTORY = "history: {2019: 9.9e8, 2020: 8.1e8, 2021: 1.04e9, 2022: 1.18e9, 2023: 1.31e9}\n"


def write(folder: Path, name: str, text: str | bytes) -> Path:
    """Write ``text`` (or raw bytes) to ``folder/name`` and return the path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def scenario(name: str = "s", *, history: str = HISTORY,
             target: str = "target: {value: 2.0e9, year: 2026}\n", extra: str = "") -> str:
    """A scenario text from parts; ``extra`` is appended as is."""
    return f"name: {name}\n{history}{target}{extra}"


def snapshot(folder: Path) -> dict[str, bytes] | None:
    """Every file (hidden ones too) in ``folder`` with its bytes; None if it does not exist."""
    if not folder.exists():
        return None
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


Invoke = Callable[..., Result]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Run ``tradecast ARGS...`` in-process, with ``tmp_path`` as the working directory."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: object) -> Result:
        return runner.invoke(app, [str(a) for a in args])

    return invoke


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An output folder that already holds a user's file."""
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "user-notes.txt").write_text("mine, do not touch\n")
    return folder
