"""Resettlement and assistance."""
