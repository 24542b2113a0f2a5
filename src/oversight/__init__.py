"""ics-oversight: oversight of England's integrated care systems."""

__version__ = "0.1.0"
