"""Public legal services."""
