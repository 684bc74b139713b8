"""Validation errors of the scenario format in users' words: key paths they can find in
their file (``growth[1].sd``), and messages that name what was expected and found."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import (
    ValidationError,
)

from forecast.errors import Problem
from forecast.scenario.assumptions import (
    GrowthAdjust,
    Normal,
    Shock,
    StudentT,
    TwoPieceNormal,
    Uniform,
)

_TAGS = {"normal", "student-t", "two-piece-normal", "historical", "adjust", "uniform", "number"}


def _all_fields() -> set[str]:
    """Every key of every kind of entry (for "did you mean" and "not a key of this entry")."""
    from forecast.scenario.schema import DataSpec, ModelSpec, Scenario, Simulation, Target

    names: set[str] = set()
    for cls in (Scenario, DataSpec, Target, ModelSpec, Simulation, Shock, Normal, StudentT,
                TwoPieceNormal, Uniform, GrowthAdjust):
        names.update(cls.model_fields)
    return names


def key_path(loc: tuple[Any, ...]) -> str:
    """``('growth', 1, 'sd')`` as ``growth[1].sd``."""
    out = ""
    for prev, part in zip((None, *loc), loc):
        if isinstance(part, int) and prev == "history":
            out += f".{part}"
        elif isinstance(part, int):
            out += f"[{part}]"
        elif part in _TAGS or str(part).startswith(("function-", "literal[", "union[")):
            continue
        elif part == "[key]":
            out += " (key)"
        else:
            out += f".{part}" if out else str(part)
    return out


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = err.get("input")
    if kind == "extra_forbidden":
        name = str(err["loc"][-1])
        if name in _all_fields():  # a real key, of another kind of entry
            return (f"'{name}' is not a key of this kind of entry ('tradecast schema' lists the "
                    "keys of each kind)")
        close = difflib.get_close_matches(name, sorted(_all_fields()), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown key{hint} ('tradecast schema' lists every key)"
    if kind == "missing":
        return "required key is missing"
    bounds = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<",
              "less_than_equal": "<="}
    if kind in bounds:
        limit = next(iter(ctx.values()))
        return f"must be {bounds[kind]} {limit} (got {got!r})"
    if kind in ("finite_number",):
        return f"must be a finite number (got {got!r})"
    if kind in ("growth_kind", "impact_kind") and isinstance(got, dict) and "dist" in got:
        return f"{err['msg']} (got dist {got['dist']!r})"
    msg = str(err["msg"]).removeprefix("Value error, ")
    if msg and not msg[:2].isupper():  # "Input should..." -> "input should...", not "FROM.." -> "fROM.."
        msg = msg[0].lower() + msg[1:]
    if "(got" not in msg and kind not in ("growth_kind", "impact_kind") and got is not None \
            and not isinstance(got, (dict, list)):
        msg += f" (got {got!r})"
    elif kind in ("model_type", "dict_type") and isinstance(got, list):
        msg += " (got a list)"
    return msg


def problems_from(exc: ValidationError, where: str) -> list[Problem]:
    """One :class:`Problem` per pydantic error, with key paths users can find in their file."""
    out: list[Problem] = []
    for err in exc.errors():
        out.append(Problem(where, key_path(tuple(err["loc"])), _message(dict(err))))
    return out
