"""``python -m forecast`` is the ``tradecast`` command."""

from forecast.cli.main import main

main()
