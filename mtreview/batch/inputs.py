"""Batch inputs: a folder of article pairs, a JSONL/CSV/Parquet manifest, or a saved `datasets` folder.

``discover`` turns every input into a sorted list of ``Pair`` (one article: its id, both sides as a
file path or as text, and its metadata) plus the problems found while pairing files (reported, not
fatal). A folder's files are paired here (``NAME.en.txt`` + ``NAME.ja.txt``, an XLIFF/TMX alone, in
subfolders too, with an optional ``metadata.csv``/``.jsonl``); a manifest's rows are read by
``manifests`` (its columns, and where its paths may point, are described there).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..io import formats
from . import manifests
from .pairs import META_FIELDS, Pair, Problem, Side

log = logging.getLogger(__name__)

DOC_SUFFIXES = (".txt", ".html", ".htm")
BILINGUAL_SUFFIXES = (".xlf", ".xliff", ".xlif", ".sdlxliff", ".mqxliff", ".tmx")  # one file, both sides


def discover(path: str | Path, root: str | Path | None = None, allow_outside_root: bool = False
             ) -> tuple[list[Pair], list[Problem]]:
    """The articles of a batch input, sorted by id, and the problems found pairing them.

    Manifest paths resolve under ``root`` (default: the manifest's folder; for a saved dataset
    the folder holding it); one outside it is a problem of its row unless ``allow_outside_root``.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or folder")
    if root is not None and not Path(root).is_dir():
        raise InputError(f"{root}: --root is not a folder")
    roots = manifests.Roots(Path(root) if root is not None else p.parent, allow_outside_root)
    if p.is_dir():
        if any((p / marker).is_file() for marker in manifests.DATASET_MARKERS):
            rows: Iterable[dict[str, Any]] = manifests.dataset_rows(p)
            pairs, problems = manifests.from_rows(rows, roots, str(p))  # relative paths: next to the dataset
        else:
            pairs, problems = _from_folder(p, allow_outside_root)
    elif p.suffix.lower() in manifests.MANIFEST_SUFFIXES:
        pairs, problems = manifests.from_rows(manifests.manifest_rows(p), roots, str(p))
    else:
        kinds = "/".join(manifests.MANIFEST_SUFFIXES)
        if formats.format_of(p) is not None:  # a TSV, XLIFF or TMX: one article's segments
            bilingual = p.suffix.lower() in BILINGUAL_SUFFIXES
            folder = " (or put it in a folder to batch it with others)" if bilingual else ""
            raise InputError(f"{p}: a segment file, not a batch input (a folder, a saved dataset or a {kinds} "
                             f"manifest): {manifests.segment_hint(p)}{folder}")
        raise InputError(f"{p}: expected a folder, a saved dataset or a {kinds} manifest")
    seen: dict[str, str] = {}  # file names as Windows and macOS compare them: "Story" and "story" are one
    kept: list[Pair] = []
    for pair in sorted(pairs, key=lambda x: x.id):
        if (other := seen.get(pair.key.casefold())) is not None:
            why = "" if other == pair.key else (f" as {other!r}: names that differ only in case are one file"
                                                " on Windows and macOS")
            problems.append(Problem(pair.id, f"duplicate article id (file name {pair.key!r} already used{why})",
                                    pair.src.path, pair.tgt.path))
            continue
        seen[pair.key.casefold()] = pair.key
        kept.append(pair)
    problems.sort(key=lambda x: (x.id, x.reason))
    if not kept and not problems:
        raise InputError(f"{p}: no article pairs found (expected NAME.en.txt + NAME.ja.txt, or a manifest)")
    return kept, problems



# --- folder of NAME.en.txt / NAME.ja.txt --------------------------------------------------------

def _split_name(name: str) -> tuple[str, str] | None:
    """(article name, "en" | "ja" | "both") of a file name, or None when it names no article."""
    for suffix in BILINGUAL_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], "both"
    for suffix in DOC_SUFFIXES:
        for lang in ("en", "ja"):
            end = f".{lang}{suffix}"
            if name.lower().endswith(end) and len(name) > len(end):
                return name[: -len(end)], lang
    return None


def _folder_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """The files of ``folder`` and of its subfolders, each with its path relative to ``folder``
    (``2024/01/a.en.txt``). Hidden files and folders, and a batch output folder (it holds a ``.lock``)
    are left out; links to folders are not followed, a broken link is kept (reading it says why)."""
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (here / d / ".lock").exists()
                             and not _page_assets(here, d))
        for name in sorted(filenames):
            if not name.startswith(".") and ((here / name).is_file() or (here / name).is_symlink()):
                yield (here / name).relative_to(folder).as_posix(), here / name


def _page_assets(here: Path, name: str) -> bool:
    """Whether folder ``name`` holds the images and styles a browser saved with page ``NAME.html``
    ("Save Page As", complete: ``NAME_files/`` beside it)."""
    stem = name.removesuffix("_files")
    return stem != name and any((here / f"{stem}{suffix}").is_file() for suffix in (".html", ".htm"))


def _from_folder(folder: Path, allow_outside: bool = False) -> tuple[list[Pair], list[Problem]]:
    files: dict[str, dict[str, list[Path]]] = {}
    ignored = []
    for rel, f in _folder_files(folder):  # an article in a subfolder: id "2024/01/a"
        split = _split_name(rel)
        if split:
            files.setdefault(split[0], {"en": [], "ja": [], "both": []})[split[1]].append(f)
        elif rel not in ("metadata.csv", "metadata.jsonl"):
            ignored.append(rel)
    if ignored:  # a misnamed article (NAME_en.txt, NAME.english.txt) is not silently left out
        log.warning("%d file(s) of %s ignored, not named NAME.en.txt / NAME.ja.txt (or .html, .htm): %s",
                    len(ignored), folder, ", ".join(ignored[:10]) + (" ..." if len(ignored) > 10 else ""))
    meta = _folder_metadata(folder)
    real = folder.resolve()
    pairs, problems = [], []
    for name, sides in sorted(files.items()):
        en, ja = sides["en"], sides["ja"]
        first = lambda xs: str(xs[0]) if xs else None  # noqa: E731
        if sides["both"] and len(sides["both"]) + len(en) + len(ja) == 1:  # an XLIFF/TMX: both sides in one file
            en = ja = sides["both"]
        elif sides["both"]:
            problems.append(Problem(name, f"{len(sides['both'])} bilingual file(s) (XLIFF/TMX) and {len(en + ja)} "
                                          "article file(s) of this name: keep one", first(sides["both"])))
            continue
        if len(en) != 1 or len(ja) != 1:
            what = [f"{len(xs)} {lang} files" for lang, xs in (("English", en), ("Japanese", ja))
                    if len(xs) != 1]
            problems.append(Problem(name, f"needs one English and one Japanese file, found {', '.join(what)}",
                                    first(en), first(ja)))
            continue
        outside = [f for f in (en[0], ja[0]) if not allow_outside and not f.resolve().is_relative_to(real)]
        if outside:  # a symbolic link out of the folder
            problems.append(Problem(name, f"{outside[0]}: a link to a file outside {real}; pass "
                                          "--allow-outside-root to read it", str(en[0]), str(ja[0])))
            continue
        pairs.append(Pair(name, Side(path=str(en[0])), Side(path=str(ja[0])), meta.pop(name, {})))
    for name in sorted(meta):
        log.warning("metadata for %r matches no article pair", name)
    return pairs, problems


def _folder_metadata(folder: Path) -> dict[str, dict[str, str | None]]:
    rows: list[dict[str, Any]] = []
    if (folder / "metadata.jsonl").is_file():
        rows = list(manifests.jsonl_rows(folder / "metadata.jsonl"))
    elif (folder / "metadata.csv").is_file():
        rows = list(manifests.csv_rows(folder / "metadata.csv"))
    out: dict[str, dict[str, str | None]] = {}
    if rows and "name" not in rows[0] and "id" not in rows[0]:
        raise InputError(f"{folder}/metadata: needs a 'name' column; found {', '.join(map(str, rows[0]))}")
    for i, row in enumerate(rows, 1):
        name = manifests.id_of(row.get("name", row.get("id")), f"{folder}/metadata: row {i}")
        if name is None:
            raise InputError(f"{folder}/metadata: row {i} has no 'name'")
        if name in out:
            raise InputError(f"{folder}/metadata: row {i}: {name!r} appears twice")
        out[name] = {k: manifests.clean(row.get(k)) for k in META_FIELDS}
    return out

