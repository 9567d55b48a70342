"""Start ``streamlit run app.py`` on a free local port for a browser script (bench, screenshots, tests)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@contextmanager
def serve(db_url: str, log: Path, roots: Path | None = None, checkout: Path = ROOT) -> Iterator[str]:
    """Yields the app's base URL; the server stops on exit. ``roots``: its --batch-root.

    ``checkout``: the source tree whose ``app.py`` and ``mtreview`` package run (another
    checkout, e.g. the main branch, to measure two versions side by side).
    """
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "MTREVIEW_DB": db_url, "PYTHONPATH": str(checkout)}
    env.pop("MTREVIEW_CONFIG", None)
    if roots is not None:
        env["MTREVIEW_BATCH_ROOTS"] = str(roots)
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(checkout / "app.py"), "--server.headless", "true",
             "--server.port",
             str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=checkout, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as r:
                        if r.read() == b"ok":
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("streamlit did not start: " + log.read_text(encoding="utf-8"))
                time.sleep(0.3)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


VISIBLE_ROWS_JS = """() => {
  const grid = document.querySelector('.st-key-grid');
  const box = grid.getBoundingClientRect();
  const bottom = Math.min(box.bottom, window.innerHeight);
  const head = grid.querySelector('thead').getBoundingClientRect().bottom;
  return [...grid.querySelectorAll('tr[data-seg]')].filter(r => {
    const b = r.getBoundingClientRect();
    return b.top >= Math.max(box.top, head) - 1 && b.bottom <= bottom + 1;
  }).length;
}"""
