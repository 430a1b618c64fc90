"""Built-in attribution plugin (work in progress)."""
