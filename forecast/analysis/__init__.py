"""Stage 5, analysis: a question answered (:mod:`.pipeline`: fit, simulate, assess),
feasibility measures, comparisons on common random numbers, sweeps and sensitivity, backtests,
target scoring and forecast metrics; :mod:`.loading` turns a scenario file into a question."""
