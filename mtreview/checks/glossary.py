"""Glossary: a term of the user's glossary in the source whose required rendering is absent.

The glossary is a UTF-8 TSV file: English term TAB required Japanese rendering; several
accepted renderings are separated by ``|`` (安全保障理事会|安保理). Blank lines and lines
starting with ``#`` are ignored. English terms match whole words, case-insensitively,
with an optional plural -s.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..errors import ConfigError
from ..records import Flag, Severity
from .base import Article, Check


def load_glossary(path: str | Path) -> tuple[tuple[str, str], ...]:
    """Read a glossary TSV; a relative path is taken from the current directory."""
    if not path:
        return ()
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"glossary file not found: {p}")
    try:
        lines = p.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise ConfigError(f"glossary {p} is not UTF-8 text") from None
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise ConfigError(f"glossary {p} line {n}: expected 'English term<TAB>Japanese rendering'")
        out.append((parts[0].strip(), parts[1].strip()))
    return tuple(out)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


class Glossary(Check):
    id = "glossary"
    category = "terminology/wrong-term"
    severity = Severity.MAJOR
    description = "A glossary term in the source is not rendered as the glossary requires."

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        if not article.glossary:
            return []
        terms = [
            (re.compile(rf"\b{re.escape(en)}(?:s|es)?\b", re.IGNORECASE), en, ja.split("|"))
            for en, ja in article.glossary
        ]
        out = []
        for i, seg in enumerate(article.segments):
            if not seg.src.strip() or not seg.tgt.strip():
                continue
            tgt = _fold(seg.tgt)
            taken: list[tuple[int, int]] = []
            # longest terms first, so "Foreign Ministry" wins over "Ministry"
            for rx, en, renderings in sorted(terms, key=lambda t: -len(t[1])):
                for m in rx.finditer(seg.src):
                    if any(s < m.end() and m.start() < e for s, e in taken):
                        continue
                    taken.append((m.start(), m.end()))
                    if any(_fold(r) in tgt for r in renderings):
                        continue
                    msg = f'Glossary: "{en}" must be translated as 「{"」 or 「".join(renderings)}」.'
                    flag = self.flag("src", seg.src, m.start(), m.end(), msg, suggestion=renderings[0])
                    out.append((i, flag))
        return out
