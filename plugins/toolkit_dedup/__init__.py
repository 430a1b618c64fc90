"""Built-in dedup plugin (work in progress)."""
