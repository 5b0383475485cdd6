"""Rule-of-law governance."""
