"""runs.settled: a download's file waits for the session's queued or running script run."""

from __future__ import annotations

import threading
import types

from mtreview.ui import runs


def test_settled_returns_only_once_the_sessions_run_is_over(monkeypatch):
    session = types.SimpleNamespace(_scriptrunner=object())
    monkeypatch.setattr(runs, "_session", lambda sid: session)
    done = threading.Event()

    def finish():  # the save's run ends on another thread
        done.wait(5)
        session._scriptrunner = None

    t = threading.Thread(target=finish)
    t.start()
    done.set()
    assert runs.settled("sid", timeout=10, poll=0.001)
    assert session._scriptrunner is None  # it did not return while the run was going
    t.join()


def test_settled_gives_up_after_the_timeout(monkeypatch):
    session = types.SimpleNamespace(_scriptrunner=object())
    monkeypatch.setattr(runs, "_session", lambda sid: session)
    assert runs.settled("sid", timeout=0.05, poll=0.01) is False


def test_no_session_or_no_runtime_does_not_wait(monkeypatch):
    assert runs.settled(None)
    assert runs.settled("no-such-session")  # no Streamlit runtime in this process
    monkeypatch.setattr(runs, "_session", lambda sid: types.SimpleNamespace(_scriptrunner=None))
    assert runs.settled("sid", timeout=0)
