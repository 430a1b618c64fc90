"""Built-in timeline plugin (work in progress)."""
