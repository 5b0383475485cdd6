"""Legal publicity."""
