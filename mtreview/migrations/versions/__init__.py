"""One file per schema version, oldest first (``0001_initial`` is the schema before migrations)."""
