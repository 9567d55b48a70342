"""Inconsistency: one person, body or term rendered differently within one article.

Document-level. Four kinds of evidence, each grouping mentions that must be written
the same way and reporting the ones that differ from the article's majority form. With
no majority (one mention each), a katakana spelling that breaks Japanese orthography
(ン or ー after ・, ー after ッ or ン) loses; otherwise the first form seen is the
reference and the flag is minor (unsure):

- a person with two ranks: 金正恩総書記 / 金正恩委員長 / 金委員長 (a surname alone joins the
  full name; 氏 and さん are not ranks; 前大統領 and 元首相 are other ranks; company and
  court titles such as 社長 / 会長, 容疑者 / 被告 are left out: they legitimately change);
- an organisation with two country prefixes or a truncated name: 北朝鮮外務省 /
  北の外務省 / 北朝鮮省;
- a katakana word spelled two ways: バージニア・ビーチ / バージニアビーチ, サーバー / サーバ;
- the same source sentence translated two different ways.

And the reverse direction (minor): one translation used for two different sources, as Xbench and
memoQ check it:

- the same Japanese sentence (at least ``min_target_chars`` characters) for two source sentences
  that differ in more than case, spacing and punctuation (a segment copied onto the wrong source,
  a number left as in the sentence it was copied from);
- one katakana word that sounds like two different English names (Austria / Australia,
  Johnson / Johnston), each in its own segment's source. Forms of one name are one name: a part
  of it (Biden, Joe Biden), a suffix (Russia, Russian), a possessive, the same sound skeleton.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigError
from ..lang import ja
from ..lang.mecab import word_pieces
from ..lang.names import closest_run, same_name, source_name
from ..records import Flag, Severity
from .base import Article, Check


def _words(text: str) -> list[str]:
    return text.split()


RANKS = sorted(_words(
    "総書記 第1書記 第一書記 国務委員長 委員長 国家主席 主席 書記長 大統領 副大統領 "
    "首相 副首相 外相 国防相 財務相 蔵相 国務長官 長官 大臣 官房長官 議長 総理 "
    "総理大臣 国王 皇太子 女王 事務総長 報道官 大使 知事 市長 町長 村長 総裁 首席 "
    "最高指導者 司令官 将軍 元帥 議員 上院議員 下院議員 党首 幹事長 "
), key=len, reverse=True)
NOT_RANKS = ("氏", "さん", "君", "ちゃん")
# words before a rank that name a country or body, not a person (ロシア大統領, 同国外相)
COUNTRIES = set(_words(
    "ロシア アメリカ 米国 中国 韓国 北朝鮮 日本 ウクライナ フランス ドイツ イギリス "
    "英国 イラン イラク イスラエル インド ブラジル トルコ カナダ メキシコ イタリア "
    "スペイン 台湾 香港 シリア パキスタン アフガニスタン サウジアラビア エジプト "
    "ベトナム タイ フィリピン インドネシア オーストラリア ポーランド ベラルーシ 政府 "
    "同国 両国 各国 米 露 中 韓 日 英 独 仏 北 南 同 国連 自国 同省 同党 現 "
))
# a name ending like this is a body, not a person (自民党幹事長, 同社会長, 防衛省報道官)
BODY_ENDINGS = tuple("国省府州県市町村区党軍側社会部局庁院団所校界連")
KANJI = f"{ja.KANJI}\u3005"  # and 々
SURNAME_MURA = re.compile(f"[{ja.KANJI}]村")  # 中村, 吉村, 木村: surnames, not villages
KATA = ja.KATAKANA
PERSON = re.compile(
    rf"(?<![{KANJI}{KATA}・])([{KANJI}]{{1,4}}|[{KATA}][{KATA}・＝=]{{1,15}})"
    rf"(?:[（(][^）)]{{1,20}}[）)])?(前|元|次期|新|現)?({'|'.join(RANKS)}|{'|'.join(NOT_RANKS)})"
)
_PM = "prime minister|premier|pm"
# the English of each rank: with no majority, the rank its source sentence names wins
RANK_EN = {
    "総書記": "general secretary|secretary.general|leader", "第1書記": "first secretary",
    "第一書記": "first secretary", "国務委員長": "chairman|chair|leader", "委員長": "chairman|chair|leader",
    "国家主席": "president|chairman", "主席": "president|chairman", "書記長": "general secretary|secretary.general",
    "大統領": "president", "副大統領": "vice.president", "首相": _PM, "総理": _PM, "総理大臣": _PM,
    "副首相": "deputy prime minister|deputy premier", "外相": "foreign minister|foreign secretary",
    "国防相": "defen[cs]e minister|defen[cs]e secretary", "財務相": "finance minister|treasury",
    "蔵相": "finance minister|chancellor", "国務長官": "secretary of state", "長官": "secretary|director|chief",
    "大臣": "minister|secretary", "官房長官": "chief cabinet secretary", "議長": "speaker|chair|president",
    "国王": "king", "皇太子": "crown prince", "女王": "queen", "事務総長": "secretary.general",
    "報道官": "spokes|press secretary", "大使": "ambassador", "知事": "governor", "市長": "mayor",
    "町長": "mayor", "村長": "mayor", "総裁": "governor|president|leader", "首席": "chief",
    "最高指導者": "supreme leader", "司令官": "commander", "将軍": "general", "元帥": "marshal",
    "議員": "lawmaker|senator|representative|congress|mp|member", "上院議員": "senator",
    "下院議員": "representative|congress", "党首": "leader", "幹事長": "secretary.general",
}
PREFIX_CANON = {
    "北": "北朝鮮",
    "北朝鮮": "北朝鮮",
    "米": "米国",
    "米国": "米国",
    "アメリカ": "米国",
    "露": "ロシア",
    "ロシア": "ロシア",
    "韓国": "韓国",
    "中国": "中国",
    "日本": "日本",
    "英": "英国",
    "英国": "英国",
    "イギリス": "英国",
    "ウクライナ": "ウクライナ",
}
_PREFIXES = "|".join(sorted(PREFIX_CANON, key=len, reverse=True))
ORG = re.compile(rf"(?<![{KANJI}{KATA}])({_PREFIXES})(の)?([{KANJI}]{{0,4}}?)(省|庁)(?![{KANJI}])")
KATA_RUN = re.compile(rf"[{KATA}][{KATA}・＝=]+[{KATA}]")
KATA_FOLD = str.maketrans({"ヴ": "ブ", "ァ": "ア", "ィ": "イ", "ゥ": "ウ", "ェ": "エ", "ォ": "オ"})


SMALL = "ァィゥェォャュョヮッ"
ILL_FORMED = re.compile(rf"・[ンー{SMALL}・]|[ッンー・]ー|ー[{SMALL}ー]")


def kata_oddities(word: str) -> int:
    """How unlike a real katakana word ``word`` is.

    One point for each break of katakana spelling (・ before ン/ー/small kana/・, ー after
    ッ/ン), each piece MeCab does not know (or cuts to one character), and each ・ that
    does not fall where MeCab cuts the word written without it, when MeCab knows every
    piece of that word (ガイド・ライン: ガイドライン is one word; the cuts of a foreign name
    MeCab does not know, キムカーダシアン, say nothing about where its ・ belongs).
    """
    pieces = [known for surface, known in word_pieces(word) if surface != "・"]
    bare = word.replace("・", "")
    cuts, pos = set(), 0
    bare_pieces = word_pieces(bare)
    for surface, _ in bare_pieces:
        pos += len(surface)
        cuts.add(pos)
    if not all(known for _, known in bare_pieces):
        cuts = set(range(len(bare) + 1))
    dots, pos = [], 0
    for ch in word:
        if ch == "・":
            dots.append(pos)
        else:
            pos += 1
    return len(ILL_FORMED.findall(word)) + pieces.count(False) + sum(d not in cuts for d in dots)


LATIN_WORD = re.compile(r"[A-Z][a-z]+")


def source_words(form: str, src: str) -> int:
    """How many Latin words the source writes ``form`` as (0: not found).

    Runs of one to three capitalised words are compared with the katakana by sound skeleton
    (names.py); the closest run counts (Rakitic -> 1, Brian May -> 2, Star Wars -> 2).
    """
    return len(closest_run(form, [LATIN_WORD.findall(src)]).split())


def dot_in_one_word(form: str, src: str) -> bool:
    """A ・ inside a word its source writes as one Latin word (アマ・ビエ for Amabie)."""
    return "・" in form and source_words(form, src) == 1


def dot_in_common_noun(form: str, srcs: list[str]) -> bool:
    """A ・ in a word no source sentence names (ホーム・ページ, ドレス・アップ): loanwords are written
    without ・, which separates the words of foreign names."""
    return "・" in form and not any(source_words(form, src) for src in srcs)


def dot_dropped(form: str, forms: set[str], src: str) -> bool:
    """``form`` lacks the ・ another form has between words its source writes apart (マディヤプラデーシュ
    for Madhya Pradesh, written マディヤ・プラデーシュ elsewhere)."""
    if "・" in form or not any("・" in f and f.replace("・", "") == form for f in forms):
        return False
    return source_words(form, src) >= 2


def more_pieces(form: str, forms: set[str]) -> bool:
    """MeCab needs more pieces for ``form`` than for another form made of words it knows (ファー+ウル,
    ファウル is one word; リャン+ピー against リャーンピー, which MeCab does not know, is no evidence)."""
    def pieces(f: str) -> list[tuple[str, bool]]:
        return word_pieces(f.replace("・", ""))

    known = [len(pieces(f)) for f in forms if all(k for _, k in pieces(f))]
    return bool(known) and len(pieces(form)) > min(known)


def _kata_key(word: str) -> str:
    w = re.sub(r"[・＝=ーッ]", "", word).replace("ヴァ", "バ").replace("ヴィ", "ビ").replace("ヴェ", "ベ")
    return w.replace("ヴォ", "ボ").translate(KATA_FOLD)


Mention = tuple[int, int, int, str]  # segment, start, end, form
REVERSE = "One translation for two sources"  # the reverse direction's flags start with this


def _plain(text: str) -> str:
    """The words of ``text`` without spaces and punctuation: a missing 、 is no other translation."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if not c.isspace() and not unicodedata.category(c).startswith("P"))


class Inconsistency(Check):
    id = "inconsistency"
    category = "terminology/inconsistency"
    severity = Severity.MINOR
    description = "The same person, title, organisation or term is rendered differently within the article."

    @dataclass(frozen=True)
    class Params:
        rank_severity: str = "major"  # a person given two different ranks (総書記 / 委員長)
        min_katakana: int = 4  # shortest katakana word (without ・ー) compared for spelling variants
        min_sentence_chars: int = 30  # shortest repeated source sentence compared
        min_target_chars: int = 20  # shortest repeated translation compared (the reverse direction)

        def __post_init__(self) -> None:
            try:
                Severity.parse(self.rank_severity)
            except ValueError as exc:
                raise ConfigError(f"[checks.params.inconsistency] rank_severity: {exc}") from None

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        if not article.document_level:
            return []
        segs = article.segments
        out = self._ranks(segs) + self._orgs(segs) + self._katakana(segs) + self._repeats(segs)
        return out + self._same_target(segs) + self._same_name(segs)

    def _report(
        self,
        segs: Any,
        groups: dict[Any, list[Mention]],
        what: str,
        severity: Severity | None = None,
        prefer: Any = None,
        oddities: Any = None,  # (form, its mentions) -> count of reasons to doubt it
    ) -> list[tuple[int, Flag]]:
        """Flag every mention whose form differs from its group's reference form.

        The reference is the one form ``prefer`` accepts, else the majority form. With no
        majority, the tied form with the fewest ``oddities`` wins; failing that the first
        form seen, and the flags are minor (unsure).
        """
        out = []
        for mentions in groups.values():
            counts = Counter(m[3] for m in mentions)
            if len(counts) < 2:
                continue
            first: dict[str, tuple[int, int]] = {}
            for m in mentions:
                first.setdefault(m[3], (m[0], m[1]))
            preferred = [f for f in counts if prefer and prefer(f)]
            top = max(counts.values())
            tied = sorted((f for f in counts if counts[f] == top), key=first.__getitem__)
            sev = severity
            if len(preferred) == 1:
                ref = preferred[0]
            elif len(tied) == 1:
                ref = tied[0]
            else:
                odd = {f: oddities(f, [m for m in mentions if m[3] == f]) if oddities else 0 for f in tied}
                best = [f for f in tied if odd[f] == min(odd.values())]
                ref = best[0]
                if len(best) > 1:
                    sev = Severity.MINOR  # no evidence which form is right: the later one is suspect
            others = ", ".join(f"{f} ×{n}" for f, n in sorted(counts.items(), key=lambda kv: first[kv[0]]))
            for i, s, e, form in mentions:
                if form == ref:
                    continue
                msg = f"{what} written differently in this article ({others}); elsewhere 「{ref}」."
                out.append((i, self.flag("tgt", segs[i].tgt, s, e, msg, suggestion=ref, severity=sev)))
        return out

    def _ranks(self, segs: Any) -> list[tuple[int, Flag]]:
        found: list[tuple[int, int, int, str, str]] = []
        for i, seg in enumerate(segs):
            for m in PERSON.finditer(seg.tgt):
                name, mod, rank = m.group(1), m.group(2), m.group(3)
                if name in COUNTRIES or (name.endswith(BODY_ENDINGS) and not SURNAME_MURA.fullmatch(name)):
                    continue
                if mod or rank in NOT_RANKS:
                    continue
                found.append((i, m.start(3), m.end(3), rank, name))
        names = {f[4] for f in found}
        # a surname alone (金) joins the one full name that starts with it (金正恩)
        canon = {}
        for n in names:
            longer = [o for o in names if o != n and o.startswith(n)]
            canon[n] = longer[0] if len(longer) == 1 else n
        groups: dict[str, list[Mention]] = defaultdict(list)
        for i, s, e, rank, name in found:
            groups[canon[name]].append((i, s, e, rank))
        sev = Severity.parse(self.params.rank_severity)

        def unsupported(rank: str, mentions: list[Mention]) -> int:
            """Mentions whose source sentence does not name this rank in English."""
            rx = re.compile(rf"\b(?:{RANK_EN.get(rank, '$^')})", re.IGNORECASE)
            return sum(not rx.search(segs[i].src) for i, *_ in mentions)

        return self._report(segs, groups, "This person's title is", sev, oddities=unsupported)

    def _orgs(self, segs: Any) -> list[tuple[int, Flag]]:
        found = []
        for i, seg in enumerate(segs):
            for m in ORG.finditer(seg.tgt):
                canon = PREFIX_CANON[m.group(1)]
                found.append((i, m.start(), m.end(), m.group(), canon, m.group(3), m.group(4)))
        cores = defaultdict(set)
        for f in found:
            if f[5]:
                cores[(f[4], f[6])].add(f[5])
        groups: dict[tuple[str, str, str], list[Mention]] = defaultdict(list)
        for i, s, e, form, canon, core, head in found:
            if not core and len(cores[(canon, head)]) == 1:
                core = next(iter(cores[(canon, head)]))  # 北朝鮮省: the one ministry named in full
            groups[(canon, core, head)].append((i, s, e, form))
        full = {v for k, v in PREFIX_CANON.items()}
        return self._report(
            segs,
            groups,
            "This organisation is",
            prefer=lambda f: (
                any(f.startswith(c) and f[len(c)] != "の" for c in full)
                and ORG.fullmatch(f) is not None
                and ORG.fullmatch(f).group(3) != ""
            ),
        )

    def _katakana(self, segs: Any) -> list[tuple[int, Flag]]:
        groups: dict[str, list[Mention]] = defaultdict(list)
        for i, seg in enumerate(segs):
            for m in KATA_RUN.finditer(seg.tgt):
                key = _kata_key(m.group())
                if len(key) >= 2:
                    groups[key].append((i, m.start(), m.end(), m.group()))
        # a short word is compared only when one of its forms breaks katakana spelling (メッーセージ)
        groups = {k: ms for k, ms in groups.items() if len(k) >= self.params.min_katakana
                  or {bool(ILL_FORMED.search(m[3])) for m in ms} == {True, False}}
        dotted = {k for k, ms in groups.items() if any("・" in m[3] for m in ms)}

        def odd(form: str, mentions: list[Mention]) -> int:
            key = _kata_key(form)
            forms = {m[3] for m in groups[key]}
            dots_elsewhere = bool(dotted - {key})
            srcs = [segs[i].src for i, *_ in groups[key]]
            return (kata_oddities(form) + more_pieces(form, forms) + dot_in_common_noun(form, srcs)
                    + any(dot_in_one_word(form, segs[i].src) for i, *_ in mentions)
                    + (dots_elsewhere and any(dot_dropped(form, forms, segs[i].src) for i, *_ in mentions)))

        return self._report(segs, groups, "This word is", oddities=odd)

    def _repeats(self, segs: Any) -> list[tuple[int, Flag]]:
        seen: dict[str, int] = {}
        out = []
        for i, seg in enumerate(segs):
            key = " ".join(unicodedata.normalize("NFKC", seg.src).split()).lower()
            if len(key) < self.params.min_sentence_chars or not seg.tgt.strip():
                continue
            if key in seen and _plain(segs[seen[key]].tgt) != _plain(seg.tgt):
                msg = f"The same source sentence is translated differently in segment {seen[key] + 1}."
                first = segs[seen[key]].tgt.strip()
                out.append((i, self.flag("tgt", seg.tgt, 0, len(seg.tgt), msg, suggestion=first)))
            seen.setdefault(key, i)
        return out

    def _same_target(self, segs: Any) -> list[tuple[int, Flag]]:
        seen: dict[str, int] = {}
        out = []
        for i, seg in enumerate(segs):
            key = _plain(seg.tgt)
            if len(key) < self.params.min_target_chars or not seg.src.strip():
                continue
            k = seen.setdefault(key, i)
            if k != i and _plain(segs[k].src).lower() != _plain(seg.src).lower():
                msg = f"{REVERSE}: segment {k + 1} has the same translation for a different source sentence."
                out.append((i, self.flag("tgt", seg.tgt, 0, len(seg.tgt), msg)))
        return out

    def _same_name(self, segs: Any) -> list[tuple[int, Flag]]:
        links: dict[str, list[tuple[int, int, int, str]]] = defaultdict(list)  # katakana -> its English names
        for i, seg in enumerate(segs):
            for m in KATA_RUN.finditer(seg.tgt):
                if len(_kata_key(m.group())) >= self.params.min_katakana:
                    name = source_name(m.group(), seg.src)
                    if name:
                        links[m.group()].append((i, m.start(), m.end(), name))
        out = []
        for form, mentions in links.items():
            names: list[list[tuple[int, int, int, str]]] = []  # mentions grouped by English name
            for m in mentions:
                group = next((g for g in names if same_name(g[0][3], m[3])), None)
                if group is None:
                    names.append([m])
                else:
                    group.append(m)
            if len(names) < 2:
                continue
            usual = max(names, key=len)  # the most mentioned name (a tie: the first) is the reference
            for group in names:
                if group is usual:
                    continue
                for i, s, e, name in group:
                    msg = (f"{REVERSE}: 「{form}」 renders \"{usual[0][3]}\" in segment {usual[0][0] + 1}; here the "
                           f"source says \"{name}\".")
                    out.append((i, self.flag("tgt", segs[i].tgt, s, e, msg)))
        return out
