"""Stage 4, engine: the Monte Carlo simulation in chunks with explicit random streams
(:mod:`.simulate`), growth and shock overlays, Monte Carlo estimators, and what later figures
say about simulated paths (a year-to-date figure, :mod:`.nowcast`; the other country's
figures, :mod:`.reporter_gap`). Imports from earlier stages only; no file I/O."""
