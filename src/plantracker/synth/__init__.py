"""Synthetic data for tests, benchmarks and demonstrations; never real data.

``plantracker.synth.plan``: plans ``scale`` times the example's size (``plantracker synth``),
whose public names are re-exported here. ``plantracker.synth.returns``: CIN census and
SSDA903 returns with the plan and published figures that go with them (``plantracker
statutory synth``); import them from there, which loads the statutory store's libraries
that plan synthesis does not need.
"""

from plantracker.synth.plan import synth_periods, synth_plan

__all__ = ["synth_periods", "synth_plan"]
