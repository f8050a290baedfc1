"""plantracker: an improvement plan and its quarterly update report, from one source of data."""

__version__ = "0.1.0"

__all__ = ["__version__"]
