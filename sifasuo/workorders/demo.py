"""Demo data for workorders (seed_demo)."""

from __future__ import annotations


def create_demo_workorders() -> dict[str, int]:
    """Create the demo records through the services; a second run adds nothing."""
    return {}
