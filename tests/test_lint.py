"""ruff and mypy pass: the whole package type-checks, and the numerical core (models, engine,
conditioning, assessment, the API) passes ``mypy --strict``. They run as tests so the README's
one test command (and CI) checks them."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

#: Modules held to ``mypy --strict``.
STRICT = ["forecast/models", "forecast/engine", "forecast/api",
          "forecast/analysis/feasibility.py", "forecast/analysis/pipeline.py",
          "forecast/analysis/metrics.py", "forecast/data/series.py"]


def _tool(name: str) -> None:
    if shutil.which(name, path=str(ROOT / ".venv" / "bin")) is None and \
            subprocess.run([sys.executable, "-m", name, "--version"], capture_output=True).returncode:
        pytest.skip(f"{name} is not installed (pip install '.[test]')")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_passes() -> None:
    _tool("ruff")
    r = _run("ruff", "check", ".")
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_passes_and_the_core_is_strict() -> None:
    _tool("mypy")
    r = _run("mypy")
    assert r.returncode == 0, r.stdout + r.stderr
    r = _run("mypy", "--strict", "--follow-imports=silent", *STRICT)
    assert r.returncode == 0, r.stdout + r.stderr
