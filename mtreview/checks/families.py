"""Imports every check family so that each registers itself in CHECKS."""

from . import alignment  # noqa: F401
