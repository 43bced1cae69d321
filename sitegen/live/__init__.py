"""Live: watch the content and rebuild; serve the output with live reload."""
