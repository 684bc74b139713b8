"""The pooled priors on disk: the shipped table, a user's own (``--priors FILE``), and
writing what ``tradecast learn`` learned.

A priors file is JSON: ``format``, ``about``, ``panel`` (where it was learned), ``prior``
(the hyperparameters of :class:`~forecast.models.pooled.Prior`), ``index`` (all pairs'
mean log growth by year) and ``evidence`` (what :func:`forecast.learn.learn` measured).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from forecast.errors import DataError
from forecast.models.prior import Prior

FORMAT = "tradecast-priors/1"
SHIPPED = "priors.json"
#: Keys of ``prior`` in the file, in the order of :class:`Prior`'s fields (less the index).
KEYS = ("noise", "drift_strength", "persistence", "vol_strength", "vol_intercept", "vol_slope",
        "size_range", "centre_error_year", "centre_error_trend", "centre_years", "lower", "upper")


def document(prior: Prior, *, about: str, panel: dict[str, Any], evidence: dict[str, Any],
             counts: dict[int, int] | None = None) -> dict[str, Any]:
    """The JSON document of a learned prior."""
    counts = counts or {}
    return {"format": FORMAT, "about": about, "panel": panel,
            "prior": {k: _plain(getattr(prior, k)) for k in KEYS},
            "index": [{"year": y, "mean_log_growth": m, **({"series": counts[y]} if y in counts else {})}
                      for y, m in prior.index],
            "evidence": evidence}


def _plain(v: Any) -> Any:
    return list(v) if isinstance(v, tuple) else v


def parse(doc: Any, where: str) -> Prior:
    """A :class:`Prior` from a priors document; a :class:`DataError` naming the key otherwise."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
        raise DataError(where, "format", f"expected a tradecast priors file ({FORMAT!r}, as "
                        f"'tradecast learn' writes), found {found!r}")
    p = doc.get("prior")
    if not isinstance(p, dict):
        raise DataError(where, "prior", "expected a mapping of the learned hyperparameters")
    unknown = sorted(set(p) - set(KEYS))
    missing = [k for k in KEYS if k not in p]
    if unknown or missing:
        raise DataError(where, "prior", f"expected keys {', '.join(KEYS)} (" + "; ".join(
            ([f"missing {', '.join(missing)}"] if missing else [])
            + ([f"unknown {', '.join(unknown)}"] if unknown else [])) + ")")
    values: dict[str, Any] = {}
    for k in KEYS:
        v = p[k]
        if k in ("size_range", "lower", "upper"):
            ok = isinstance(v, list) and v and all(_number(x) for x in v) and \
                (k != "size_range" or (len(v) == 2 and v[0] < v[1])) and \
                (k == "size_range" or all(0.1 <= x <= 10 for x in v))
            if not ok:
                raise DataError(where, f"prior.{k}", (
                    "expected [low, high] log sizes with low < high" if k == "size_range" else
                    "expected a list of tail factors from 0.1 to 10") + f", found {v!r}")
            values[k] = tuple(float(x) for x in v)
        elif k == "centre_years":
            if not (isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 100):
                raise DataError(where, f"prior.{k}", f"expected a whole number of years 1-100, found {v!r}")
            values[k] = v
        else:
            bounds = {"noise": (1e-6, 1e3), "drift_strength": (1e-6, 1e6), "persistence": (0, 1),
                      "vol_strength": (1e-3, 1e6), "centre_error_year": (0, 2),
                      "centre_error_trend": (0, 2), "vol_intercept": (-10, 2),
                      "vol_slope": (-2, 2)}[k]
            if not (_number(v) and bounds[0] <= v <= bounds[1]):
                raise DataError(where, f"prior.{k}", f"expected a number in [{bounds[0]:g}, "
                                f"{bounds[1]:g}], found {v!r}")
            values[k] = float(v)
    index = doc.get("index")
    if not (isinstance(index, list) and index):
        raise DataError(where, "index", "expected a non-empty list of {year, mean_log_growth}")
    pairs = []
    for i, row in enumerate(index):
        ok = (isinstance(row, dict) and isinstance(row.get("year"), int)
              and not isinstance(row.get("year"), bool) and _number(row.get("mean_log_growth")))
        if not ok:
            raise DataError(where, f"index[{i}]", f"expected {{year, mean_log_growth}}, found {row!r}")
        pairs.append((int(row["year"]), float(row["mean_log_growth"])))
    if [y for y, _ in pairs] != sorted({y for y, _ in pairs}):
        raise DataError(where, "index", "years must be ascending and appear once")
    return Prior(index=tuple(pairs), **values)


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and abs(v) != float("inf")


@cache
def shipped_document() -> dict[str, Any]:
    text = resources.files("forecast.models").joinpath(SHIPPED).read_text(encoding="utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


@cache
def shipped() -> Prior:
    """The priors shipped with tradecast (learned on the IMF DOTS panel)."""
    return parse(shipped_document(), f"forecast/{SHIPPED}")


def read(path: Path) -> tuple[Prior, str]:
    """A priors file given with ``--priors``: the prior and the file's sha256."""
    from forecast.data.files import display_path, read_text

    where = display_path(path)
    text = read_text(path, where, DataError)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise DataError(where, f"line {e.lineno}", f"not valid JSON ({e.msg})") from None
    return parse(doc, where), hashlib.sha256(text.encode("utf-8")).hexdigest()
