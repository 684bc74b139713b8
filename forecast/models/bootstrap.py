"""Circular block bootstrap of historical one-year log growth rates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecast.errors import ModelError
from forecast.models.checks import check_history, check_point_forecast

#: Fewest one-year log growth values the bootstrap needs.
MIN_GROWTH = 5


@dataclass(frozen=True, eq=False)
class BlockBootstrap:
    """Circular moving-block bootstrap of historical one-year log growth rates.

    Notes
    -----
    The :math:`m` growth values :math:`d_i = y_{t_i + 1} - y_{t_i}` are those between
    consecutive years, in time order (an interval across a gap is dropped, not
    divided). A path of :math:`h` years is built from :math:`\\lceil h/b \\rceil` blocks
    of :math:`b` consecutive growth values, each block starting at an index drawn
    uniformly from :math:`0, \\dots, m-1` and wrapping circularly (after :math:`d_m`
    comes :math:`d_1`), truncated to :math:`h` values; the path's log levels are
    :math:`y_T + \\sum_{j \\le k} d^*_j`. Wrapping gives every growth value the same
    chance at every position, so :math:`E[d^*_j] = \\bar d`, the sample mean, which is
    the point forecast of annual growth (:meth:`mean_growth`). The block length is

    .. math::
        b = \\max(1, \\operatorname{round}(m^{1/3})),

    the :math:`n^{1/3}` rate that is MSE-optimal for variance estimation (Hall, Horowitz
    and Jing 1995; Politis and White 2004), with constant 1. Blocks keep short-range
    dependence in growth (a boom followed by a slowdown) up to :math:`b` years. With
    :math:`b = 1` the one-year increments are i.i.d. draws from the :math:`d_i`, so the
    :math:`h`-year growth has mean :math:`h\\bar d` and variance :math:`h\\hat\\sigma^2`
    with :math:`\\hat\\sigma^2` the population (divide-by-:math:`m`) variance.

    The bootstrap reproduces only growth already seen: every simulated one-year
    increment is one of the historical :math:`d_i`, so no year can be better or worse
    than the best or worst on record, and there is no parameter uncertainty beyond what
    the resampling itself gives (the mean growth is not re-drawn). Blocks that straddle
    a dropped interval, and the wrap from :math:`d_m` to :math:`d_1`, join growth
    values that were not adjacent in time.

    References
    ----------
    Künsch, H. R. (1989). The jackknife and the bootstrap for general stationary
    observations. *The Annals of Statistics*, 17(3), 1217-1241.
    Politis, D. N. and Romano, J. P. (1992). A circular block-resampling procedure for
    stationary data. In *Exploring the Limits of Bootstrap*, 263-270. Wiley.
    Politis, D. N. and Romano, J. P. (1994). The stationary bootstrap. *Journal of the
    American Statistical Association*, 89(428), 1303-1313.
    Hall, P., Horowitz, J. L. and Jing, B.-Y. (1995). On blocking rules for the bootstrap
    with dependent data. *Biometrika*, 82(3), 561-574.
    Politis, D. N. and White, H. (2004). Automatic block-length selection for the
    dependent bootstrap. *Econometric Reviews*, 23(1), 53-70.
    """

    last_log: float
    growth: np.ndarray
    block: int
    name: str = "bootstrap"

    def simulate(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        m, b = len(self.growth), self.block
        k = -(-h // b)  # blocks per path
        starts = rng.integers(0, m, size=(n, k))
        idx = (starts[:, :, None] + np.arange(b)).reshape(n, k * b)[:, :h]
        idx %= m
        paths: np.ndarray = self.growth[idx]
        np.cumsum(paths, axis=1, out=paths)
        paths += self.last_log
        return paths

    def mean_growth(self, h: int) -> np.ndarray:
        return np.full(h, float(self.growth.mean()))

    def describe(self) -> str:
        d = self.growth
        return (f"circular block bootstrap of {len(d)} historical one-year log growth rates "
                f"(block length {self.block}); mean growth {np.expm1(d.mean()):+.1%}/yr, "
                f"sd {d.std():.3f} (log), range {np.expm1(d.min()):+.1%} to {np.expm1(d.max()):+.1%}/yr")


def fit_bootstrap(years: np.ndarray, logs: np.ndarray) -> BlockBootstrap:
    """Collect the one-year log growth rates for :class:`BlockBootstrap` and set its block length.

    Parameters
    ----------
    years : ndarray
        Integer years, strictly ascending; gaps are allowed (intervals across them are dropped).
    logs : ndarray
        Finite log levels, one per year.

    Raises
    ------
    ModelError
        Fewer than :data:`MIN_GROWTH` one-year growth values, bad input, or an explosive mean growth.
    """
    name = BlockBootstrap.name
    years, logs = check_history(name, years, logs, minimum=0, consecutive=False)
    one_year = np.diff(years) == 1
    growth = np.diff(logs)[one_year]
    m = len(growth)
    if m < MIN_GROWTH:
        raise ModelError(name, "", f"at least {MIN_GROWTH} one-year growth values (pairs of consecutive "
                         f"years) needed (got {m} from {len(years)} observations)")
    check_point_forecast(name, np.full(1, growth.mean()))
    growth.setflags(write=False)
    return BlockBootstrap(last_log=float(logs[-1]), growth=growth, block=max(1, round(m ** (1 / 3))))
