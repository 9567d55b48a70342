"""Where the review view gets its work: the bundled sample, uploads, a folder, a batch result.

Pure functions (no streamlit), so that the view only wires widgets to them. An opened piece
of work is an :class:`Opened`: both texts (the article's identity in the store), a name, where
it came from, and either the two Documents to review or a Review already computed by a batch.

Folders (typed in the sidebar or named by a URL such as ``?batch=DIR``) are opened only under
the roots the app was started with (``mtreview app --batch-root DIR``, passed on as
``MTREVIEW_BATCH_ROOTS``, os.pathsep-separated; default: the working directory). A path is
resolved (symbolic links and ``..`` included) before it is compared with the roots.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..config import LoadConfig
from ..errors import InputError
from ..io import load
from ..io.output import BatchFolder, read_review
from ..records import Document, Review

# The bundled sample ships inside the package (data/samples in a checkout links to it).
SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"
SAMPLE = (SAMPLES / "seed.en.txt", SAMPLES / "seed.ja.txt")
ENV_ROOTS = "MTREVIEW_BATCH_ROOTS"
_PAIR = re.compile(r"^(?P<name>.+?)[._-](?P<lang>en|ja)\.(?P<ext>txt|html?|xml|md)$", re.I)


@dataclass(frozen=True)
class Opened:
    name: str
    src_text: str
    tgt_text: str
    source: str  # "sample" | "upload" | "folder:<dir>" | "batch:<dir>"
    src: Document | None = None
    tgt: Document | None = None
    review: Review | None = None  # already computed (batch result)


def roots() -> tuple[Path, ...]:
    """The folders under which the app may open work (resolved)."""
    named = [r for r in os.environ.get(ENV_ROOTS, "").split(os.pathsep) if r.strip()]
    return tuple(Path(r).expanduser().resolve() for r in named) or (Path.cwd().resolve(),)


def allowed(folder: str | Path) -> Path:
    """``folder`` resolved, if it lies under one of :func:`roots`; else an InputError that names them."""
    if "~" in str(folder):
        raise InputError(f"{folder}: give the folder's path without '~'")
    path = Path(folder)
    path = (path if path.is_absolute() else roots()[0] / path).resolve()
    if not any(path == r or path.is_relative_to(r) for r in roots()):
        raise InputError(f"{folder}: outside the folders this app may open "
                         f"({', '.join(str(r) for r in roots())}; start it with --batch-root DIR to add one)")
    return path


def pair_name(file_name: str) -> str:
    """The article's name from its English file's name: ``abcnews.420102.en.txt`` -> ``abcnews.420102``
    (the part before the language tag; else the name without its extension)."""
    m = _PAIR.match(file_name)
    return m["name"] if m else Path(file_name).stem or file_name


def open_paths(en_path: str | Path, ja_path: str | Path, source: str, config: LoadConfig | None = None,
               name: str | None = None) -> Opened:
    src = load.load_document(en_path, "en", config)
    tgt = load.load_document(ja_path, "ja", config)
    return Opened(name or pair_name(Path(en_path).name), src.text, tgt.text, source, src, tgt)


def open_sample(config: LoadConfig | None = None) -> Opened:
    return open_paths(*SAMPLE, source="sample", config=config, name="seed (sample)")


def decode_upload(data: bytes, name: str, lang: str, config: LoadConfig | None = None) -> Document:
    """An uploaded file's bytes as a Document."""
    return load.load_bytes(data, name, lang, config)


def open_upload(en: tuple[str, bytes], ja: tuple[str, bytes], config: LoadConfig | None = None) -> Opened:
    src = decode_upload(en[1], en[0], "en", config)
    tgt = decode_upload(ja[1], ja[0], "ja", config)
    return Opened(pair_name(en[0]), src.text, tgt.text, "upload", src, tgt)


def folder_pairs(folder: str | Path) -> list[tuple[str, Path, Path]]:
    """(name, English path, Japanese path) for every NAME.en.EXT / NAME.ja.EXT pair in ``folder``."""
    d = allowed(folder)
    if not d.is_dir():
        raise InputError(f"{d}: not a folder")
    sides: dict[str, dict[str, Path]] = {}
    for p in sorted(d.iterdir()):
        m = _PAIR.match(p.name)
        if m and p.is_file():
            sides.setdefault(m["name"], {}).setdefault(m["lang"].lower(), p)
    return [(name, s["en"], s["ja"]) for name, s in sorted(sides.items()) if {"en", "ja"} <= set(s)]


def batch_articles(batch_dir: str | Path) -> list[str]:
    """Article ids of a batch output folder (``DIR/articles/<id>.review.json``) that its last run
    reviewed (its ``articles`` table, as the dashboard counts them)."""
    folder = BatchFolder.at(allowed(batch_dir))
    if not folder.root.is_dir():  # a typo: say so, not that the folder is of the wrong kind
        raise InputError(f"{batch_dir}: no such folder")
    if not folder.articles.is_dir():
        raise InputError(f"{batch_dir}: not a batch result folder (no articles/ inside)")
    current = _in_last_run(folder)
    return [k for k in folder.article_keys() if current is None or k in current]


def _in_last_run(folder: BatchFolder) -> set[str] | None:
    """The ids of the ``articles`` table (None when the folder has none yet): a review record left
    from an earlier run whose input has gone since is not among them."""
    from ..batch.pairs import safe_name  # an id's review record is named by its file-name-safe key
    from ..batch.table_files import read_table

    table = read_table(folder.root, "articles", columns=["article_id"], required=False)
    if table is None:
        return None
    return {safe_name(str(v)) for v in table["article_id"].to_pylist()}


def open_batch(batch_dir: str | Path, article: str) -> Opened:
    """One article of a batch result; its texts are the joined segments of the stored review."""
    if "/" in article or "\\" in article or article.startswith("."):
        raise InputError(f"bad article id {article!r}")
    folder = allowed(batch_dir)
    path = BatchFolder.at(folder).review_path(article)
    if not path.is_file():
        raise InputError(f"{batch_dir}: no article {article!r} in this batch result")
    current = _in_last_run(BatchFolder.at(folder))
    if current is not None and article not in current:
        raise InputError(f"{batch_dir}: article {article!r} is not among this batch's results (its input was "
                         "taken out before the last run); its review record is from an earlier run")
    review = read_review(path)
    src_text = "\n".join(s.src for s in review.segments)
    tgt_text = "\n".join(s.tgt for s in review.segments)
    # the folder's full path: `mtreview export DIR --db` (run from anywhere) finds the decisions by it,
    # and a folder typed relative to --batch-root or linked from the dashboard is one project
    return Opened(article, src_text, tgt_text, f"batch:{folder}", review=review)
