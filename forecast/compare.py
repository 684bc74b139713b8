"""Comparing scenarios run with common random numbers: paired differences and what differs.

Every random stream is addressed by ``(seed, chunk, role, index)``
(:mod:`forecast.simulate`), so scenarios run with the same seed and number of
paths draw the same underlying numbers wherever they share structure (the
model's innovations; the i-th growth assumption; the i-th shock). A difference
of probabilities is then estimated path by path, and its standard error is the
paired one, much smaller than the unpaired one when the scenarios are alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from forecast.keypaths import FIXED
from forecast.pipeline import RunResult

#: Keys that name or describe a scenario rather than assume anything, the simulation
#: settings ``compare`` overrides with common ones, and the sweep and sensitivity blocks.
LABELS = FIXED


@dataclass(frozen=True)
class Difference:
    """One scenario against the first, estimated on common random numbers.

    Notes
    -----
    With per-path indicators :math:`A_i, B_i` of meeting the target,
    :math:`\\hat d = \\bar B - \\bar A` and the paired standard error is
    :math:`\\sqrt{\\widehat{\\mathrm{Var}}(B_i - A_i) / n}`; the unpaired one,
    :math:`\\sqrt{se_A^2 + se_B^2}`, is what independent runs would give
    (Glasserman 2004, *Monte Carlo Methods in Financial Engineering*, section 4.2).
    """

    scenario: str
    vs: str
    probability_diff: float
    probability_diff_se: float
    probability_diff_se_unpaired: float
    differs: tuple[str, ...]


def paired(a: RunResult, b: RunResult) -> tuple[float, float, float]:
    """(difference b - a, paired s.e., unpaired s.e.) of the probability of meeting the target."""
    if (a.simulation.paths, a.simulation.seed) != (b.simulation.paths, b.simulation.seed):
        raise ValueError("paired differences need the same paths and seed")
    x = a.simulation.hits(a.scenario.target.kind).astype(np.int8)
    y = b.simulation.hits(b.scenario.target.kind).astype(np.int8)
    d = (y - x).astype(float)
    n = len(d)
    diff = float(d.mean())
    se = float(np.sqrt(d.var(ddof=1) / n)) if n > 1 else float("nan")
    unpaired = float(np.hypot(a.feasibility.probability_se, b.feasibility.probability_se))
    return diff, se, unpaired


def flatten(tree: Any, prefix: str = "") -> dict[str, Any]:
    """Key paths (``growth[0].mean``) to leaf values of a scenario tree."""
    if isinstance(tree, Mapping):
        out: dict[str, Any] = {}
        for k, v in tree.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(tree, list):
        if not tree:
            return {prefix: []}
        out = {}
        for i, v in enumerate(tree):
            out.update(flatten(v, f"{prefix}[{i}]"))
        return out
    return {prefix: tree}


def _item(key: str) -> str | None:
    """``growth[0]`` for ``growth[0].mean``: the list item a key belongs to, if any."""
    m = re.match(r"^(.*?\[\d+\])", key)
    return m.group(1) if m else None


def differences(base: Mapping[str, Any], other: Mapping[str, Any]) -> tuple[str, ...]:
    """What ``other`` assumes differently from ``base``, in words: one line per changed key
    path, or per list item (a growth entry, a shock) only one of them has."""
    a = {k: v for k, v in flatten(base).items() if k.split(".")[0].split("[")[0] not in LABELS}
    b = {k: v for k, v in flatten(other).items() if k.split(".")[0].split("[")[0] not in LABELS}
    items_a = {_item(k) for k in a} - {None}
    items_b = {_item(k) for k in b} - {None}
    out, done = [], set()
    for key in sorted(set(a) | set(b)):
        item = _item(key)
        if item is not None and (item in items_a) != (item in items_b):
            if item not in done:
                done.add(item)
                side = b if item in items_b else a
                fields = ", ".join(f"{k[len(item) + 1:]} {v!r}" for k, v in side.items()
                                   if _item(k) == item)
                out.append(f"{item}: {'added' if side is b else 'removed'} ({fields})")
        elif key not in b:
            out.append(f"{key}: {a[key]!r} not set (default)")
        elif key not in a:
            out.append(f"{key}: set to {b[key]!r}")
        elif a[key] != b[key]:
            out.append(f"{key}: {a[key]!r} -> {b[key]!r}")
    return tuple(out)


def compare(runs: Sequence[RunResult], trees: Sequence[Mapping[str, Any]]) -> list[Difference]:
    """Each run after the first against the first (same seed and paths)."""
    first = runs[0]
    out = []
    for run, tree in zip(runs[1:], trees[1:]):
        d, se, unpaired = paired(first, run)
        out.append(Difference(run.scenario.name, first.scenario.name, d, se, unpaired,
                              differences(trees[0], tree)))
    return out


def caveats(runs: Sequence[RunResult]) -> list[str]:
    """Plain warnings when scenarios do not answer the same question."""
    first = runs[0]
    out = []
    for r in runs[1:]:
        a, b = first.series, r.series
        if (a.reporter, a.measure) != (b.reporter, b.measure):
            out.append(f"{r.scenario.name} uses {b.reporter or 'inline'} {b.measure} figures, "
                       f"{first.scenario.name} {a.reporter or 'inline'} {a.measure}: the difference "
                       "includes the gap between the two countries' statistics")
        ta, tb = first.scenario.target, r.scenario.target
        if (ta.value, ta.year, ta.kind) != (tb.value, tb.year, tb.kind):
            out.append(f"{r.scenario.name} asks about a different target ({_target_words(tb)}) "
                       f"than {first.scenario.name} ({_target_words(ta)})")
    return out


def _target_words(t: Any) -> str:
    """``US$2bn in 2024`` / ``US$3bn by 2030``."""
    return f"US${t.value / 1e9:.4g}bn {'in' if t.kind == 'level' else 'by'} {t.year}"
