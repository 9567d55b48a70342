"""Models behind small protocols: embedders (models/embed.py) and translators (models/translate.py).

Heavy imports happen inside functions; nothing is loaded at import time.
"""
