"""Batch review of many articles: inputs, the runner, the tables it rebuilds."""
