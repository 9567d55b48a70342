"""Errors that carry their exit code; only the CLI turns them into an exit."""

from __future__ import annotations

# Exit codes of the command line (README "Exit codes"): 0 success; 1 unexpected error; 2 bad input;
# 3 bad configuration; 4 model unavailable; 5 a quality gate failed; 64 usage error (bad command
# line, as sysexits' EX_USAGE); 130 interrupted.
USAGE_EXIT = 64


class MtreviewError(Exception):
    """Base class: a one-line message for the user and an exit code."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(MtreviewError):
    """The user's input cannot be used (missing, empty, binary, wrong language, malformed)."""

    exit_code = 2


class ConfigError(MtreviewError):
    """The configuration is invalid (unknown key, bad value)."""

    exit_code = 3


class ModelError(MtreviewError):
    """A model cannot be loaded or run (not installed, not found offline)."""

    exit_code = 4


class GateError(MtreviewError):
    """A quality gate (``--fail-on``) was tripped: not a crash, a verdict."""

    exit_code = 5


class UsageError(MtreviewError):
    """The command line itself is wrong (missing or conflicting arguments)."""

    exit_code = USAGE_EXIT
