"""Core: the typed data every layer shares (cables, diagnostics, configuration, URLs, IDs)."""
