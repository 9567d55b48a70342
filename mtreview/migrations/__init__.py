"""Alembic migrations of the review database (run on open by :mod:`mtreview.ui.store_migrate`)."""
