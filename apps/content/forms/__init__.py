"""The content forms, one module per feature."""
