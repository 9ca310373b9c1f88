"""Live runs: a per-session runner whose trainer works in its own process (runner.py), that
process's loop (worker.py), what it sends the page by run kind (publishers.py), and the
timeline of kept snapshots (timeline.py)."""

from .runner import ApplicationsRunner, CompareRunner, GanVsVaeRunner, LiveRunner, LiveRunnerError, TheoryRunner
from .timeline import TIMELINE_MILESTONES, Timeline

__all__ = [
    "TIMELINE_MILESTONES",
    "ApplicationsRunner",
    "GanVsVaeRunner",
    "LiveRunner",
    "LiveRunnerError",
    "CompareRunner",
    "TheoryRunner",
    "Timeline",
]
