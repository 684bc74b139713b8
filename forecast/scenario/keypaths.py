"""Key paths into a scenario tree (``growth[0].mean``), and the values a sweep gives them.

A *key path* names one value of a scenario file after ``extends`` is resolved, in
the notation the error messages use: mapping keys joined by dots, list items by
``[i]``. :func:`with_value` returns a copy of a tree with one value replaced;
the scenario schema then validates the result, so a sweep or sensitivity value
is checked exactly as if it had been written in the file.

Values on the command line (``--set KEY=V1,V2,...``) are read by
:func:`parse_values`: numbers (``0.05``, ``2e9``, ``-1``), ``true``/``false``, or
text (``KAZ``, ``2025..2030``); ``FROM..TO/N`` is N evenly spaced numbers from FROM
to TO inclusive.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

#: Top-level keys a sweep or sensitivity cannot vary: labels, inheritance, the
#: simulation settings common random numbers need, and the variation blocks themselves.
FIXED = frozenset({"name", "title", "description", "extends", "simulation", "sweep", "sensitivity"})

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\[\d+\])*(\.[A-Za-z_][A-Za-z0-9_]*(\[\d+\])*)*")
_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def parts(key: str) -> tuple[str | int, ...]:
    """``growth[0].mean`` as ``('growth', 0, 'mean')``.

    Raises
    ------
    ValueError
        If ``key`` is not a key path, or names a key that cannot be varied (:data:`FIXED`).
    """
    if not _KEY.fullmatch(key):
        raise ValueError(f"expected a key path like growth[0].mean or target.value (got {key!r})")
    out: tuple[str | int, ...] = tuple(m.group(1) if m.group(1) else int(m.group(2))
                                       for m in _PART.finditer(key))
    if out[0] in FIXED:
        raise ValueError(f"{out[0]!r} cannot be varied (keys that can: data, target, model, "
                         f"growth, shocks)")
    return out


def get(tree: Mapping[str, Any], key: str) -> Any:
    """The value at ``key``; :class:`KeyError` (with a message) if the tree has none."""
    node: Any = tree
    for p in parts(key):
        if isinstance(p, int):
            if not isinstance(node, list) or p >= len(node):
                raise KeyError(f"{key}: the scenario has no such item")
        elif not isinstance(node, Mapping) or p not in node:
            if p == "name" and isinstance(node, str):  # model: auto is model.name
                return node
            raise KeyError(f"{key}: the scenario does not set it")
        node = node[p]
    return node


def with_value(tree: Mapping[str, Any], key: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``tree`` with ``value`` at ``key``.

    Missing mapping keys are created (the schema then rejects unknown ones); list
    items must exist. ``model: auto`` (a bare name) becomes ``model: {name: auto}``
    when a model option is set.

    Raises
    ------
    ValueError
        If the path runs through a list item that does not exist or through a value
        that is not a mapping.
    """
    keys = parts(key)
    out = copy.deepcopy(dict(tree))
    node: Any = out
    for i, p in enumerate(keys):
        above = key_text(keys[:i])
        if isinstance(p, int):
            if not isinstance(node, list):
                raise ValueError(f"{above} is not a list")
            if p >= len(node):
                raise ValueError(f"the scenario has no {key_text(keys[:i + 1])} ({above} has "
                                 f"{len(node)} entr{'y' if len(node) == 1 else 'ies'}); write the "
                                 "entry in the file first")
        elif not isinstance(node, dict):
            raise ValueError(f"{above} is not a mapping")
        if i == len(keys) - 1:
            node[p] = value
            break
        child = node[p] if isinstance(p, int) or p in node else None
        if child is None:
            child = node[p] = [] if isinstance(keys[i + 1], int) else {}
        elif isinstance(child, str) and keys[:i + 1] == ("model",):
            child = node[p] = {"name": child}
        elif not isinstance(child, (dict, list)):
            raise ValueError(f"{key_text(keys[:i + 1])} is a value ({child!r}), not a mapping "
                             "or list")
        node = child
    return out


def key_text(keys: Sequence[str | int]) -> str:
    """``('growth', 0, 'mean')`` as ``growth[0].mean``."""
    out = ""
    for p in keys:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


def scalar(text: str) -> Any:
    """A command-line value: int, float, boolean, or the text itself."""
    t = text.strip()
    if re.fullmatch(r"[+-]?\d+", t):
        return int(t)
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", t):
        v = float(t)
        return int(v) if "e" in t.lower() and v.is_integer() and abs(v) < 2**63 else v
    if t.lower() in ("true", "false"):
        return t.lower() == "true"
    return t


def tidy(v: float) -> float:
    """``v`` rounded to 12 significant digits, so ``0.08 - 0.05`` prints as ``0.03``."""
    return float(f"{v:.12g}")


def spaced(first: float, last: float, n: int) -> list[float]:
    """``n`` evenly spaced numbers from ``first`` to ``last`` inclusive, rounded to 12
    significant digits so ``0.1`` prints as ``0.1``."""
    return [tidy(v) for v in np.linspace(first, last, n)]


def parse_values(text: str) -> list[Any]:
    """``V1,V2,...`` or ``FROM..TO/N`` as a list of values.

    ``2025..2030`` alone (two years) stays text, a year range; two other numbers joined
    by ``..`` need ``/N``.

    Raises
    ------
    ValueError
        For an empty list or a malformed range.
    """
    if ".." in text and "," not in text:
        head, slash, n_text = text.partition("/")
        a_text, _, b_text = head.partition("..")
        a, b = scalar(a_text), scalar(b_text)
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b))
        years = re.fullmatch(r"\s*\d{4}\s*\.\.\s*\d{4}\s*", head) is not None
        if not slash:
            if numbers and not years:
                raise ValueError(f"FROM..TO needs /N, the number of values (e.g. {a_text}..{b_text}/5; "
                                 f"got {text!r})")
            return [text.strip()]
        if not numbers:
            raise ValueError(f"FROM..TO/N needs numbers FROM and TO (got {text!r})")
        n = scalar(n_text)
        if not isinstance(n, int) or isinstance(n, bool) or n < 2:
            raise ValueError(f"FROM..TO/N needs a whole number N >= 2 (got {text!r})")
        if a == b:
            raise ValueError(f"FROM..TO/N needs FROM and TO to differ (got {text!r})")
        return spaced(float(a), float(b), n)
    items = [t for t in text.split(",")]
    if not text.strip() or any(not t.strip() for t in items):
        raise ValueError(f"expected V1,V2,... or FROM..TO/N (got {text!r})")
    return [scalar(t) for t in items]


def parse_set(option: str) -> tuple[str, list[Any]]:
    """``KEY=V1,V2,...`` (a ``--set`` option) as (key path, values)."""
    key, eq, values = option.partition("=")
    if not eq:
        raise ValueError(f"expected KEY=V1,V2,... (got {option!r})")
    key = key.strip()
    parts(key)
    return key, parse_values(values)
