"""A small on-disk cache of fitted models, so a rerun with unchanged data and model skips
the fits (and importing statsmodels).

Each entry is one :class:`~forecast.models.combination.Built` written as JSON (fields of a
known set of frozen dataclasses; arrays as lists; never pickle), under a key that hashes
the code that fits and simulates (the source of ``forecast/models``, the calibration table
and this module, the package version and those of numpy, scipy, pydantic and statsmodels), the
model settings and the series' bytes. A
change of code is a new key, so an entry is never trusted across versions; an entry that
does not read back as a working model (every model is asked for two short paths) is
ignored and refitted, and the refit overwrites it. Entries are small and safe to
delete: ``rm -r`` the folder at any time.

Where: ``$TRADECAST_CACHE_DIR``, else ``$XDG_CACHE_HOME/tradecast``, else
``~/.cache/tradecast``. ``TRADECAST_CACHE_DIR=off`` turns the cache off. A folder that
cannot be written just means no cache.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

#: Bumped when the entry layout changes.
LAYOUT = 1


def folder() -> Path | None:
    """The cache folder, or None when the cache is off."""
    env = os.environ.get("TRADECAST_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "no") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tradecast"


@functools.cache
def library_versions() -> dict[str, str]:
    """tradecast's version and those of the libraries fits and results depend on, from their
    top-level packages (cheap: scipy's and statsmodels' ``__init__`` import no submodules)."""
    import pydantic
    import scipy
    import statsmodels

    from forecast import __version__

    return {"tradecast": __version__, "numpy": np.__version__, "scipy": scipy.__version__,
            "pydantic": pydantic.VERSION, "statsmodels": statsmodels.__version__}


@functools.cache
def code_version() -> str:
    """Hash of everything a fitted model depends on besides its inputs."""
    h = hashlib.sha256(f"{LAYOUT}/{sorted(library_versions().items())}".encode())
    models = resources.files("forecast.models")  # the models, their priors and calibration
    for entry in sorted(models.iterdir(), key=lambda p: p.name):
        if entry.name.endswith((".py", ".json")):
            h.update(entry.name.encode())
            h.update(entry.read_bytes())
    return h.hexdigest()


def key(settings: tuple[object, ...], years: np.ndarray, values: np.ndarray) -> str:
    """The entry's name for these model settings and this series."""
    h = hashlib.sha256(code_version().encode())
    h.update(repr(settings).encode())
    h.update(np.ascontiguousarray(years, dtype=np.int64).tobytes())
    h.update(np.ascontiguousarray(values, dtype=np.float64).tobytes())
    return h.hexdigest()[:40]


def _classes() -> dict[str, type]:
    from forecast.models.arima import ArimaDrift
    from forecast.models.bootstrap import BlockBootstrap
    from forecast.models.calibration import Calibrated
    from forecast.models.combination import Built
    from forecast.models.ets import DampedETS
    from forecast.models.llt import LocalLinearTrend
    from forecast.models.pooled import Pooled, Posterior
    from forecast.models.prior import Prior
    from forecast.models.rw import RandomWalkDrift
    from forecast.models.statespace import StateSpaceForecast
    from forecast.models.theta import Theta

    return {c.__name__: c for c in (Calibrated, BlockBootstrap, Built, DampedETS, Pooled, Posterior,
                                    Prior, RandomWalkDrift, ArimaDrift, LocalLinearTrend,
                                    StateSpaceForecast, Theta)}


#: Fields not written (rebuilt as None): statsmodels results objects.
SKIP = {("DampedETS", "results")}


def encode(obj: Any) -> Any:
    """A JSON-ready form of a fitted model (see the module docstring)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        name = type(obj).__name__
        return {"__type__": name, **{f.name: encode(getattr(obj, f.name))
                                     for f in dataclasses.fields(obj) if (name, f.name) not in SKIP}}
    if isinstance(obj, np.ndarray):
        return {"__array__": obj.tolist(), "dtype": str(obj.dtype), "shape": list(obj.shape)}
    if isinstance(obj, tuple):
        return {"__tuple__": [encode(x) for x in obj]}
    if isinstance(obj, dict):
        return {"__dict__": [[k, encode(v)] for k, v in obj.items()]}
    if isinstance(obj, (np.floating, np.integer)):
        return obj.item()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    raise TypeError(f"cannot cache a {type(obj).__name__}")


def decode(data: Any, classes: dict[str, type] | None = None) -> Any:
    """The inverse of :func:`encode`; only the known model classes are built."""
    classes = classes if classes is not None else _classes()
    if isinstance(data, dict):
        if "__type__" in data:
            cls = classes[data["__type__"]]  # KeyError: not a known class
            return cls(**{k: decode(v, classes) for k, v in data.items() if k != "__type__"})
        if "__array__" in data:
            return np.asarray(data["__array__"], dtype=data["dtype"]).reshape(data["shape"])
        if "__tuple__" in data:
            return tuple(decode(x, classes) for x in data["__tuple__"])
        if "__dict__" in data:
            return {k: decode(v, classes) for k, v in data["__dict__"]}
        raise ValueError("unknown entry")
    if isinstance(data, list):
        raise ValueError("bare list")
    return data


def load(name: str) -> Any | None:
    """The entry ``name``, or None (absent, off, unreadable or not what it should be)."""
    where = folder()
    if where is None:
        return None
    from forecast.models.combination import Built

    try:
        doc = json.loads((where / "fits" / f"{name}.json").read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or doc.get("code") != code_version():
            return None
        built = decode(doc["built"])
        if not isinstance(built, Built) or not isinstance(built.members, dict):
            return None
        # A single model is also one of the members: keep them one object, as built.
        same = [m for m in built.members.values() if encode(m) == doc["built"]["model"]]
        built = dataclasses.replace(built, model=same[0]) if same else built
        for m in (built.model, *built.members.values()):  # every model must answer
            m.simulate(2, 2, np.random.default_rng(0))
            m.mean_growth(2)
            m.describe()
        return built
    except Exception:  # noqa: BLE001 - any damaged entry is ignored and refitted
        return None


def save(name: str, built: Any) -> None:
    """Write the entry ``name`` atomically; silently nothing when the folder is not writable."""
    from forecast.data import files

    where = folder()
    if where is None:
        return
    try:
        text = json.dumps({"code": code_version(), "built": encode(built)})
        target = where / "fits"
        target.mkdir(parents=True, exist_ok=True)
        os.replace(files.temp_beside(target, f"{name}.json", text.encode("utf-8")),
                   target / f"{name}.json")
    except (OSError, TypeError, ValueError):
        return
