"""Checks every model adapter shares: its input, and its point forecast."""

from __future__ import annotations

import numpy as np

from forecast.errors import ModelError

#: Largest point forecast of annual log growth (absolute) a model may give before it is called explosive.
MAX_LOG_GROWTH = 5.0
#: The stricter limit for a single model beside ``auto`` (x2.7 or /2.7 a year), except the pooled
#: model, whose priors hold its drift: after a collapse a larger fall can be its honest forecast.
MEMBER_LOG_GROWTH = 1.0
#: Years ahead over which a fitted model's point forecast is checked at fit time.
CHECK_HORIZON = 10


def check_history(name: str, years: np.ndarray, logs: np.ndarray, *, minimum: int,
                  consecutive: bool) -> tuple[np.ndarray, np.ndarray]:
    """Validated copies of ``years`` (int) and ``logs`` (float) for the model ``name``.

    Parameters
    ----------
    name : str
        The model's name, used as ``where`` in a :class:`~forecast.errors.ModelError`.
    years, logs : ndarray
        Integer years, strictly ascending, and finite log levels of the same length.
    minimum : int
        Fewest observations the model needs (checked only when ``consecutive``; a
        model that counts something else checks it itself).
    consecutive : bool
        Whether the model needs every year between the first and the last.

    Raises
    ------
    ModelError
        On mismatched lengths, non-integer, unsorted or repeated years, non-finite logs,
        gaps when ``consecutive``, or fewer than ``minimum`` observations.
    """
    years = np.asarray(years)
    logs = np.asarray(logs, dtype=float)
    if years.ndim != 1 or logs.ndim != 1 or len(years) != len(logs):
        raise ModelError(name, "", f"years and log levels must be 1-D of equal length "
                         f"(got shapes {years.shape} and {logs.shape})")
    if len(years) and not np.all(np.equal(np.mod(years, 1), 0)):
        raise ModelError(name, "", "years must be whole numbers")
    years = years.astype(np.int64)
    if np.any(np.diff(years) <= 0):
        raise ModelError(name, "", "years must be strictly ascending")
    bad = ~np.isfinite(logs)
    if bad.any():
        raise ModelError(name, "", f"log levels must be finite (year {years[bad][0]} is {logs[bad][0]})")
    if consecutive:
        gaps = np.flatnonzero(np.diff(years) != 1)
        if gaps.size:
            i = gaps[0]
            raise ModelError(name, "", f"needs consecutive years (no value between {years[i]} and "
                             f"{years[i + 1]}; {gaps.size} gap(s) in total)")
        if len(years) < minimum:
            raise ModelError(name, "", f"at least {minimum} consecutive annual observations needed "
                             f"(got {len(years)})")
    return years, logs


def check_point_forecast(name: str, growth: np.ndarray, limit: float = MAX_LOG_GROWTH) -> None:
    """Raise :class:`~forecast.errors.ModelError` if a point forecast of annual log growth is unusable.

    Unusable means non-finite, or above ``limit`` in absolute value (by default
    :data:`MAX_LOG_GROWTH`, a factor of :math:`e^5 \\approx 148` in one year): explosive.
    """
    if not np.all(np.isfinite(growth)):
        raise ModelError(name, "", "the point forecast is not finite")
    worst = int(np.argmax(np.abs(growth)))
    if abs(growth[worst]) > limit:
        raise ModelError(name, "", f"explosive point forecast: annual log growth {growth[worst]:+.3g} in "
                         f"year {worst + 1} ahead (limit {limit:g} in absolute value)")
