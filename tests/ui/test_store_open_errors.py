"""Opening a review database that cannot be used: one clear line, never a traceback or a password."""

from __future__ import annotations

import sqlite3

import pytest

from mtreview.cli.main import main
from mtreview.errors import MtreviewError
from mtreview.ui.store import Store


def test_a_database_from_a_newer_mtreview_is_named_not_a_traceback(tmp_path, capsys):
    db = tmp_path / "reviews.db"
    Store(f"sqlite:///{db}").close()
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num = '0099'")  # as a later mtreview would leave it
    con.commit()
    con.close()
    with pytest.raises(MtreviewError, match=r"schema revision '0099'.*newer mtreview"):
        Store(f"sqlite:///{db}")
    assert main(["export", str(db), "--format", "csv"]) == 7
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "newer mtreview" in err and "Traceback" not in err


def test_an_error_opening_the_database_does_not_show_its_password():
    url = "postgresql+psycopg://reviewer:s3cr3t@127.0.0.1:1/mtreview"
    with pytest.raises(MtreviewError) as err:
        Store(url)
    assert "s3cr3t" not in str(err.value) and "reviewer:***@127.0.0.1:1/mtreview" in str(err.value)


def test_the_app_shows_a_bad_database_in_one_line_without_its_password(tmp_path, monkeypatch):
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MTREVIEW_DB", "postgresql+psycopg://reviewer:s3cr3t@127.0.0.1:1/mtreview")
    monkeypatch.delenv("MTREVIEW_CONFIG", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert "cannot open database" in error and "s3cr3t" not in error
