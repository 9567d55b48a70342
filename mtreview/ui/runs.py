"""Wait, from a thread outside the script, until the browser session's queued or running run ends.

A download's file is built when the browser asks for it: Streamlit calls the button's callable in a
worker thread as soon as the request arrives, not after the runs the page asked for before it. So
*Export* clicked right after *Save* could build the file before the save's run had written the save
(seen on a loaded machine: the CSV lacked the comment just saved). The rerun the Save click asked
for reaches the server first and gives the session a ScriptRunner at once; ``settled`` waits until
the session has none (its runs done), at most ``timeout`` seconds.

Streamlit has no public call for this: ``settled`` reads the session's ScriptRunner through the
runtime, and returns at once where that is not there (no runtime, as in AppTest; another layout).
"""

from __future__ import annotations

import time
from typing import Any


def session_id() -> str | None:
    """The id of the browser session this script run serves (None outside a run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def _session(sid: str) -> Any | None:
    try:
        from streamlit import runtime

        if not runtime.exists():
            return None
        info = runtime.get_instance()._session_mgr.get_active_session_info(sid)
    except Exception:  # another Streamlit layout: do not wait
        return None
    session = getattr(info, "session", None)
    return session if hasattr(session, "_scriptrunner") else None


def settled(sid: str | None, timeout: float = 20.0, poll: float = 0.02) -> bool:
    """Wait until session ``sid`` has no script run going or queued; False when ``timeout`` ran out
    first (the caller goes on: a file without the last save beats no file)."""
    session = _session(sid) if sid else None
    if session is None:
        return True
    deadline = time.monotonic() + timeout
    while getattr(session, "_scriptrunner", None) is not None:
        if time.monotonic() >= deadline:
            return False
        time.sleep(poll)
    return True
