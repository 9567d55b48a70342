"""The command line: ``mtreview review|align|batch|app`` (main), ``score``, ``models``, ``config``, ``export``."""
