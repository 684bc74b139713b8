"""Stage 1, data: periods, trade figures and the series a run uses (:mod:`.series`), country
codes, the data-file reader and atomic writer (:mod:`.files`), the two reporters' mirror table
(:mod:`.asymmetry`) and the importers of UN Comtrade, IMF and national-statistics files.

Imports only :mod:`forecast.errors` and :mod:`forecast.limits` from the package.
"""
