"""Tags and placeholders: inline markup and codes that must reach the translation unchanged.

What counts (``codes``): XML/HTML inline tags (``<b>``, ``</b>``, ``<x id="1"/>``, ``<g id="2">``),
format placeholders (``{0}``, ``{name}``, ``{{name}}``, ``%s``, ``%1$d``, ``%(name)s``, ``${var}``),
URLs, e-mail addresses, @handles and #hashtags. Each is compared between source and target
as a multiset by a normalised key (a tag by its name, side and ``id``; a handle or hashtag
without case; a URL without a trailing slash), so Japanese word order may move them freely:

- a code of the source the target lacks is reported on the source (missing);
- a code of the target the source lacks is reported on the target (extra);
- paired tags the source nests properly but the target closes before it opens, or crosses
  (``<b><i>…</b></i>``), are reported on the target (reordered).

A hashtag is often translated on purpose (#東京五輪 for #Tokyo2020): as many hashtags
missing as added are taken for translations, and a hashtag or handle left missing or extra
(news prose often writes "@Twitter" as ツイッター) is minor; everything else is major.
``protected_spans`` gives other checks the spans to ignore, so that ``{0}`` is not also read
as a number.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..lang.ja import HIRAGANA
from ..records import Flag, Severity
from .base import Article, Check

# longest alternatives first: {{name}} before {name}, an e-mail before its @domain
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("url", re.compile(r"(?<![A-Za-z0-9])(?:https?://|www\.)[!-~]+")),
    ("email", re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")),
    ("tag", re.compile(r"</?[A-Za-z][\w:.-]*(?:\s+[\w:.-]+\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s<>/]+))*\s*/?>")),
    ("placeholder", re.compile(r"#[A-Z][A-Z0-9_]*#|\{\{\s*[\w.-]+\s*\}\}|\$\{[\w.-]+\}|\{\d*\}"
                               r"|\{[A-Za-z_][\w.-]*(?:[:,][^{}]*)?\}"
                               r"|%(?:\d+\$)?(?:\([\w.-]+\))?[-+0#]?\d*(?:\.\d+)?[sdifuxXeEgGc@]")),
    ("handle", re.compile(r"(?<![A-Za-z0-9_@.])@[A-Za-z0-9_]{2,30}(?![A-Za-z0-9_])")),
    # an ASCII hashtag ends at the first non-ASCII letter (#Tokyo2020を); a Japanese one at a space or sign
    ("hashtag", re.compile(r"(?<![A-Za-z0-9_&#/])[#＃](?:(?=[A-Za-z0-9_]*[A-Za-z])[A-Za-z0-9_]{2,}(?![A-Za-z0-9_])"
                           r"|(?![A-Za-z0-9_])(?=\w*[^\W\d_])\w{2,})")),
)
HIRAGANA_RE = re.compile(f"[{HIRAGANA}]")
TRAILING = ".,;:!?)]}'\"”’」』。、"
TAG_PARTS = re.compile(r"<(/?)([A-Za-z][\w:.-]*)([^>]*?)(/?)>")
TAG_ID = re.compile(r"\bid\s*=\s*[\"']?([^\"'\s/>]+)")
LABELS = {"url": "URL", "email": "e-mail address", "tag": "tag", "placeholder": "placeholder",
          "handle": "@handle", "hashtag": "hashtag"}


@dataclass(frozen=True)
class Code:
    kind: str  # url | email | tag | placeholder | handle | hashtag
    key: str  # what must match across the two sides
    start: int
    end: int


def _key(kind: str, text: str) -> str:
    if kind == "tag":
        m = TAG_PARTS.match(text)
        if m is None:
            return text
        tid = TAG_ID.search(m.group(3))
        return f"<{m.group(1)}{m.group(2).lower()}{' #' + tid.group(1) if tid else ''}{m.group(4)}>"
    if kind in ("handle", "hashtag", "email"):
        return text.lower().replace("＃", "#")
    if kind == "url":
        return text.rstrip("/")
    return text


def codes(text: str) -> list[Code]:
    """Every tag, placeholder, URL, e-mail, handle and hashtag of ``text``, in order, not overlapping."""
    out: list[Code] = []
    for kind, rx in PATTERNS:
        for m in rx.finditer(text):
            start, end = m.start(), m.end()
            if kind == "url":
                while end > start and text[end - 1] in TRAILING:
                    end -= 1
            elif kind == "hashtag" and end < len(text) and not text[end].isspace():
                # a Japanese hashtag runs into the sentence (#東京五輪を付けて): cut before its particles
                cut = HIRAGANA_RE.search(text, start + 2, end)
                end = cut.start() if cut else end
            if any(c.start < end and start < c.end for c in out):
                continue
            out.append(Code(kind, _key(kind, text[start:end]), start, end))
    return sorted(out, key=lambda c: c.start)


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that hold codes (other checks should not read numbers or words in them)."""
    return [(c.start, c.end) for c in codes(text)] if any(ch in text for ch in "<{%@#＃/") else []


def _misnested(tags: list[Code]) -> Code | None:
    """The first tag that closes before it opens, or closes across another open tag; None if well nested."""
    stack: list[str] = []
    for c in tags:
        if c.key.endswith("/>"):
            continue  # self-closing
        if c.key.startswith("</"):
            name = "<" + c.key[2:]
            if not stack or stack[-1] != name:
                return c
            stack.pop()
        else:
            stack.append(c.key)
    return None


class Tags(Check):
    id = "tags"
    category = "design/markup"
    severity = Severity.MAJOR
    description = "An inline tag, placeholder, URL, e-mail, @handle or hashtag missing, added or misplaced."

    @dataclass(frozen=True)
    class Params:
        hashtags: bool = True  # compare #hashtags (minor: they are sometimes translated)

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        out: list[tuple[int, Flag]] = []
        for i, seg in enumerate(article.segments):
            if seg.src.strip() and seg.tgt.strip():
                out += [(i, f) for f in self.compare(seg.src, seg.tgt)]
        return out

    def compare(self, src: str, tgt: str) -> list[Flag]:
        kinds = {k for k, _ in PATTERNS} - (set() if self.params.hashtags else {"hashtag"})
        sc = [c for c in codes(src) if c.kind in kinds]
        tc = [c for c in codes(tgt) if c.kind in kinds]
        if not sc and not tc:
            return []
        flags = []
        missing = Counter(c.key for c in sc) - Counter(c.key for c in tc)
        extra = Counter(c.key for c in tc) - Counter(c.key for c in sc)
        # as many hashtags missing as added: translated on purpose (#Tokyo2020 -> #東京五輪)
        translated = min(sum(v for k, v in missing.items() if k.startswith("#")),
                         sum(v for k, v in extra.items() if k.startswith("#")))
        for left in (missing, extra):
            n = translated
            for k in [k for k in left if k.startswith("#")]:
                take = min(n, left[k])
                left[k] -= take
                n -= take
            left += Counter()  # drop the zeros
        for side, text, side_codes, left, what in (("src", src, sc, missing, "missing from the translation"),
                                                   ("tgt", tgt, tc, extra, "not in the source")):
            for c in side_codes:
                if left[c.key] <= 0:
                    continue
                left[c.key] -= 1
                minor = Severity.MINOR if c.kind in ("hashtag", "handle") else None
                msg = f"{LABELS[c.kind].capitalize()} {text[c.start : c.end]} is {what}."
                flags.append(self.flag(side, text, c.start, c.end, msg, severity=minor))
        if not missing and not extra:
            bad = _misnested([c for c in tc if c.kind == "tag"])
            if bad is not None and _misnested([c for c in sc if c.kind == "tag"]) is None:
                msg = f"Tag {tgt[bad.start : bad.end]} is out of order: the tags do not nest as in the source."
                flags.append(self.flag("tgt", tgt, bad.start, bad.end, msg))
        return flags
