"""tradecast: will trade between two countries reach the announced target?

The import package is ``forecast``; the command is ``tradecast``.
"""

__version__ = "0.1.0"
