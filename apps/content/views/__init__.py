"""The content screens, one module per feature."""
