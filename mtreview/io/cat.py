"""CAT-tool round trip: an XLIFF 1.2 / 2.x (also SDLXLIFF, MQXLIFF) or TMX file in, the same file out.

``read(data, name) -> CatFile`` parses the file once (lxml) and lists its segments in
document order: one per ``<trans-unit>`` (XLIFF 1.2), one per ``<mrk mtype="seg">`` of a
``<seg-source>`` (SDLXLIFF, MQXLIFF, Okapi), one per ``<segment>`` (XLIFF 2.x), one per
``<tu>`` (TMX). Each segment's source and target are text in which every inline tag is a
protected placeholder, so segmenting, alignment, checks and reviewers' edits carry it along:

    ⟨k⟩ … ⟨/k⟩   a paired tag: <g>, <pc>, <mrk>, <hi> (wrapping), <bpt>/<ept>, <bx/>/<ex/>, <sc/>/<ec/>, <sm/>/<em/>
    ⟨k/⟩         a standalone tag: <x/>, <ph>, <it>, <ut>, ...

``k`` numbers the source's tags in order; a target tag with the same id gets the same ``k``.

``cat_export.export`` writes the reviewed file back.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..records import Flag, Sentence

SDL_NS = "http://sdl.com/FileTypes/SdlXliff/1.0"
MQ_NS = "MQXliff"
OWN_MARK = "mtreview-"  # id / mid of the ITS marks export adds (dropped when the file is read again)
TOKEN = re.compile(r"⟨(/?)(q?\d+)(/?)⟩")
WRAP = {"g", "pc", "mrk", "hi", "sub"}
PAIR_OPEN = {"bpt", "bx", "sc", "sm"}
PAIR_CLOSE = {"ept", "ex", "ec", "em"}


def local_name(el) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else "#node"


@dataclass
class CatSegment:
    """One reviewable segment: where it lives in the tree and its texts with placeholders."""

    index: int
    file: str  # <file original> (1.2) / <file id> (2.x) / "" (TMX)
    unit: str  # trans-unit / unit id, tuid (TMX)
    mid: str | None  # <mrk mid> (SDLXLIFF), <segment id> (2.x), else None
    src: str
    tgt: str
    src_el: Any
    tgt_el: Any  # None when the file has no target yet
    unit_el: Any
    tags: dict[str, tuple[str, Any]] = field(default_factory=dict)  # token -> (wrap|close|elem, element)

    @property
    def id(self) -> str:
        return self.unit if self.mid is None else f"{self.unit}#{self.mid}"

    def tag_tokens(self, side: str) -> list[str]:
        """The placeholders of one side, in order."""
        return [m.group(0) for m in TOKEN.finditer(self.src if side == "src" else self.tgt)]


@dataclass
class CatFile:
    """A parsed CAT file: its tree, its kind (xliff1 | xliff2 | tmx) and its segments."""

    name: str
    kind: str
    root: Any
    segments: list[CatSegment]
    dialect: str = ""  # sdlxliff | mqxliff | ""

    def rows(self) -> list[dict[str, Any]]:
        """The segments as ``formats`` rows (line = 1-based segment index)."""
        return [{"line": s.index + 1, "id": s.id, "src": s.src, "tgt": s.tgt, "ref": None, "mt": None}
                for s in self.segments]


class _Flattener:
    """Element content -> text with placeholders, registering each tag under its token."""

    def __init__(self, name: str, where: str) -> None:
        self.keys: dict[tuple, int] = {}
        self.tags: dict[str, tuple[str, Any]] = {}
        self.seen: dict[str, int] = {}
        self.name, self.where = name, where

    def _number(self, key: tuple) -> int:
        if key not in self.keys:
            self.keys[key] = len(self.keys) + 1
        return self.keys[key]

    def _occurrence(self, side: str, what: str) -> str:
        n = self.seen.get(side + what, 0) + 1
        self.seen[side + what] = n
        return f"#{n}"

    def text(self, s: str | None) -> str:
        s = s or ""
        if TOKEN.search(s):
            raise InputError(f"{self.name}: {self.where}: text contains {TOKEN.search(s).group(0)!r}, "
                             "which mtreview reserves for inline-tag placeholders")
        return s

    def flatten(self, el, side: str) -> str:
        out = [self.text(el.text)]
        for child in el:
            name = local_name(child)
            ident = child.get("id") if isinstance(child.tag, str) else None
            if name == "mrk" and (child.get("mid") or ident or "").startswith(OWN_MARK):
                out.append(self.flatten(child, side))  # our own ITS mark from an earlier export
            elif name in WRAP:
                k = self._number(("w", name, ident or self._occurrence(side, name)))
                shell = copy.copy(child)
                for sub in list(shell):
                    shell.remove(sub)
                shell.text = shell.tail = None
                self.tags.setdefault(f"⟨{k}⟩", ("wrap", shell))
                self.tags.setdefault(f"⟨/{k}⟩", ("close", None))
                out.append(f"⟨{k}⟩{self.flatten(child, side)}⟨/{k}⟩")
            elif name in PAIR_OPEN or name in PAIR_CLOSE:
                pair = child.get("i") or child.get("rid") or child.get("startRef") or ident
                k = self._number(("p", pair or self._occurrence(side, name)))
                token = f"⟨{k}⟩" if name in PAIR_OPEN else f"⟨/{k}⟩"
                out.append(self._elem(token, child, side))
            else:
                k = self._number(("s", name, ident or child.get("x") or self._occurrence(side, name)))
                out.append(self._elem(f"⟨{k}/⟩", child, side))
            out.append(self.text(child.tail))
        return "".join(out)

    def _elem(self, token: str, child, side: str) -> str:
        item = copy.deepcopy(child)
        item.tail = None
        if side == "tgt" or token not in self.tags:  # the target's own element wins in the target
            self.tags[token] = ("elem", item)
        return token


def _segment(cat_segments: list[CatSegment], name: str, file: str, unit: str, mid: str | None,
             src_el, tgt_el, unit_el) -> None:
    where = f"unit {unit}" + (f" segment {mid}" if mid else "")
    fl = _Flattener(name, where)
    src = fl.flatten(src_el, "src") if src_el is not None else ""
    src_tags = dict(fl.tags)
    tgt = fl.flatten(tgt_el, "tgt") if tgt_el is not None else ""
    tags = {**fl.tags, **{t: v for t, v in src_tags.items() if t not in fl.tags}}
    cat_segments.append(CatSegment(len(cat_segments), file, unit, mid, src, tgt, src_el, tgt_el, unit_el, tags))


def children(el, name: str) -> list:
    return [c for c in el if local_name(c) == name]


def _seg_mrks(el) -> list:
    return [m for m in el.iter() if local_name(m) == "mrk" and m.get("mtype") == "seg"]


def _read_xliff1(root, name: str, segs: list[CatSegment]) -> None:
    for file_el in (e for e in root.iter() if local_name(e) == "file"):
        original = file_el.get("original", "")
        for tu in (e for e in file_el.iter() if local_name(e) == "trans-unit"):
            uid = tu.get("id") or str(len(segs) + 1)
            source = next(iter(children(tu, "source")), None)
            target = next(iter(children(tu, "target")), None)
            seg_source = next(iter(children(tu, "seg-source")), None)
            mrks = _seg_mrks(seg_source) if seg_source is not None else []
            if mrks and target is not None and not _seg_mrks(target) and "".join(target.itertext()).strip():
                mrks = []  # a target not split like its <seg-source>: the unit is one segment, not lost
            if not mrks:
                _segment(segs, name, original, uid, None, source, target, tu)
                continue
            by_mid = {m.get("mid"): m for m in _seg_mrks(target)} if target is not None else {}
            for m in mrks:
                _segment(segs, name, original, uid, m.get("mid"), m, by_mid.get(m.get("mid")), tu)


def _read_xliff2(root, name: str, segs: list[CatSegment]) -> None:
    for file_el in (e for e in root.iter() if local_name(e) == "file"):
        fid = file_el.get("id", "")
        for unit in (e for e in file_el.iter() if local_name(e) == "unit"):
            uid = unit.get("id") or str(len(segs) + 1)
            parts = children(unit, "segment")
            for k, seg in enumerate(parts, 1):
                mid = None if len(parts) == 1 else (seg.get("id") or str(k))
                source = next(iter(children(seg, "source")), None)
                target = next(iter(children(seg, "target")), None)
                _segment(segs, name, fid, uid, mid, source, target, seg)


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _read_tmx(root, name: str, segs: list[CatSegment]) -> None:
    for tu in (e for e in root.iter() if local_name(e) == "tu"):
        by_lang: dict[str, Any] = {}
        for tuv in children(tu, "tuv"):
            lang = (tuv.get(_XML_LANG) or tuv.get("lang") or "").lower().split("-")[0].split("_")[0]
            seg = next(iter(children(tuv, "seg")), None)
            if lang and seg is not None:
                by_lang.setdefault(lang, seg)
        if not ({"en", "ja"} & set(by_lang)):
            got = ", ".join(sorted(by_lang)) or "none"
            raise InputError(f"{name}: unit {len(segs) + 1}: no en or ja variant (languages: {got})")
        _segment(segs, name, "", tu.get("tuid") or str(len(segs) + 1), None, by_lang.get("en"),
                 by_lang.get("ja"), tu)


def reject_external_entities(root, name: str) -> dict[str, str]:
    """An InputError for a reference to an entity whose text is not in the file (an external SYSTEM /
    PUBLIC entity is never read, so the reference would silently vanish). Returns the text of each
    internal entity referenced (name -> replacement text)."""
    from lxml import etree

    dtd = root.getroottree().docinfo.internalDTD
    declared = {e.name: e for e in dtd.iterentities()} if dtd is not None else {}
    used = {}
    for node in root.iter(etree.Entity):
        decl = declared.get(node.name)
        if decl is None or decl.content is None:
            raise InputError(f"{name}:{node.sourceline}: the entity reference {node.text} names no text in "
                             "this file (an external entity is never read); write its text instead")
        used[node.name] = decl.content
    return used


def _expand_entities(root, texts: dict[str, str]) -> None:
    """Replace each internal entity reference by its text (as plain text: it is never parsed again, so
    it cannot reach an external entity); the file is written back with the text in its place."""
    from lxml import etree

    for node in list(root.iter(etree.Entity)):
        text = texts[node.name] + (node.tail or "")
        parent, prev = node.getparent(), node.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
        parent.remove(node)


def read(data: bytes, name: str) -> CatFile:
    """Parse an XLIFF 1.2 / 2.x or TMX file (bytes) into a CatFile; bad input is an InputError."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else 0)
        msg = str(exc.msg).split(" (line")[0] if exc.msg else "syntax error"
        raise InputError(f"{name}:{line}: invalid XML ({msg})") from None
    _expand_entities(root, reject_external_entities(root, name))
    segs: list[CatSegment] = []
    local = local_name(root)
    if local == "xliff":
        version = root.get("version", "1.2")
        kind = "xliff2" if version.startswith("2") else "xliff1"
        (_read_xliff2 if kind == "xliff2" else _read_xliff1)(root, name, segs)
    elif local == "tmx":
        kind = "tmx"
        _read_tmx(root, name, segs)
    else:
        raise InputError(f"{name}:{root.sourceline}: not an XLIFF or TMX file (root element <{local}>)")
    if not segs:
        raise InputError(f"{name}: no translation units found")
    nsmap = set((root.nsmap or {}).values())
    dialect = "sdlxliff" if SDL_NS in nsmap else "mqxliff" if MQ_NS in nsmap else ""
    return CatFile(name, kind, root, segs, dialect)


# -- placeholders and the checks --------------------------------------------------------------------

def mask(text: str) -> str:
    """``text`` with each placeholder blanked out by as many spaces (offsets hold): to the checks a tag
    is a word boundary, not the number 2 of ⟨2/⟩, a sentence of its own after 。 or the start of a line."""
    if "⟨" not in text:
        return text
    return TOKEN.sub(lambda m: " " * len(m.group(0)), text)


def unmask_flags(flags: Sequence[Flag], src: str, tgt: str) -> tuple[Flag, ...]:
    """Flags found on masked texts, with their ``text`` read back from the real ones."""
    out = []
    for f in flags:
        side = src if f.side == "src" else tgt
        if f.end <= len(side) and side[f.start:f.end] != f.text and mask(side[f.start:f.end]) == f.text:
            f = dataclasses.replace(f, text=side[f.start:f.end])
        out.append(f)
    return tuple(out)


def attach_bare_placeholders(sents: Sequence[Sentence], text: str) -> list[Sentence]:
    """Sentences of a segment file with no sentence made of placeholders alone: a tag after the
    full stop (``…した。⟨2/⟩``) joins the sentence before it in its unit (or the one after, when it
    opens the unit). Ids are renumbered in order; offsets still index ``text``."""
    if not any("⟨" in s.text for s in sents):
        return list(sents)
    spans: list[list[int]] = []  # [start, end, block]
    bare_first: list[int] = []
    for s in sents:
        bare = not TOKEN.sub("", s.text).strip()
        if bare and spans and spans[-1][2] == s.block:
            spans[-1][1] = s.end
            continue
        if spans and spans[-1][2] == s.block and bare_first and bare_first[-1] == len(spans) - 1:
            spans[-1][1] = s.end  # the unit opened with a bare placeholder: it joins this sentence
            bare_first.pop()
            continue
        if bare:
            bare_first.append(len(spans))
        spans.append([s.start, s.end, s.block])
    return [Sentence(k, a, b, text[a:b], block) for k, (a, b, block) in enumerate(spans)]
