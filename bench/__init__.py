"""Synthetic data and load benchmarks for the platform (issue 8, see bench/README.md)."""
