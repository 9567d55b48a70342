"""mtreview: review English→Japanese news translations.

The pipeline, one module per step: load → segment → align → score → checks → review record.
"""

__version__ = "0.1.0"
