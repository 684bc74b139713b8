"""Stage 8, the ``tradecast`` command: parse arguments, call the API and the analysis, map
errors to exit codes (:mod:`.main`; ``data`` and ``learn`` subcommands in :mod:`.data` and
:mod:`.learn`)."""
