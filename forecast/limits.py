"""Limits shared by the scenario schema and the command line, in a module without imports so
that ``tradecast --help`` does not load pydantic or numpy."""

#: Most simulated paths a run may ask for (chunks keep memory flat up to here).
MAX_PATHS = 100_000_000
#: Most years between the last observation and the target year.
MAX_HORIZON = 50
