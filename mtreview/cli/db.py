"""A review database named on the command line (``app --db``, ``export DB``, ``export --db``).

Contract: ``db_url(text, must_exist=...)`` -> an SQLAlchemy URL, or None when ``text`` is neither a
URL (it holds ``://``) nor a SQLite file path (``.db``, ``.sqlite``, ``.sqlite3``): a plain file path
becomes ``sqlite:///<absolute path>``. ``must_exist`` (commands that only read the database, like
``export``): a SQLite file that is not there is a typo, an InputError, not a new empty database.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError

DB_SUFFIXES = (".db", ".sqlite", ".sqlite3")


def db_url(text: str, *, must_exist: bool) -> str | None:
    """The SQLAlchemy URL ``text`` names (a URL as given, a ``.db``/``.sqlite`` path as sqlite:///), or None."""
    if "://" in text:
        if must_exist:
            _existing_sqlite(text)
        return text
    if text.lower().endswith(DB_SUFFIXES):
        path = Path(text).expanduser()
        if must_exist and not path.is_file():
            raise InputError(f"{text}: no such database file")
        return f"sqlite:///{path.resolve()}"
    return None


def _existing_sqlite(url: str) -> None:
    """A SQLite URL whose file is not there: an InputError (other URLs: the store says what is wrong)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return  # the store says what is wrong with it
    path = parsed.database or ""
    if str(parsed.query.get("uri", "")).lower() in ("true", "1"):  # sqlite:///file:/x.db?mode=ro&uri=true
        path = path.removeprefix("file:").split("?")[0]
    if parsed.get_backend_name() == "sqlite" and path not in ("", ":memory:") and not Path(path).is_file():
        raise InputError(f"{path}: no such database file")
