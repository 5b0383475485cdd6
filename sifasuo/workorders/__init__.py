"""Tasks and notices."""
