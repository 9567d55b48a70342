"""Glossary: a source term whose required rendering is absent, or a forbidden rendering used.

Two file formats (``load_glossary`` picks by suffix):

- TSV (UTF-8): ``English term<TAB>required rendering(s)[<TAB>forbidden rendering(s)]``; several
  renderings are separated by ``|`` (安全保障理事会|安保理). The required column may be empty
  when the row only forbids (``North Korea<TAB><TAB>北鮮``). Blank lines and ``#`` lines are ignored.
- TBX (``.tbx``; TBX-Basic / TBX 2 ``termEntry`` and TBX v3 ``conceptEntry``): per concept, its
  English terms against its Japanese ones; a term whose ``administrativeStatus`` or
  ``normativeAuthorization`` says deprecated, superseded or forbidden is a forbidden rendering.

Matching: an English term matches whole words, case-insensitively, with regular inflections
of its last word (sanction: sanctions, sanctioned, sanctioning; ceasefire: ceasefires; ally:
allies). A Japanese rendering matches as written (after NFKC) or on MeCab lemmas, so an
inflected form counts (批准する: 批准した, 批准し; 出来る: できない). A required rendering
missing is reported on the source term (major); a forbidden rendering is reported wherever
it appears in the translation (major), with the required rendering as suggestion.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import ConfigError
from ..lang.mecab import tokens
from ..records import Flag, Severity
from .base import Article, Check

FORBIDDEN_STATUS = re.compile(r"deprecated|superseded|forbidden|notRecommended", re.IGNORECASE)


class Term(NamedTuple):
    en: str  # English term ("" only for a TBX concept without one)
    ja: str  # required renderings, "|"-separated ("" = none required)
    forbidden: str = ""  # forbidden renderings, "|"-separated


def load_glossary(path: str | Path) -> tuple[Term, ...]:
    """Read a glossary TSV or TBX file; a relative path is taken from the current directory."""
    if not path:
        return ()
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"glossary file not found: {path}")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"glossary {p} is not UTF-8 text") from None
    if p.suffix.lower() in (".tbx", ".xml"):
        return read_tbx(text, str(p))
    return read_tsv(text, str(p))


def read_tsv(text: str, name: str) -> tuple[Term, ...]:
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [x.strip() for x in line.split("\t")]
        if len(parts) not in (2, 3) or not parts[0] or not any(parts[1:]):
            raise ConfigError(f"glossary {name} line {n}: expected 'English term<TAB>Japanese rendering"
                              "[<TAB>forbidden rendering]'")
        out.append(Term(parts[0], parts[1], parts[2] if len(parts) == 3 else ""))
    return tuple(out)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def read_tbx(text: str, name: str) -> tuple[Term, ...]:
    """Terms of a TBX file: each concept's English terms against its Japanese terms."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise ConfigError(f"glossary {name}: invalid TBX ({str(exc.msg).split(' (line')[0]})") from None
    out = []
    for entry in root.iter():
        if _local(entry.tag) not in ("termEntry", "conceptEntry"):
            continue
        terms: dict[str, list[tuple[str, bool]]] = {"en": [], "ja": []}
        for lang_set in entry:
            if _local(lang_set.tag) not in ("langSet", "langSec"):  # TBX 2 / TBX v3
                continue
            lang = (lang_set.get("{http://www.w3.org/XML/1998/namespace}lang") or "").lower()[:2]
            if lang not in terms:
                continue
            for el in lang_set.iter():
                if _local(el.tag) != "term" or not (el.text or "").strip():
                    continue
                holder = el.getparent()
                notes = " ".join((n.text or "") for n in holder.iter()
                                 if _local(n.tag) in ("termNote", "admin")
                                 and n.get("type") in ("administrativeStatus", "normativeAuthorization"))
                terms[lang].append((el.text.strip(), bool(FORBIDDEN_STATUS.search(notes))))
        required = "|".join(t for t, bad in terms["ja"] if not bad)
        forbidden = "|".join(t for t, bad in terms["ja"] if bad)
        if not required and not forbidden:
            continue
        for en, bad in terms["en"] or [("", False)]:
            if not bad:
                out.append(Term(en, required, forbidden))
    if not out:
        raise ConfigError(f"glossary {name}: no English-Japanese term pairs found"
                          " (langSet or langSec with xml:lang en and ja)")
    return tuple(out)


def en_pattern(term: str) -> re.Pattern[str]:
    """Whole words of ``term``, its last word with regular inflections (s, es, ed, ing, 's; y -> ies)."""
    words = term.split()
    *head, last = words
    low = last.lower()
    if len(low) > 2 and low.endswith("y") and low[-2] not in "aeiou":
        tail = re.escape(last[:-1]) + "(?:y|ies|ied|ying)"
    elif low.endswith("e"):
        tail = re.escape(last[:-1]) + "(?:e|es|ed|ing)"
    elif low[-1:].isalpha() and not low.isupper() and len(low) > 1:
        tail = re.escape(last) + rf"(?:s|es|ed|ing|'s|’s|{re.escape(last[-1])}(?:ed|ing))?"
    else:
        tail = re.escape(last) + "(?:s|es)?"
    body = r"[\s-]+".join([*(re.escape(w) for w in head), tail])
    return re.compile(rf"\b{body}\b", re.IGNORECASE)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@functools.lru_cache(maxsize=4096)
def _lemmas(text: str) -> tuple[str, ...]:
    return tuple(t.lemma for t in tokens(text) if t.surface.strip())


def find_rendering(rendering: str, tgt: str) -> tuple[int, int] | None:
    """Span of ``rendering`` in ``tgt``: as written (after NFKC, same length) or as a run of MeCab lemmas."""
    folded = _fold(tgt)
    at = folded.find(_fold(rendering)) if len(folded) == len(tgt) else -1
    if at >= 0:
        return at, at + len(rendering)
    if _fold(rendering) in folded:
        return 0, 0  # present, but NFKC changed the length: no exact span
    want = _lemmas(rendering)
    if not want:
        return None
    toks = [t for t in tokens(tgt) if t.surface.strip()]
    lem = [t.lemma for t in toks]
    for i in range(len(lem) - len(want) + 1):
        if tuple(lem[i : i + len(want)]) == want:
            return toks[i].start, toks[i + len(want) - 1].end
    return None


class Glossary(Check):
    id = "glossary"
    category = "terminology/wrong-term"
    severity = Severity.MAJOR
    description = "A glossary term not rendered as the glossary requires, or a forbidden rendering used."

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        if not article.glossary:
            return []
        terms = [Term(*entry) for entry in article.glossary]
        required = [(en_pattern(t.en), t.en, t.ja.split("|")) for t in terms if t.en and t.ja]
        forbidden = [(r, t) for t in terms if t.forbidden for r in t.forbidden.split("|") if r]
        out = []
        for i, seg in enumerate(article.segments):
            if not seg.tgt.strip():
                continue
            if seg.src.strip():
                out += [(i, f) for f in self._required(seg.src, seg.tgt, required)]
            out += [(i, f) for f in self._forbidden(seg.tgt, forbidden)]
        return out

    def _required(self, src: str, tgt: str, required: list[tuple[re.Pattern[str], str, list[str]]]) -> list[Flag]:
        flags = []
        taken: list[tuple[int, int]] = []
        # longest terms first, so "Foreign Ministry" wins over "Ministry"
        for rx, en, renderings in sorted(required, key=lambda t: -len(t[1])):
            for m in rx.finditer(src):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue
                taken.append((m.start(), m.end()))
                if any(find_rendering(r, tgt) is not None for r in renderings):
                    continue
                msg = f'Glossary: "{en}" must be translated as 「{"」 or 「".join(renderings)}」.'
                flags.append(self.flag("src", src, m.start(), m.end(), msg, suggestion=renderings[0]))
        return flags

    def _forbidden(self, tgt: str, forbidden: list[tuple[str, Term]]) -> list[Flag]:
        flags = []
        for rendering, term in forbidden:
            span = find_rendering(rendering, tgt)
            if span is None or span == (0, 0):
                continue
            good = [r for r in term.ja.split("|") if r]
            fix = f"; use 「{'」 or 「'.join(good)}」" if good else ""
            what = f' for "{term.en}"' if term.en else ""
            msg = f"Glossary: 「{tgt[span[0] : span[1]]}」 is a forbidden term{what}{fix}."
            flags.append(self.flag("tgt", tgt, span[0], span[1], msg, suggestion=good[0] if good else None))
        return flags
