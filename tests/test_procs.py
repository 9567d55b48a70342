"""Children never outlive their parent: the app's server, with real processes and signals."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from conftest import ROOT

from mtreview.cli.main import main

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals and /proc")
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
WRAPPER = ("import signal, sys\nfrom mtreview import procs\n"
           "signal.signal(signal.SIGINT, signal.default_int_handler)\n"  # a background job starts with it ignored
           "sys.exit(procs.run_child([sys.executable, '-c', "
           "'import os, time; print(os.getpid(), flush=True); time.sleep(300)']))")


def _gone(pid: int, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.1)
    return False


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGINT, 128 + signal.SIGINT),
                                       (signal.SIGKILL, -signal.SIGKILL)])
def test_run_child_passes_signals_on_and_dies_with_us(sig, code):
    wrapper = subprocess.Popen([sys.executable, "-c", WRAPPER], env=ENV, stdout=subprocess.PIPE, text=True)
    child = int(wrapper.stdout.readline())
    try:
        time.sleep(0.2)  # the wrapper is inside run_child's wait
        wrapper.send_signal(sig)
        assert wrapper.wait(timeout=20) == code
        assert _gone(child), "the child outlived its parent"
    finally:
        _kill(child)
        _kill(wrapper.pid)


@pytest.mark.parametrize("argv, message", [
    (["--port", "70000"], "--port must be between 1 and 65535, got 70000"),
    (["--config", "/missing.toml"], "config file not found: /missing.toml"),
    (["--db", "notadb://x"], "--db notadb://x: not a usable database URL"),
    (["--db", "sqlite:////no/such/folder/x.db"], "--db sqlite:////no/such/folder/x.db: no such folder /no/such/folder"),
])
def test_app_options_fail_at_start(capsys, monkeypatch, argv, message):
    monkeypatch.setattr("mtreview.procs.run_child", lambda *a, **k: pytest.fail("the server was started"))
    assert main(["app", "--headless", *argv]) in (2, 3, 64)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err


@pytest.mark.parametrize("port", ["0", "70000", "abc"])
def test_a_bad_port_is_a_usage_error_like_any_bad_argument(capsys, monkeypatch, port):
    """`--port abc` (argparse) and `--port 70000` both exit 64; the range error used to exit 2."""
    monkeypatch.setattr("mtreview.procs.run_child", lambda *a, **k: pytest.fail("the server was started"))
    assert main(["app", "--headless", "--port", port]) == 64
    assert "--port" in capsys.readouterr().err


def test_app_database_from_the_environment_is_checked_too(capsys, monkeypatch):
    monkeypatch.setattr("mtreview.procs.run_child", lambda *a, **k: pytest.fail("the server was started"))
    monkeypatch.setenv("MTREVIEW_DB", "notadb://x")
    assert main(["app", "--headless"]) == 2
    assert "$MTREVIEW_DB notadb://x: not a usable database URL" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
def test_sigterm_to_app_stops_its_streamlit_server(tmp_path):
    port = _free_port()
    app = subprocess.Popen([sys.executable, "-m", "mtreview", "app", "--headless", "--port", str(port)],
                           env=ENV, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while not _listening(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _listening(port), "the server did not start"
        import psutil

        children = [c.pid for c in psutil.Process(app.pid).children(recursive=True)]
        app.send_signal(signal.SIGTERM)
        app.wait(timeout=30)
        assert all(_gone(pid) for pid in children)
        assert not _listening(port)
    finally:
        for pid in [app.pid, *children]:
            _kill(pid)
