"""Stage 2, scenario: the scenario format (:mod:`.schema`, pydantic) and key paths into a
scenario tree (:mod:`.keypaths`). Imports from :mod:`forecast.data` only."""
