"""Child processes that never outlive their parent.

``die_with_parent(pid)`` is called first thing in a child (a batch pool worker): on Linux the
kernel sends it SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``), elsewhere a daemon
thread polls the parent id. ``run_child(cmd, env)`` runs a long-lived child (the Streamlit
server of ``mtreview app``): SIGTERM, SIGINT and SIGHUP sent to us are passed on to it, and on
Linux it too is killed if we are.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Mapping, Sequence

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCH_SECONDS = 1.0
FORWARDED = ("SIGTERM", "SIGINT", "SIGHUP")


def _pdeathsig(sig: int) -> bool:
    """Ask the kernel to send ``sig`` to this process when its parent thread exits; False if it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def die_with_parent(parent: int) -> None:
    """End this process when ``parent`` (the process that started it) ends, however it ends."""
    armed = _pdeathsig(signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    if armed:
        return

    def watch() -> None:
        import time

        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _child_setup() -> None:  # runs in the child between fork and exec
    _pdeathsig(signal.SIGTERM)


def run_child(cmd: Sequence[str], env: Mapping[str, str] | None = None) -> int:
    """Run ``cmd`` until it exits, passing our termination signals on to it; returns its exit code
    (128 + N when a signal N ended it, as a shell reports it)."""
    import subprocess

    child = subprocess.Popen(list(cmd), env=dict(env) if env is not None else None,
                             preexec_fn=_child_setup if sys.platform.startswith("linux") else None)
    previous = {}

    def forward(signum: int, _frame: object) -> None:
        if child.poll() is None:
            child.send_signal(signum)

    for name in FORWARDED:
        sig = getattr(signal, name, None)
        if sig is not None and signal.getsignal(sig) is not signal.SIG_IGN:  # nohup / background: left alone
            previous[sig] = signal.signal(sig, forward)
    try:
        while True:
            try:
                code = child.wait()
                return 128 - code if code < 0 else code
            except KeyboardInterrupt:  # the default SIGINT handler of a caller: already forwarded
                continue
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if child.poll() is None:
            child.kill()
            child.wait()
