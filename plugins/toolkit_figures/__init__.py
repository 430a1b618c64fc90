"""Built-in figures plugin (work in progress)."""
