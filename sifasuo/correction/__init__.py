"""Community correction."""
