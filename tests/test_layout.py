"""The package's layout tells the data flow: stage packages in order, no import from a later
stage into an earlier one, and no module or function too long to read."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

#: The stages, in the order data flows through them (forecast/<stage>/ or a top-level module).
STAGES = ["errors", "limits", "data", "scenario", "models", "engine", "analysis", "present", "api",
          "cli", "__main__"]
#: The top-level modules' stage: shared leaves first, the API between presentation and the CLI.
LEAVES = {"errors": 0, "limits": 0}

PACKAGE = ROOT / "forecast"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def _stage(module: str) -> int | None:
    """Stage of a dotted module inside forecast (None for forecast itself)."""
    parts = module.split(".")
    if parts[0] != "forecast" or len(parts) == 1:
        return None
    head = parts[1]
    if head in LEAVES:
        return LEAVES[head]
    return STAGES.index(head) if head in STAGES else None


def _modules() -> list[tuple[str, Path]]:
    out = []
    for p in sorted(PACKAGE.rglob("*.py")):
        rel = p.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append((".".join(parts), p))
    return out


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "forecast":
                out += [(node.lineno, f"forecast.{a.name}") for a in node.names]
            else:
                out.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
    return out


def test_every_module_belongs_to_a_stage() -> None:
    strays = [m for m, _ in _modules() if m != "forecast" and _stage(m) is None]
    assert not strays, f"modules outside the stages {STAGES}: {strays}"


def test_no_import_points_back_up() -> None:
    back = []
    for module, path in _modules():
        here = _stage(module)
        if here is None:  # forecast/__init__.py: the API's lazy door
            continue
        for line, target in _imports(path):
            there = _stage(target)
            if there is not None and there > here:
                back.append(f"{path.relative_to(ROOT)}:{line} ({STAGES[here] if here else 'leaf'}) "
                            f"imports {target}")
    assert not back, "imports from a later stage:\n" + "\n".join(back)


def test_modules_and_functions_stay_short() -> None:
    long_modules, long_functions = [], []
    for _, path in _modules():
        text = path.read_text(encoding="utf-8")
        n = text.count("\n")
        if n > MAX_MODULE_LINES:
            long_modules.append(f"{path.relative_to(ROOT)}: {n} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: "
                                          f"{length} lines")
    assert not long_modules and not long_functions, "\n".join(long_modules + long_functions)


def test_the_engine_reads_no_schema_and_does_no_io() -> None:
    """The engine works on arrays and plain attributes: no pydantic, no scenario schema, no
    user files (its only data is the shipped year-to-date prior, read as package data)."""
    banned = ("pydantic", "forecast.scenario", "forecast.data.files", "yaml", "csv", "pathlib")
    for module, path in _modules():
        if not module.startswith("forecast.engine"):
            continue
        bad = [t for _, t in _imports(path) if t.startswith(banned)]
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
