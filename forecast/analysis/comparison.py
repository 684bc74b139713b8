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

from forecast.analysis.results import RunResult
from forecast.engine.estimates import paired_se
from forecast.scenario.keypaths import FIXED
from forecast.scenario.schema import Scenario

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
    :math:`\\sqrt{\\widehat{\\mathrm{Var}}(B_i - A_i) / n}`; with importance weights
    (year-to-date runs) each indicator is replaced by its influence
    :math:`n w_i (h_i - \\hat p)` (the delta method). The unpaired one,
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
    n = a.simulation.paths
    pa, pb = a.feasibility.probability, b.feasibility.probability
    x = a.simulation.hits(a.scenario.target.kind) - pa
    y = b.simulation.hits(b.scenario.target.kind) - pb
    wa, wb = a.simulation.weights, b.simulation.weights
    # each estimate's influence per path: n w_i (h_i - p), n w_i = 1 without weights
    d = (y if wb is None else n * wb * y) - (x if wa is None else n * wa * x)
    diff = pb - pa
    pairs = a.simulation if a.simulation.antithetic else b.simulation
    se = paired_se(d, pairs.pair_means(d) if pairs.antithetic else None)
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
        if not tree or not any(isinstance(v, (Mapping, list)) for v in tree):
            return {prefix: list(tree)}  # a list of plain values is one value
        out = {}
        for i, v in enumerate(tree):
            out.update(flatten(v, f"{prefix}[{i}]"))
        return out
    return {prefix: tree}


def _item(key: str) -> str | None:
    """``growth[0]`` for ``growth[0].mean``: the list item a key belongs to, if any."""
    m = re.match(r"^(.*?\[\d+\])", key)
    return m.group(1) if m else None


def _text(v: Any) -> str:
    """A value in a difference line: amounts in US$ bn, other numbers short, text as is."""
    if isinstance(v, bool) or v is None:
        return str(v).lower() if isinstance(v, bool) else "none"
    if isinstance(v, (int, float)):
        return f"US${v / 1e9:.4g}bn" if abs(v) >= 1e6 else f"{v:g}"
    if isinstance(v, (list, tuple)):
        if len(v) == 2 and all(isinstance(x, int) and 1900 <= x <= 2200 for x in v):
            return f"{v[0]}..{v[1]}" if v[0] != v[1] else str(v[0])  # a year range
        return "[" + ", ".join(_text(x) for x in v) + "]"
    return str(v)


def effective(sc: Scenario) -> dict[str, Any]:
    """A scenario's values with every default filled in, for comparing what two assume."""
    return sc.model_dump(mode="json", exclude=set(LABELS))


def differences(base: Mapping[str, Any], other: Mapping[str, Any]) -> tuple[str, ...]:
    """What ``other`` assumes differently from ``base``, in words: one line per changed key
    path, per list item (a growth entry, a shock) only one of them has, and one line for
    the data (history or data file) when those differ as a whole.

    ``base`` and ``other`` are :func:`effective` dumps (defaults filled in), so a default
    written out and one left implicit do not differ.
    """
    a = {k: v for k, v in flatten(base).items() if k.split(".")[0].split("[")[0] not in LABELS}
    b = {k: v for k, v in flatten(other).items() if k.split(".")[0].split("[")[0] not in LABELS}
    out: list[str] = []
    if (base.get("history") is None) != (other.get("history") is None):
        which = "an inline history" if other.get("history") is not None else "a data file"
        out.append(f"data: uses {which} instead of "
                   + ("a data file" if which == "an inline history" else "an inline history"))
        a = {k: v for k, v in a.items() if not k.startswith(("history", "data"))}
        b = {k: v for k, v in b.items() if not k.startswith(("history", "data"))}
    elif base.get("history") != other.get("history"):
        ya, yb = (sorted(h or {}) for h in (base.get("history"), other.get("history")))
        out.append(f"history: {len(yb)} figures ({yb[0]}..{yb[-1]}) instead of {len(ya)} "
                   f"({ya[0]}..{ya[-1]})" if ya and yb else "history: different figures")
        a = {k: v for k, v in a.items() if not k.startswith("history")}
        b = {k: v for k, v in b.items() if not k.startswith("history")}
    for x, y in ((a, b), (b, a)):  # an empty list against entries: the entries say it
        for k in [k for k, v in x.items() if v == [] and any(j.startswith(f"{k}[") for j in y)]:
            del x[k]
    items_a = {_item(k) for k in a} - {None}
    items_b = {_item(k) for k in b} - {None}
    done = set()
    for key in sorted(set(a) | set(b)):
        item = _item(key)
        if item is not None and (item in items_a) != (item in items_b):
            if item not in done:
                done.add(item)
                side = b if item in items_b else a
                fields = ", ".join(f"{k[len(item) + 1:]} {_text(v)}" for k, v in side.items()
                                   if _item(k) == item and v is not None)
                out.append(f"{item}: {'added' if side is b else 'removed'} ({fields})")
        elif key not in b:
            out.append(f"{key}: {_text(a[key])} not set")
        elif key not in a:
            out.append(f"{key}: set to {_text(b[key])}")
        elif a[key] != b[key]:
            out.append(f"{key}: {_text(a[key])} -> {_text(b[key])}")
    return tuple(out)


def compare(runs: Sequence[RunResult]) -> list[Difference]:
    """Each run after the first against the first (same seed and paths)."""
    first = runs[0]
    base = effective(first.scenario)
    out = []
    for run in runs[1:]:
        d, se, unpaired = paired(first, run)
        out.append(Difference(run.scenario.name, first.scenario.name, d, se, unpaired,
                              differences(base, effective(run.scenario))))
    return out


def caveats(runs: Sequence[RunResult]) -> list[str]:
    """Plain warnings when scenarios do not answer the same question."""
    first = runs[0]
    out = []
    for r in runs[1:]:
        a, b = first.series, r.series
        if not a.reporter or not b.reporter:
            if (a.reporter, a.file) != (b.reporter, b.file):
                out.append(f"{r.scenario.name} and {first.scenario.name} forecast different series "
                           "(an inline history and a data file, or two inline histories)")
        elif (a.reporter, a.measure) != (b.reporter, b.measure):
            out.append(f"{r.scenario.name} uses {b.reporter or 'inline'} {b.measure} figures, "
                       f"{first.scenario.name} {a.reporter or 'inline'} {a.measure}: the difference "
                       "includes the gap between the two countries' statistics")
        ta, tb = first.scenario.target, r.scenario.target
        if (ta.value, ta.year, ta.kind) != (tb.value, tb.year, tb.kind):
            out.append(f"{r.scenario.name} asks about a different target ({_target_words(tb)}) "
                       f"than {first.scenario.name} ({_target_words(ta)})")
    for r in runs:
        if r.scenario.sweep:
            out.append(f"{r.scenario.name} has a sweep: block; compare runs it as written "
                       f"(tradecast run runs the sweep)")
    return out


def _target_words(t: Any) -> str:
    """``US$2bn in 2024`` / ``US$3bn by 2030``."""
    return f"US${t.value / 1e9:.4g}bn {'in' if t.kind == 'level' else 'by'} {t.year}"
