"""A throwaway PostgreSQL server for the store tests (Debian's postgresql binaries).

Started once per test session in a fresh temporary cluster on a Unix socket (no TCP port),
as the ``postgres`` system user when the tests run as root (initdb refuses root), and
stopped and deleted at the end. ``.ci/run`` installs the binaries (scripts/install-system.sh).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@contextmanager
def postgres_url() -> Iterator[str]:
    """Yield a SQLAlchemy URL (psycopg 3) of an empty database on a new private server."""
    bindir = binaries()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql")
    root = Path(tempfile.mkdtemp(prefix="mtreview-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]

    def run(*cmd: str) -> None:
        subprocess.run([*as_user, *cmd], check=True, capture_output=True, timeout=120)

    try:
        run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        run(str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"), "-o",
            f"-k {sock} -c listen_addresses='' -c fsync=off", "start")
        try:
            run(str(bindir / "createdb"), "-h", str(sock), "-U", "postgres", "mtreview")
            yield f"postgresql+psycopg://postgres@/mtreview?host={sock}"
        finally:
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)
