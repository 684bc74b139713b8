"""tradecast: will trade between two countries reach the announced target?

The import package is ``forecast``; the command is ``tradecast``. The Python API
(:mod:`forecast.api`) is loaded on first use, so the command's start-up does not pay for it::

    import forecast as fc
    r = fc.run(fc.load("scenarios/kz-kg-2024-target.yaml"))
    r.probability, r.probability_se, r.method
"""

from typing import Any

__version__ = "0.1.0"

#: The public API, from :mod:`forecast.api`.
__all__ = ["BacktestResult", "Comparison", "Question", "Result", "SensitivityResult",
           "SweepResult", "backtest", "compare", "load", "plot_distribution", "plot_fan",
           "plot_growth", "plot_reach", "run", "sensitivity", "sweep"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from forecast import api

        return getattr(api, name)
    raise AttributeError(f"module 'forecast' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, "__version__"])
