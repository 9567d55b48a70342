"""A review database on the command line: `app --db` takes a plain .db/.sqlite file as `export` does."""

from __future__ import annotations

import pytest

from mtreview.cli.db import db_url
from mtreview.cli.main import main
from mtreview.errors import InputError


@pytest.fixture()
def started(monkeypatch):
    calls = []
    monkeypatch.setattr("mtreview.procs.run_child", lambda cmd, env: calls.append(env) or 0)
    return calls


@pytest.mark.parametrize("name", ["reviews.db", "team.sqlite", "x.SQLITE3"])
def test_app_db_takes_a_plain_file_path(tmp_path, monkeypatch, started, name):
    monkeypatch.chdir(tmp_path)
    assert main(["app", "--headless", "--db", name]) == 0  # a new database: created by the app on first use
    assert started[0]["MTREVIEW_DB"] == f"sqlite:///{(tmp_path / name).resolve()}"


def test_app_db_url_is_passed_on_as_given(started):
    assert main(["app", "--headless", "--db", "sqlite:///x.db"]) == 0
    assert started[0]["MTREVIEW_DB"] == "sqlite:///x.db"


def test_app_db_file_in_a_missing_folder_is_one_line(tmp_path, capsys, started):
    assert main(["app", "--headless", "--db", str(tmp_path / "nope" / "r.db")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"no such folder {tmp_path / 'nope'}" in err[0], err
    assert not started


def test_app_db_neither_url_nor_database_file(capsys, started):
    assert main(["app", "--headless", "--db", "notes.txt"]) == 2
    assert "sqlite:///FILE or FILE.db" in capsys.readouterr().err
    assert not started


def test_one_helper_for_app_and_export(tmp_path):
    db = tmp_path / "r.db"
    assert db_url(str(db), must_exist=False) == f"sqlite:///{db.resolve()}"
    with pytest.raises(InputError, match="no such database file"):  # export reads: the file must be there
        db_url(str(db), must_exist=True)
    db.touch()
    assert db_url(str(db), must_exist=True) == db_url(str(db), must_exist=False)
    assert db_url("postgresql+psycopg://u@h/db", must_exist=True) == "postgresql+psycopg://u@h/db"
    assert db_url("notes.txt", must_exist=False) is None
