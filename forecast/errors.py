"""One family of errors, each carrying where the problem is and what was expected.

The command line catches :class:`ForecastError` (and only it) and prints
:meth:`ForecastError.lines` to stderr, one line per problem, exit code 1.
Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in one input.

    Parameters
    ----------
    where : str
        The file (or ``<inline>``), as the user named it.
    key : str
        Key path (``growth[1].sd``) or row (``row 12``); empty if the whole file.
    message : str
        What was expected and what was found.
    """

    where: str
    key: str
    message: str

    def __str__(self) -> str:
        parts = [p for p in (self.where, self.key) if p]
        return ": ".join([*parts, self.message])


class ForecastError(Exception):
    """Base of every error tradecast reports to a user.

    One error can hold several problems (``tradecast validate`` lists every
    problem in a file). ``str(error)`` joins them with newlines.
    """

    def __init__(self, where: str, key: str = "", message: str = "", *,
                 problems: list[Problem] | None = None) -> None:
        self.problems = list(problems) if problems else [Problem(where, key, message)]
        super().__init__(str(self))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]

    def __str__(self) -> str:
        return "\n".join(self.lines())


class DataError(ForecastError):
    """A data file is missing, malformed, or lacks what a scenario asks of it."""


class ScenarioError(ForecastError):
    """A scenario file is malformed or asks for something impossible."""


class ModelError(ForecastError):
    """A model cannot be fitted to the series it was given."""
