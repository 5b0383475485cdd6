"""Demo data for governance (seed_demo)."""

from __future__ import annotations


def create_demo_governance() -> dict[str, int]:
    """Create the demo records through the services; a second run adds nothing."""
    return {}
