"""The charts that compare several runs: PNG bytes, deterministic, A4 wide, and robust to edge cases."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from forecast.present import chart_helpers as ch
from forecast.present import comparison_charts as cc
from forecast.present import variant_charts as vc
from forecast.present.charts import DPI, WIDTH

PNG = b"\x89PNG\r\n\x1a\n"
CAPTION = "10,000 simulated paths on common random numbers, seed 1. Data: UN Comtrade, vintage 2024-05."
LEVELS = (0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975)
Z = (-1.96, -1.28, -0.674, 0.0, 0.674, 1.28, 1.96)
LONG = "an assumption with a long descriptive label that has to be wrapped over lines"


def size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels."""
    image = pytest.importorskip("PIL.Image")
    with image.open(io.BytesIO(png)) as im:
        return im.size


def check(draw: Callable[[], bytes]) -> bytes:
    """Draw twice: a PNG of the report's width, the same bytes both times."""
    png = draw()
    assert png.startswith(PNG)
    assert draw() == png
    assert size(png)[0] == round(WIDTH * DPI)
    return png


def samples(n: int, size_: int = 2000, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [np.exp(rng.normal(np.log(1.4e9 * (1 + 0.08 * i)), 0.15, size_)) for i in range(n)]


def panel(name: str, *, string_keys: bool = True, median: float = 1.6e9) -> dict[str, Any]:
    years = list(range(2024, 2031))
    quantiles: dict[Any, dict[Any, float]] = {}
    for k, y in enumerate(years):
        m = 1.31e9 * (median / 1.31e9) ** ((k + 1) / len(years))
        row = {level: m * float(np.exp(0.06 * np.sqrt(k + 1) * z)) for level, z in zip(LEVELS, Z)}
        quantiles[str(y) if string_keys else y] = {str(lv) if string_keys else lv: v for lv, v in row.items()}
    return {"name": name, "hist_years": list(range(2008, 2024)),
            "hist_values": [0.9e9 + 0.03e9 * i for i in range(16)], "years": years,
            "quantiles": quantiles, "target_value": 2e9, "target_year": 2030}


def tornado_args(n: int, label: str = "growth 2026–2030 (two-piece-normal): mode") -> dict[str, Any]:
    return {"labels": [f"{label} {i}" for i in range(n)], "low_text": ["+1%"] * n, "high_text": ["+5%"] * n,
            "p_low": [0.063 + 0.005 * i for i in range(n)], "p_high": [0.41 - 0.02 * i for i in range(n)],
            "p_central": 0.12, "median_low": [1.3e9] * n, "median_high": [1.85e9 - 3e7 * i for i in range(n)],
            "median_central": 1.4e9, "year": 2030, "title": "The growth mode decides the answer",
            "caption": CAPTION}


# --------------------------------------------------------------------------- overlaid_distributions


@pytest.mark.parametrize("n", [1, 3, 10])
def test_overlaid_distributions(n: int) -> None:
    names = [f"scenario {i}" for i in range(n)]
    check(lambda: cc.overlaid_distributions(names, samples(n), [2e9] * n, "2030", "Title", CAPTION))


def test_overlaid_distributions_drops_non_finite_and_non_positive_values() -> None:
    a, b = samples(2)
    a[:50] = 0.0
    a[50:60] = np.inf
    a[60:70] = np.nan
    a[70:80] = -1e9
    empty = np.array([0.0, np.inf, np.nan])
    check(lambda: cc.overlaid_distributions(["a", "b", "none"], [a, b, empty], [2e9] * 3, "2030", "T",
                                            CAPTION))
    with pytest.raises(ValueError):
        cc.overlaid_distributions(["none"], [empty], [2e9], "2030", "T", CAPTION)


def test_overlaid_distributions_with_a_target_per_scenario_and_identical_values() -> None:
    check(lambda: cc.overlaid_distributions(["a", "b", "c"], [*samples(2), np.full(100, 1.5e9)],
                                            [1.8e9, 2e9, 2.5e9], "2030", "T", CAPTION))


def test_overlaid_distributions_legend_makes_room_for_more_scenarios() -> None:
    one = cc.overlaid_distributions(["a"], samples(1), [2e9], "2030", "T", CAPTION)
    ten = cc.overlaid_distributions([f"scenario {i}" for i in range(10)], samples(10), [2e9] * 10, "2030",
                                    "T", CAPTION)
    assert size(ten)[1] > size(one)[1]


def test_dollar_signs_in_names_are_drawn_literally() -> None:
    # "$^$" is invalid mathematical text: it raises if the name is not escaped
    check(lambda: cc.overlaid_distributions(["a $^$ b", "US$2bn or US$3bn"], samples(2), [2e9] * 2,
                                            "2030", "Reaching US$2bn: $^$", CAPTION))


# --------------------------------------------------------------------------- probabilities


@pytest.mark.parametrize("n", [1, 10])
def test_probabilities(n: int) -> None:
    p = [0.02 * (i + 1) for i in range(n)]
    check(lambda: cc.probabilities([f"scenario {i}" for i in range(n)], p, [0.003] * n, "Title", CAPTION))


def test_probabilities_at_the_ends_with_zero_se_long_names_and_a_missing_value() -> None:
    names = ["impossible", "certain", "zero se", "wide interval", LONG, "missing"]
    check(lambda: cc.probabilities(names, [0.0, 1.0, 0.064, 0.5, 0.0004, float("nan")],
                                   [0.0, 0.0, 0.0, 0.3, float("nan"), 0.01], "T", CAPTION))


def test_probabilities_grow_with_the_number_of_scenarios() -> None:
    one = check(lambda: cc.probabilities(["a"], [0.06], [0.002], "T", CAPTION))
    ten = cc.probabilities([f"s{i}" for i in range(10)], [0.06] * 10, [0.002] * 10, "T", CAPTION)
    assert size(ten)[1] > size(one)[1]


def test_probability_text() -> None:
    assert ch._pct_text(0.064) == "6.4%"
    assert ch._pct_text(0.0004) == "0.04%"
    assert ch._pct_text(1.0) == "100.0%"


def test_probabilities_reject_unequal_lengths() -> None:
    with pytest.raises(ValueError):
        cc.probabilities(["a", "b"], [0.1], [0.01], "T", CAPTION)


# --------------------------------------------------------------------------- fans_side_by_side


@pytest.mark.parametrize("n", [1, 2, 4])
def test_fans_side_by_side(n: int) -> None:
    panels = [panel(f"scenario {i}: {'a long name that wraps ' * (i % 2)}", median=1.4e9 + 2e8 * i)
              for i in range(n)]
    check(lambda: cc.fans_side_by_side(panels, "Title", CAPTION))


def test_fans_side_by_side_with_number_keys_and_rows() -> None:
    three = check(lambda: cc.fans_side_by_side([panel(f"s{i}", string_keys=False) for i in range(3)], "T",
                                               CAPTION))
    four = cc.fans_side_by_side([panel(f"s{i}") for i in range(4)], "T", CAPTION)
    assert size(four)[1] > size(three)[1]


# --------------------------------------------------------------------------- sweep_curve


def test_sweep_curve_numeric_with_two_lines() -> None:
    lines = [("model = theta", [0.01, 0.03, 0.064, 0.12, 0.2], [0.001, 0.0017, 0.0025, 0.0033, 0.004]),
             ("model = ets", [0.02, 0.05, 0.09, 0.15, 0.24], [0.0014, 0.002, 0.003, 0.0036, 0.0043])]
    check(lambda: vc.sweep_curve("growth 2026–2030: mode", [0.0, 0.02, 0.04, 0.06, 0.08], lines, "T",
                                 CAPTION, central=0.04))


def test_sweep_curve_money_at_the_ends() -> None:
    lines = [("p", [1.0, 0.5, 0.064, 0.0], [0.0, 0.005, 0.0025, 0.0])]
    check(lambda: vc.sweep_curve("target value", [1.5e9, 1.75e9, 2e9, 2.5e9], lines, "T", CAPTION,
                                 money=True, central=2e9))


def test_sweep_curve_text_values() -> None:
    models = ["theta", "ets", "random walk with drift", "bootstrap", "state space (local linear trend)"]
    lines = [("horizon 2030", [0.064, 0.09, 0.15, 0.07, 0.11], [0.0025, 0.003, 0.0036, 0.0026, 0.003]),
             ("horizon 2028", [0.02, 0.03, 0.05, 0.02, 0.04], [0.0014, 0.0017, 0.002, 0.0014, 0.002])]
    check(lambda: vc.sweep_curve("model", models, lines, "T", CAPTION, central="theta"))
    many = [f"a model with a long name {i}" for i in range(12)]
    check(lambda: vc.sweep_curve("model", many, [("p", [0.1] * 12, [0.01] * 12)], "T", CAPTION,
                                 central="not among them"))


def test_sweep_curve_one_value_and_zero_probabilities() -> None:
    check(lambda: vc.sweep_curve("x", [3], [("p", [0.0], [0.0])], "T", CAPTION, central=3))
    check(lambda: vc.sweep_curve("x", [1, 2], [("p", [0.0, 0.0], [0.0, 0.0])], "T", CAPTION))


def test_sweep_curve_rejects_lines_of_another_length() -> None:
    with pytest.raises(ValueError):
        vc.sweep_curve("x", [1, 2], [("p", [0.1], [0.01])], "T", CAPTION)


# --------------------------------------------------------------------------- tornado


def test_tornado_one_and_twelve_long_assumptions() -> None:
    one = check(lambda: vc.tornado(**tornado_args(1)))
    twelve = check(lambda: vc.tornado(**tornado_args(12, LONG)))
    assert size(twelve)[1] > size(one)[1]


def test_tornado_same_side_zero_length_and_extreme_probabilities() -> None:
    args = tornado_args(4)
    args.update(p_low=[0.12, 0.0, 0.2, 0.15], p_high=[0.12, 1.0, 0.3, 0.13], median_low=[1.4e9] * 4,
                median_high=[1.4e9, 3e9, 1.5e9, 1.45e9])
    check(lambda: vc.tornado(**args))
    flat = tornado_args(2)
    flat.update(p_low=[0.12] * 2, p_high=[0.12] * 2, median_low=[1.4e9] * 2, median_high=[1.4e9] * 2)
    check(lambda: vc.tornado(**flat))


def test_tornado_rejects_unequal_lengths() -> None:
    args = tornado_args(3)
    args["p_low"] = [0.1]
    with pytest.raises(ValueError):
        vc.tornado(**args)
