"""The report's nine sections, in order: their titles (:data:`TITLES`) and the function
that builds them from a result (:func:`sections`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forecast.present.report.answer_sections import (
    _answer,
    _distribution_section,
    _fan_section,
    _growth_section,
    _target_section,
)
from forecast.present.report.blocks import Section
from forecast.present.report.supporting_sections import (
    _assumptions_section,
    _partner_section,
    _reproduce_section,
    _trust_section,
)

#: The nine section titles, in order.
TITLES: tuple[str, ...] = (
    "The answer",
    "The target, stated exactly",
    "Projected path",
    "Target-year distribution",
    "Required growth against history",
    "The partner's statistics",
    "Assumptions and models",
    "Can this be trusted? Backtest, calibration and data",
    "Reproduce this result",
)


def sections(result: Mapping[str, Any]) -> list[Section]:
    """The report's nine sections, in order, as titled lists of blocks.

    Parameters
    ----------
    result : mapping
        The result dict (:func:`forecast.render.as_dict`), with the report keys
        (``answer``, ``history``, ``partner``, ``asymmetry``, ``backtest``, ``reproduce``)
        where available.

    Returns
    -------
    list of Section
        Each with ``number``, ``title`` (one of :data:`TITLES`) and ``blocks``.
    """
    makers = (_answer, _target_section, _fan_section, _distribution_section, _growth_section,
              _partner_section, _assumptions_section, _trust_section, _reproduce_section)
    return [Section(i + 1, title, tuple(make(result))) for i, (title, make) in enumerate(zip(TITLES, makers))]
