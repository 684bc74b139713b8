"""``python -m forecast`` is the ``tradecast`` command."""

from forecast.cli import main

main()
