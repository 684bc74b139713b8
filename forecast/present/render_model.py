"""Text and JSON of the model behind an answer: its description, the pooled model's weights
and the calibration of its tails."""

from __future__ import annotations

from typing import Any

from forecast.analysis.results import RunResult


def model_text(result: RunResult) -> str:
    """The model in one line, saying what ``auto`` chose."""
    if result.scenario.model.name != "auto":
        return result.model.describe()
    if result.model.name != "pooled":
        return (f"auto = {result.model.name}, as for every series the pooled priors do not describe "
                f"(see the note): {result.model.describe()}")
    return (f"auto = pooled, the model whose target probabilities scored best out of time: "
            f"{result.model.describe()}")


def pool_dict(model: Any) -> dict[str, Any] | None:
    """How much the pooled model's answer rests on the pair's own figures, for the JSON."""
    if getattr(model, "name", "") != "pooled" or not hasattr(model, "own_weight"):
        return None
    return {"own_weight": model.own_weight, "pool_weight": 1.0 - model.own_weight,
            "centre_log_growth": model.centre, "centre_years": list(model.centre_years),
            "volatility": model.sigma, "volatility_own_weight": model.vol_weight,
            "degrees_of_freedom": model.df}


def _calibration(result: RunResult) -> dict[str, Any] | None:
    if result.scenario.model.calibration == "none":
        return None
    h = len(result.simulation.years)
    years = [str(y) for y in result.simulation.years]
    m = result.model
    if hasattr(m, "factors"):  # the pooled model: tail factors from its priors
        lower, upper = m.factors(h)
        return {"method": "priors",
                "about": "tail factors learned with the pooled priors (tradecast learn), kept where "
                "two standard errors clustered by year support them",
                "rule": "deviations below (above) the median of each year's predictive are "
                "multiplied by the lower (upper) factor",
                "lower": dict(zip(years, map(float, lower))), "upper": dict(zip(years, map(float, upper)))}
    from forecast.models.calibration import table

    return {"method": "panel", "about": table()["about"], "rule": table()["method"],
            "factors": {y: float(k) for y, k in zip(years, m.factor(h))}}  # type: ignore[attr-defined]


def calibration_text(result: RunResult) -> str:
    """One line: the calibration applied, or that none was."""
    if result.scenario.model.calibration == "none":
        return "none (model: {calibration: none}); intervals are the model's own"
    h = len(result.simulation.years)
    m = result.model
    if hasattr(m, "factors"):
        lower, upper = m.factors(h)
        return ("tails of each year's predictive scaled x" + "/".join(f"{v:.2f}" for v in lower)
                + " below the median and x" + "/".join(f"{v:.2f}" for v in upper) + " above (per "
                "year ahead), learned with the pooled priors where year-clustered errors support it")
    k = m.factor(h)  # type: ignore[attr-defined]
    return ("spread around the point forecast scaled x" + "/".join(f"{v:.2f}" for v in k)
            + " (per year ahead), factors learned on rolling-origin backtests of 300 country pairs "
            "(IMF DOTS)")
