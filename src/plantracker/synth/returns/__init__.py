"""Synthetic statutory returns (``plantracker statutory synth``): the folder (``folder``),
the simulated authorities (``simulation``), their returns' files (``files``), the
illustrative plan (``illustrative_plan``) and published figures (``published``) beside them.
"""

from plantracker.synth.returns.folder import ReturnsWritten, synth_returns

__all__ = ["ReturnsWritten", "synth_returns"]
