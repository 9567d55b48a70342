"""The wheel ships real copies of the default configuration and glossary.

``mtreview/resources/default.toml`` and ``glossary.tsv`` are the files the wheel ships (the source
of truth); ``configs/`` holds identical copies for readers of the repository. They must be regular
files: a symbolic link becomes a one-line text file (``../../configs/default.toml``) in a checkout
without symbolic links (Windows, some zip downloads), and the wheel built there is broken.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

from mtreview.config import Config, from_dict
from tests.conftest import ROOT

SHIPPED = ("default.toml", "glossary.tsv")


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_files_are_regular_files_not_links(name):
    path = ROOT / "mtreview" / "resources" / name
    assert not path.is_symlink(), f"{path} is a symbolic link: a checkout without links ships its target's path"
    if (ROOT / ".git").exists():  # the mode git stores: 120000 is a link whatever the checkout makes of it
        out = subprocess.run(["git", "ls-files", "-s", str(path)], cwd=ROOT, capture_output=True, text=True)
        assert out.returncode != 0 or not out.stdout.startswith("120000"), out.stdout


@pytest.mark.parametrize("name", SHIPPED)
def test_configs_copy_is_identical(name):
    shipped = (ROOT / "mtreview" / "resources" / name).read_bytes()
    assert (ROOT / "configs" / name).read_bytes() == shipped, (
        f"configs/{name} differs from mtreview/resources/{name} (the shipped file): copy one over the other")


@pytest.mark.slow  # builds and installs a wheel (about 15 s)
def test_wheel_installs_and_config_show_works(tmp_path):
    """pip wheel on a copy of the source tree, installed into a fresh virtualenv (the dependencies come
    from this interpreter's site-packages), then ``mtreview config show/init/glossary`` from elsewhere."""
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
    shutil.copytree(ROOT / "mtreview", src / "mtreview", ignore=ignore)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    dist = tmp_path / "dist"
    run = {"capture_output": True, "text": True, "timeout": 300}
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(dist), str(src)], **run)
    assert built.returncode == 0, built.stderr
    wheel = next(dist.glob("mtreview-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, **run)
    bindir = venv / ("Scripts" if sys.platform == "win32" else "bin")
    python = bindir / ("python.exe" if sys.platform == "win32" else "python")
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          check=True, **run).stdout.strip()
    # the dependencies (numpy, ...) from this interpreter, after the venv's own packages
    (Path(site) / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                                "--no-index", "-q", str(wheel)], **run)
    assert installed.returncode == 0, installed.stderr
    env = {"PATH": str(bindir), "HOME": str(tmp_path), "MTREVIEW_CONFIG": ""}
    exe = str(bindir / "mtreview")
    where = subprocess.run([str(python), "-c", "import mtreview; print(mtreview.__file__)"], cwd=tmp_path,
                           env=env, check=True, **run).stdout
    assert where.startswith(site), where  # the installed wheel, not this checkout
    show = subprocess.run([exe, "config", "show"], cwd=tmp_path, env=env, **run)
    assert show.returncode == 0, show.stderr
    assert from_dict(tomllib.loads(show.stdout)) == Config()
    init = subprocess.run([exe, "config", "init"], cwd=tmp_path, env=env, **run)
    assert init.stdout == (ROOT / "configs" / "default.toml").read_text(encoding="utf-8")
    glossary = subprocess.run([exe, "config", "glossary"], cwd=tmp_path, env=env, **run)
    assert glossary.stdout == (ROOT / "configs" / "glossary.tsv").read_text(encoding="utf-8")
