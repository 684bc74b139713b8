"""The Python API: the same answers as the ``tradecast`` command, for notebooks and scripts.

>>> import forecast as fc
>>> q = fc.load("scenarios/kz-kg-2024-target.yaml")          # doctest: +SKIP
>>> r = fc.run(q)                                                # doctest: +SKIP
>>> r.probability, r.probability_se, r.method                    # doctest: +SKIP

One question (:mod:`.core`): :func:`load`, :meth:`Question.from_series`, :func:`run` and its
:class:`Result`, :func:`plot_fan`. Several runs (:mod:`.multi`): :func:`compare`,
:func:`sweep`, :func:`sensitivity`, :func:`backtest`, each a typed result with ``summary()``,
``to_dict()`` and ``to_frame()``. The command line is a user of this API.
"""

from forecast.api.core import (
    Question,
    Result,
    load,
    plot_distribution,
    plot_fan,
    plot_growth,
    plot_reach,
    run,
)
from forecast.api.multi import (
    BacktestResult,
    Comparison,
    SensitivityResult,
    SweepResult,
    backtest,
    compare,
    sensitivity,
    sweep,
)

__all__ = ["BacktestResult", "Comparison", "Question", "Result", "SensitivityResult",
           "SweepResult", "backtest", "compare", "load", "plot_distribution", "plot_fan",
           "plot_growth", "plot_reach", "run", "sensitivity", "sweep"]
