"""Scenario files: strict YAML (:func:`forecast.data.files.parse_yaml`), ``extends``
chains merged key by key, and the file in the chain that sets each key (for messages)."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forecast.data.files import display_path, parse_yaml, read_text
from forecast.errors import ScenarioError


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Deep merge: mappings merge key by key, everything else (lists too) is replaced."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


Layers = tuple[tuple[str, Path, dict[str, Any]], ...]


def _load_tree(path: Path, where: str, chain: tuple[Path, ...]) -> tuple[dict[str, Any], Layers]:
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(display_path(p) for p in (*chain, resolved))
        raise ScenarioError(where, "extends", f"cycle: {cycle}")
    raw = parse_yaml(read_text(path, where), where)
    if raw is None:
        raise ScenarioError(where, "", "file is empty (no keys)")
    if not isinstance(raw, dict):
        kind = "a list" if isinstance(raw, list) else f"a {type(raw).__name__}"
        raise ScenarioError(where, "", f"expected a mapping of keys (name, target, ...) at the "
                            f"top level (got {kind})")
    data = raw.get("data")
    if isinstance(data, dict) and isinstance(data.get("file"), str):
        beside = path.parent / data["file"]
        if not Path(data["file"]).is_absolute() and beside.exists():
            raw = {**raw, "data": {**data, "file": str(beside.resolve())}}
    parent = raw.get("extends")
    if parent is None:
        return raw, ((where, path, raw),)
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioError(where, "extends", f"expected a file name (got {parent!r})")
    parent_path = path.parent / parent
    if not parent_path.exists():
        raise ScenarioError(where, "extends", f"file not found: {parent!r} (looked in "
                            f"{display_path(path.parent) or '.'})")
    base, layers = _load_tree(parent_path, display_path(parent_path), (*chain, resolved))
    merged = _merge(base, {k: v for k, v in raw.items() if k != "extends"})
    merged.pop("extends", None)
    return merged, (*layers, (where, path, raw))


@dataclass(frozen=True)
class ScenarioFile:
    """A scenario file read from disk, ``extends`` resolved.

    ``layers`` holds each file's own mapping, from the furthest base to this file.
    """

    where: str
    tree: dict[str, Any]
    layers: Layers
    sha256: str

    def origin(self, key: str) -> str:
        """The file that sets ``key`` (a key path such as ``growth[0].sd``): the nearest
        file in the ``extends`` chain that has it, else this file."""
        tokens = [t for t in re.split(r"[.\[\]]", key.split(" ")[0]) if t]
        for where, _, raw in reversed(self.layers):
            node: Any = raw
            for t in tokens:
                if isinstance(node, dict):
                    match = [k for k in node if str(k) == t]
                    if not match:
                        node = None
                        break
                    node = node[match[0]]
                else:
                    break  # lists and values are replaced whole by the layer that sets them
            if node is not None and tokens:
                return where
        return self.where


def load_scenario_tree(path: str | Path) -> ScenarioFile:
    """Read a scenario file and everything it extends into one mapping."""
    p = Path(path)
    where = str(path)
    tree, layers = _load_tree(p, where, ())
    digest = hashlib.sha256()
    for _, file, _ in layers:
        digest.update(file.read_bytes())
    return ScenarioFile(where, tree, layers, digest.hexdigest())


def resolve_data_file(name: str, where: str) -> Path:
    """A data file named in a scenario: absolute, beside the scenario (done while
    loading), or relative to the working directory."""
    p = Path(name)
    if p.exists():
        return p
    raise ScenarioError(where, "data.file", f"data file not found: {name!r} (looked beside the "
                        f"scenario and in {os.getcwd()})")
