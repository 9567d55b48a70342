"""Article structure: the kind of each block of a cleaned page.

headline (first block, short, no final period), caption (blocks between the headline and
the page's "Short Url:"/timestamp line, or the block right after the headline when it
carries a photo credit or precedes the datelined lead), dateline (a dateline standing on
its own line), credit (a final "AP" / "(AFP=時事)" / "Reporting by ..."), body.
"""

from __future__ import annotations

import re

from ..records import Block

_EN_DATELINE = re.compile(
    r"^[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+)*(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?)?"
    r"(?: \([A-Za-z/ ]+\))?\s*(?::|--|—|–|-)(?=\s|$)"
)
_JA_DATELINE = re.compile(
    r"^(?:【(?!(?:写真|動画|画像|映像|関連|図|表|速報|独自|解説|特集|コラム|PR|広告))[^】\n]{1,20}】|[(（][^()（）\n]{1,15}[=＝][^()（）\n]{1,10}[)）]"
    r"|[\u30a0-\u30ff\u4e00-\u9fff]{1,20}\s*(?:[:：]|--|―|—))"
)
_CREDIT = re.compile(
    r"^(?:[(（]?(?:AP|AFP|Reuters|Bloomberg|Kyodo|Jiji|Xinhua|Yonhap|dpa|UPI|CNN|BBC|NHK|"
    r"共同|時事|ロイター|ブルームバーグ)(?:[=/＝][^()\n]{1,20})?[)）]?|[(（][^()（）\n]{1,20}[=＝][^()（）\n]{1,12}[)）]|"
    r"(?:Reporting|Writing|Editing|Additional reporting) by [^\n]{1,120})$"
)
_PHOTO_CREDIT = re.compile(
    r"(?:[(（](?:[^()（）\n]{0,40}(?:AFP|AP|Reuters|Getty|EPA|Jiji|Kyodo|Photo|File|時事|共同|ロイター|写真|"
    r"提供|資料)[^()（）\n]{0,40})[)）]\s*$)|^(?:FILE\s*[-–—]|FILE PHOTO|Photo:|写真[:：]|［写真］|\[写真\])",
    re.I,
)


def dateline_end(s: str, lang: str) -> int:
    """Length of a leading dateline ("SEOUL:", "VIRGINIA BEACH, Va. --", "【ワシントン共同】"), else 0."""
    m = (_EN_DATELINE if lang == "en" else _JA_DATELINE).match(s)
    if not m:
        return 0
    if lang == "en" and len(re.sub(r"[^A-Z]", "", m.group(0))) < 3:
        return 0  # "A -" or "I:" are not place names
    return m.end()


def is_credit(s: str) -> bool:
    """An agency credit: "AP", "Reuters", "(AFP=時事)", "Reporting by ..."."""
    return len(s) <= 140 and bool(_CREDIT.match(s.strip()))


def classify(text: str, spans: list[tuple[int, int]], lang: str,
             caption_end: int | None = None) -> tuple[Block, ...]:
    """Kinds for article blocks: headline, caption, dateline, credit, body.

    ``caption_end``: where the page's photo area ends (its "Short Url:" / timestamp line);
    blocks between the headline and it are captions.
    """
    if not spans:
        return ()
    kinds = ["body"] * len(spans)
    texts = [text[a:b] for a, b in spans]
    for i, t in enumerate(texts):
        if dateline_end(t, lang) == len(t.rstrip()):
            kinds[i] = "dateline"
    if kinds[0] == "body" and _headline_like(texts[0], lang):
        kinds[0] = "headline"
    if len(texts) >= 2 and is_credit(texts[-1]):
        kinds[-1] = "credit"
    if kinds[0] == "headline" and caption_end is not None:
        for i in range(1, len(spans)):
            if spans[i][1] <= caption_end and kinds[i] == "body":
                kinds[i] = "caption"
    if kinds[0] == "headline" and len(texts) >= 3 and kinds[1] == "body":
        lead_has_dateline = dateline_end(texts[2], lang) > 0 or kinds[2] == "dateline"
        if _PHOTO_CREDIT.search(texts[1]) or (lead_has_dateline and not dateline_end(texts[1], lang)):
            kinds[1] = "caption"
    return tuple(Block(a, b, k) for (a, b), k in zip(spans, kinds, strict=True))


def _headline_like(s: str, lang: str) -> bool:
    s = s.strip()
    limit = 200 if lang == "en" else 120
    return "\n" not in s and len(s) <= limit and not re.search(r"[.。]$", s)
