"""Announced-style targets: answer each one, and score the answers against what happened.

A registry row is a target as announced: the figures known when it was set (``history``,
gaps allowed), a value, a year and a kind (``level``: in that year; ``by``: in any year
after the last figure up to it), and, where known, whether it was ``met``. Scoring asks
what users act on: the Brier and log scores of P(target) against the base rate and the
plain random walk, a reliability table, and the reliability slope (a logistic regression
of ``met`` on logit P: 1 is calibrated, below 1 overconfident).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from forecast.analysis import metrics
from forecast.data import files
from forecast.errors import DataError, ForecastError
from forecast.limits import MAX_HORIZON
from forecast.models.prior import Prior

#: Paths per `by` target (a level target with a closed form needs none).
PATHS = 20_000
#: Probabilities are clipped to this range for the log score.
CLIP = (0.01, 0.99)
#: Edges of the reliability table's bins of P.
BINS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0)


@dataclass(frozen=True, eq=False)
class RegistryTarget:
    """One row of a registry of targets."""

    id: str
    years: np.ndarray
    values: np.ndarray
    value: float
    year: int
    kind: str
    met: int | None
    row: int

    @property
    def last_year(self) -> int:
        return int(self.years[-1])


@dataclass(frozen=True)
class Answer:
    """P(target) for one registry row, or why there is none."""

    id: str
    probability: float | None
    met: int | None
    kind: str
    horizon: int
    last_year: int
    method: str = ""
    error: str = ""


def answer(t: RegistryTarget, model: str = "auto", *, prior: Prior | None = None, paths: int = PATHS,
           seed: int = 0, calibrate: bool = True) -> Answer:
    """P(t is reached) under ``model``: in closed form for a level target where the model has
    one, else from ``paths`` simulated paths on the target's own stream (seed, id)."""
    from forecast.models import offers
    from forecast.models.combination import build

    h = t.year - t.last_year
    base = dict(id=t.id, met=t.met, kind=t.kind, horizon=h, last_year=t.last_year)
    if h < 1 or h > MAX_HORIZON:
        why = "is not after" if h < 1 else f"is more than {MAX_HORIZON} years after"
        return Answer(probability=None, error=f"target year {t.year} {why} the last figure "
                      f"({t.last_year})", **base)  # type: ignore[arg-type]
    try:
        m = build(model, t.years, np.log(t.values), calibrate=calibrate, prior=prior).model
        r = math.log(t.value) - m.last_log
        if t.kind == "level" and offers(m, "prob_at_least"):
            return Answer(probability=float(m.prob_at_least(r, h)), method="closed-form",  # type: ignore[attr-defined]
                          **base)  # type: ignore[arg-type]
        rng = np.random.default_rng([seed, zlib.crc32(t.id.encode("utf-8"))])
        x = m.simulate(h, paths, rng) - m.last_log
        hit = (x.max(axis=1) if t.kind == "by" else x[:, -1]) >= r
        return Answer(probability=float(np.mean(hit)), method=f"{paths} paths", **base)  # type: ignore[arg-type]
    except ForecastError as e:
        return Answer(probability=None, error=e.problems[0].message, **base)  # type: ignore[arg-type]


def answer_all(targets: Sequence[RegistryTarget], model: str = "auto", *, prior: Prior | None = None,
               paths: int = PATHS, seed: int = 0, calibrate: bool = True,
               progress: Callable[[int], None] | None = None) -> list[Answer]:
    """:func:`answer` for every target, in order (``progress`` is told after each)."""
    import warnings

    from forecast.models.combination import one_blas_thread

    out = []
    with warnings.catch_warnings(), one_blas_thread():
        warnings.simplefilter("ignore")
        for i, t in enumerate(targets):
            out.append(answer(t, model, prior=prior, paths=paths, seed=seed, calibrate=calibrate))
            if progress is not None:
                progress(i + 1)
    return out


def log_score(p: np.ndarray, y: np.ndarray) -> float:
    """Mean negative log likelihood, P clipped to :data:`CLIP` (lower is better)."""
    q = np.clip(p, *CLIP)
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))


def reliability_fit(p: np.ndarray, y: np.ndarray) -> tuple[float | None, float | None]:
    """(slope, intercept) of the logistic regression of ``y`` on logit P (clipped to
    :data:`CLIP`); a calibrated forecast has slope 1 and intercept 0. None where it cannot
    be estimated (fewer than 10 targets, one outcome only, or perfect separation).

    References
    ----------
    Cox, D. R. (1958). Two further applications of a model for binary regression.
    *Biometrika* 45(3/4), 562-565.
    """
    import warnings

    import statsmodels.api as sm

    if len(y) < 10 or len(set(y.tolist())) < 2:
        return None, None
    q = np.clip(p, *CLIP)
    x = sm.add_constant(np.log(q / (1 - q)), has_constant="add")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            a, b = sm.GLM(y, x, family=sm.families.Binomial()).fit().params
        except Exception:  # noqa: BLE001 - separation or no convergence: not estimable
            return None, None
    return (float(b), float(a)) if np.isfinite(a) and np.isfinite(b) else (None, None)


def clustered_gap(p: np.ndarray, y: np.ndarray, cluster: np.ndarray) -> tuple[float, float | None]:
    """Mean P minus the share met, and its standard error clustered by ``cluster`` (targets
    set in one year share that decade's shocks, so they are not independent)."""
    d = p - y
    groups = np.unique(cluster)
    if len(groups) < 2:
        return float(d.mean()), None
    sums = np.array([d[cluster == g].sum() - d.mean() * np.sum(cluster == g) for g in groups])
    se = math.sqrt(len(groups) / (len(groups) - 1) * float(np.sum(sums ** 2))) / len(d)
    return float(d.mean()), se


def scores(answers: Sequence[Answer]) -> dict[str, Any]:
    """The scores of answers whose outcome is known (see the module notes)."""
    ok = [a for a in answers if a.probability is not None and a.met is not None]
    if not ok:
        return {"n": 0}
    p = np.array([a.probability for a in ok], dtype=float)
    y = np.array([a.met for a in ok], dtype=float)
    base = float(y.mean())
    slope, intercept = reliability_fit(p, y)
    gap, gap_se = clustered_gap(p, y, np.array([a.last_year for a in ok]))
    return {"n": len(ok), "brier": metrics.brier(p, y), "log_score": log_score(p, y), "base_rate": base,
            "base_rate_brier": metrics.brier(np.full_like(y, base), y),
            "base_rate_log_score": log_score(np.full_like(y, base), y),
            "mean_probability": float(p.mean()), "mean_minus_met": gap,
            "mean_minus_met_se_clustered": gap_se,
            "reliability_slope": slope, "reliability_intercept": intercept,
            "reliability": metrics.reliability(p, y, BINS)}


def report(answers: Sequence[Answer], baseline: Sequence[Answer] | None = None) -> dict[str, Any]:
    """The ``backtest --targets`` result: overall scores, by kind, the plain random walk's
    scores on the same targets, every answer, and the targets that failed."""
    out = scores(answers)
    out["by_kind"] = {k: scores([a for a in answers if a.kind == k])
                      for k in sorted({a.kind for a in answers})}
    if baseline is not None:
        both = {a.id for a in answers if a.probability is not None} & \
            {b.id for b in baseline if b.probability is not None}
        s = scores([b for b in baseline if b.id in both])
        mine = scores([a for a in answers if a.id in both])
        out["rw_drift"] = {"n": s.get("n", 0), "brier": s.get("brier"), "log_score": s.get("log_score"),
                           "same_targets": {"brier": mine.get("brier"), "log_score": mine.get("log_score")}}
    out["targets"] = [{"id": a.id, "probability": a.probability, "met": a.met} for a in answers
                      if a.probability is not None]
    out["failed"] = [{"id": a.id, "reason": a.error} for a in answers if a.probability is None]
    return out


REGISTRY_COLUMNS = ("id", "history", "target_value", "target_year", "kind")


def read_registry(path: Path, *, need_met: bool = False) -> list[Any]:
    """Read a registry of targets: columns ``id``, ``history`` (``YYYY=value;...``, US$),
    ``target_value``, ``target_year``, ``kind`` (``level`` or ``by``) and, optionally,
    ``met`` (0 or 1; required with ``need_met``); other columns are ignored.

    Returns :class:`~forecast.targets.RegistryTarget` rows in file order; a malformed cell
    is a :class:`DataError` naming the row and column.
    """
    where = files.display_path(path)
    out, seen = [], set()
    def columns(header: list[str]) -> tuple[str, ...]:
        return REGISTRY_COLUMNS + (("met",) if need_met or "met" in header else ())

    expected = ", ".join(REGISTRY_COLUMNS + (("met",) if need_met else ()))
    for i, cell in files.table(path, where, columns, expected):
        tid = cell["id"]
        if not tid or tid in seen:
            raise DataError(where, f"row {i}, id", "expected a unique, non-empty id "
                            f"(got {tid!r}{' again' if tid else ''})")
        seen.add(tid)
        figures: dict[int, float] = {}
        for part in cell["history"].split(";"):
            y_text, _, v_text = part.partition("=")
            try:
                y, v = int(y_text), float(v_text)
            except ValueError:
                raise DataError(where, f"row {i}, history", f"expected YYYY=value;... (got "
                                f"{part[:40]!r})") from None
            if not (1900 <= y <= 2200 and math.isfinite(v) and v > 0) or y in figures:
                raise DataError(where, f"row {i}, history", f"expected distinct years 1900-2200 with "
                                f"values > 0 (got {part[:40]!r})")
            figures[y] = v
        try:
            value = float(cell["target_value"])
            year = int(cell["target_year"])
        except ValueError:
            raise DataError(where, f"row {i}, target_value/target_year", "expected a number and a year "
                            f"(got {cell['target_value'][:30]!r}, {cell['target_year'][:30]!r})") from None
        if not (math.isfinite(value) and value > 0):
            raise DataError(where, f"row {i}, target_value", f"expected a number > 0 (got {value!r})")
        if not 1900 <= year <= 2200:
            raise DataError(where, f"row {i}, target_year", f"expected a year 1900-2200 (got {year})")
        if cell["kind"] not in ("level", "by"):
            raise DataError(where, f"row {i}, kind", f"expected level or by (got {cell['kind'][:30]!r})")
        met_text = cell.get("met", "")
        if met_text not in ("", "0", "1") or (need_met and met_text == ""):
            raise DataError(where, f"row {i}, met", f"expected 0 or 1 (got {met_text[:30]!r})")
        ys = sorted(figures)
        out.append(RegistryTarget(id=tid, years=np.array(ys, dtype=np.int64),
                                  values=np.array([figures[y] for y in ys]), value=value, year=year,
                                  kind=cell["kind"], met=int(met_text) if met_text else None, row=i))
    if not out:
        raise DataError(where, "", "no targets in the file")
    return out
