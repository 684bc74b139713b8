"""What a question knows before anything is simulated: its series, the years it asks about,
what later figures say about the simulated years (a year-to-date figure, the other
country's figures through the reporter gap), and how precisely its last figure is known."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from forecast.data.series import TradeSeries, Used, from_history, select
from forecast.data.table import Figure, TradeData
from forecast.engine.nowcast import Nowcast, nowcast_for, rounding_half_width
from forecast.engine.reporter_gap import SAME_BASIS, Mirror, fit_gap
from forecast.errors import DataError, ScenarioError
from forecast.limits import MAX_HORIZON
from forecast.models import Fitted, offers
from forecast.scenario.schema import Scenario, Target

#: Gauss-Legendre (uniform) and Gauss-Hermite (normal) nodes for integrating over the last
#: figure's rounding and revision.
_LEG = np.polynomial.legendre.leggauss(24)


_HERM = np.polynomial.hermite_e.hermegauss(16)


@dataclass(frozen=True)
class StartError:
    """How precisely the last observed figure is known.

    Attributes
    ----------
    rounding : float
        Half-width of its rounding as a fraction of it (figures flagged ``rounded`` or from a
        statement: half the place of the last nonzero digit), summed over its figures.
    revision_sd : float
        Log s.d. of its revision: the root mean square of the data file's first-release to
        later-release revisions, times the first releases' share of the figure.
    revisions : int
        First-release/later pairs in the data file behind ``revision_sd``.
    first_release : bool
        Whether the figure is (partly) a first release.
    """

    rounding: float = 0.0
    revision_sd: float = 0.0
    revisions: int = 0
    first_release: bool = False

    def __bool__(self) -> bool:
        """Whether the figure is known less than exactly (or is a first release)."""
        return bool(self.rounding or self.revision_sd or self.first_release)

    @property
    def log_sd(self) -> float:
        """S.d. of the log error: uniform rounding (about r / sqrt(3)) and the revision."""
        return math.sqrt(self.rounding ** 2 / 3 + self.revision_sd ** 2)


def closed_form(model: Fitted, log_ratio: float, h: int, start: StartError = StartError()
                ) -> float | None:
    """P(log(level[T+h] / level[T]) >= log_ratio) in closed form, where the model has one;
    with a :class:`StartError`, averaged over the last figure's true value
    level[T] (1 + U r) exp(s Z), U ~ U(-1, 1), Z ~ N(0, 1) (Gauss-Legendre x Gauss-Hermite)."""
    if not offers(model, "prob_at_least"):
        return None
    f = model.prob_at_least  # type: ignore[attr-defined]
    if not (start.rounding or start.revision_sd):
        return float(f(log_ratio, h))
    (xu, wu), (xz, wz) = _LEG, _HERM
    if not start.rounding:
        xu, wu = np.zeros(1), np.array([2.0])
    if not start.revision_sd:
        xz, wz = np.zeros(1), np.array([math.sqrt(2 * math.pi)])
    total = sum(a * b * f(log_ratio - math.log1p(u * start.rounding) - start.revision_sd * z, h)
                for u, a in zip(xu, wu) for z, b in zip(xz, wz))
    return float(total / (2.0 * math.sqrt(2 * math.pi)))


def _printed_rounded(f: Figure) -> bool:
    """Whether a figure is known only to its printed precision: flagged ``rounded``, or quoted
    in an official's statement."""
    return "rounded" in f.flags or f.basis == "official-statement"


def _rounding(used: Used) -> float:
    """Rounding half-width of an observation as a fraction of it: half the place of the last
    nonzero digit of each of its figures flagged ``rounded`` or from a statement, summed."""
    hw = sum(rounding_half_width(f.value) for f in used.figures if _printed_rounded(f))
    return min(hw / used.value, 0.5)


def start_error(series: TradeSeries) -> StartError:
    """The :class:`StartError` of a series' last figure (none for an inline history)."""
    if not series.used:
        return StartError()
    last = series.used[-1]
    first = sum(f.value for f in last.figures if "first-release" in f.flags)
    record = series.revisions if first else ()
    sd = math.sqrt(sum(r * r for r in record) / len(record)) * first / last.value if record else 0.0
    return StartError(_rounding(last), sd, len(record), first > 0)


def series_for(scenario: Scenario, data: TradeData | None, where: str) -> TradeSeries:
    """The series a scenario asks for: its inline history, or a selection from its data."""
    if scenario.history is not None:
        return from_history(scenario.history, where)
    assert scenario.data is not None and data is not None
    spec = scenario.data
    if spec.reporter == "both" and spec.basis not in data.reporters:
        raise DataError(data.file, "basis", f"no figures reported by {spec.basis!r} (the file has: "
                        f"{', '.join(data.reporters)})")
    series = select(data, spec.target_reporter, spec.measure, partner=spec.partner, as_of=spec.as_of,
                    lag_months=spec.publication_lag_months, start=spec.start,
                    exclude_flags=spec.exclude_flags)
    if len(series.years) < 3:
        raise ScenarioError(where, "data", f"at least 3 annual observations needed; "
                            f"{spec.target_reporter} {spec.measure} has {len(series.years)}"
                            + (f" published by {spec.as_of}" if spec.as_of else ""))
    return series


#: Paths at most in a run conditioned on a year-to-date figure (8 bytes of weight per path).
MAX_WEIGHTED_PATHS = 20_000_000


def conditions(nowcast: Nowcast | None, mirror: Mirror | None, years: np.ndarray, target: Target
               ) -> tuple[Callable[[np.ndarray], np.ndarray] | None,
                          Callable[[np.ndarray, np.random.Generator], np.ndarray] | None]:
    """What the simulation conditions on (log-likelihood of paths of log levels) and, with a
    mirror, each path's level on the other basis in the target year."""
    parts: list[Callable[[np.ndarray], np.ndarray]] = []
    if nowcast is not None:
        def ytd(levels: np.ndarray) -> np.ndarray:
            with np.errstate(over="ignore"):
                return nowcast.log_weights(np.exp(levels[:, 0]))
        parts.append(ytd)
    if mirror is not None and mirror.years:
        parts.append(lambda levels: mirror.log_weights(levels, years))
    condition = None
    if parts:
        def condition(levels: np.ndarray) -> np.ndarray:
            return np.asarray(np.sum([f(levels) for f in parts], axis=0), dtype=float)
    other = None
    if mirror is not None:
        log_target = float(np.log(target.value))

        def other(levels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
            theirs = mirror.other_levels(levels, years, target.year, rng)
            return (theirs[:, -1] if target.kind == "level" else theirs.max(axis=1)) >= log_target
    return condition, other


def series_nowcast(series: TradeSeries) -> Nowcast | None:
    """The nowcast of the first year without an annual figure, from its latest year-to-date
    figure (January..month k, k <= 11) in the series, or None. A figure flagged ``rounded``
    or from an official's statement is known only to its printed precision."""
    ytd = [(u.period.year, u.period.last_month, u.value, str(u.period)) for u in series.ytd]
    annual = {int(y): float(v) for y, v in zip(series.years, series.values)}
    rounded = {str(u.period): rounding_half_width(u.value) for u in series.ytd
               if any(_printed_rounded(f) for f in u.figures)}
    return nowcast_for(series.last_year + 1, ytd, annual, rounded)


def basis_of(series: TradeSeries, year: int) -> str:
    """The basis of a series' figure(s) in ``year`` for the gap model's segments (a
    statement continues its bureau's series, an IMF estimate the IMF's)."""
    for u in series.used:
        if u.period.year == year:
            return "+".join(sorted({SAME_BASIS.get(f.basis, f.basis) for f in u.figures}))
    return "?"


def mirror_for(scenario: Scenario, data: TradeData | None, series: TradeSeries,
               where: str) -> Mirror | None:
    """With ``reporter: both``, the other country's figures for the same trade (same vintage
    and rules) and the gap model fitted to the years both have; else None.

    Raises
    ------
    ScenarioError
        If the other country has too few years in common with the basis.
    """
    spec = scenario.data
    if spec is None or spec.reporter != "both" or data is None:
        return None
    other = select(data, series.partner, spec.measure, partner=series.reporter, as_of=spec.as_of,
                   lag_months=spec.publication_lag_months, start=spec.start,
                   exclude_flags=spec.exclude_flags)
    mine = dict(zip(series.years.tolist(), series.values.tolist()))
    theirs = dict(zip(other.years.tolist(), other.values.tolist()))
    joint = sorted(set(mine) & set(theirs))
    labels = [f"{series.reporter} {basis_of(series, y)}, {other.reporter} {basis_of(other, y)}"
              for y in joint]
    try:
        gap = fit_gap(np.array(joint), np.log([theirs[y] / mine[y] for y in joint]), labels)
    except ValueError as e:
        raise ScenarioError(where, "data.reporter", f"both: {e} ({series.reporter} and "
                            f"{series.partner})") from None
    later = [y for y in sorted(theirs) if series.last_year < y <= scenario.target.year]
    rounding = tuple(_rounding(u) for u in other.used if u.period.year in later)
    return Mirror(series.partner, tuple(later), tuple(theirs[y] for y in later), gap, rounding)


def check_years(scenario: Scenario, series: TradeSeries, where: str) -> None:
    last, year = series.last_year, scenario.target.year
    if year <= last:
        raise ScenarioError(where, "target.year", f"must be after the last observed year {last} "
                            f"(got {year})")
    if year - last > MAX_HORIZON:
        raise ScenarioError(where, "target.year", f"at most {MAX_HORIZON} years after the last "
                            f"observed year {last} (got {year})")
    for kind, entries in (("growth", scenario.growth), ("shocks", scenario.shocks)):
        for i, e in enumerate(entries):
            span = e.years
            if span is not None and span[0] <= last:
                raise ScenarioError(where, f"{kind}[{i}].years", f"must be after the last observed "
                                    f"year {last} (got {span[0]}..{span[1]})")
