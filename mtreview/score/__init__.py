"""Scores of a translation: sacrebleu metrics, the quality model and its features."""
