"""CAT-tool round trip: an XLIFF 1.2 / 2.x (also SDLXLIFF, MQXLIFF) or TMX file in, the same file out.

``read(data, name) -> CatFile`` parses the file once (lxml) and lists its segments in
document order: one per ``<trans-unit>`` (XLIFF 1.2), one per ``<mrk mtype="seg">`` of a
``<seg-source>`` (SDLXLIFF, MQXLIFF, Okapi), one per ``<segment>`` (XLIFF 2.x), one per
``<tu>`` (TMX). Each segment's source and target are text in which every inline tag is a
protected placeholder, so segmenting, alignment, checks and reviewers' edits carry it along:

    ⟨k⟩ … ⟨/k⟩   a paired tag: <g>, <pc>, <mrk>, <hi> (wrapping), <bpt>/<ept>, <bx/>/<ex/>, <sc/>/<ec/>, <sm/>/<em/>
    ⟨k/⟩         a standalone tag: <x/>, <ph>, <it>, <ut>, ...

``k`` numbers the source's tags in order; a target tag with the same id gets the same ``k``.

``export(cat, review, states) -> bytes`` writes the same tree back with, per segment, the
edited target (placeholders turned back into the original elements), the review state set
as each format names it (XLIFF 1.2 ``state="signed-off"`` + ``approved="yes"``, SDLXLIFF
``conf="ApprovedSignOff"``, memoQ ``mq:status="Reviewer1Confirmed"``, XLIFF 2.x
``state="final"``, TMX a ``x-mtreview-state`` prop) and the flags as ITS 2.0 Localization
Quality Issue markup (``its:locQualityIssueType``, ``…Severity``, ``…Comment``; a rejected flag
gets ``its:locQualityIssueEnabled="no"``) on a ``<mrk>`` around the flagged words (TMX: notes).
Ids, headers, skeletons, untouched units and foreign namespaces are left as they were.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import InputError
from .records import Review, Segment

ITS_NS = "http://www.w3.org/2005/11/its"
SDL_NS = "http://sdl.com/FileTypes/SdlXliff/1.0"
MQ_NS = "MQXliff"
OWN_MARK = "mtreview-"  # id / mid of the ITS marks export adds (dropped when the file is read again)
TOKEN = re.compile(r"⟨(/?)(q?\d+)(/?)⟩")
WRAP = {"g", "pc", "mrk", "hi", "sub"}
PAIR_OPEN = {"bpt", "bx", "sc", "sm"}
PAIR_CLOSE = {"ept", "ex", "ec", "em"}
# ITS 2.0 severity is a number 0-100; our three levels at the quarter points.
ITS_SEVERITY = {"minor": "25", "major": "50", "critical": "100"}
# Our check categories (MQM-style "family/detail") to ITS 2.0 Localization Quality Issue types.
ITS_TYPES = {
    "accuracy/addition": "addition", "accuracy/omission": "omission", "accuracy/untranslated": "untranslated",
    "accuracy/mistranslation": "mistranslation", "fluency/repetition": "duplication",
    "fluency/punctuation": "typographical", "fluency/spelling": "misspelling", "fluency/grammar": "grammar",
    "terminology/inconsistency": "inconsistency", "terminology/wrong-term": "terminology",
    "style": "style", "locale": "locale-violation", "markup": "markup", "numbers": "numbers",
}


def its_type(category: str) -> str:
    """The ITS Localization Quality Issue type for a flag category (``other`` when none fits)."""
    if category in ITS_TYPES:
        return ITS_TYPES[category]
    family, _, detail = category.partition("/")
    return ITS_TYPES.get(detail, ITS_TYPES.get(family, "other"))


def _local(el) -> str:
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
            name = _local(child)
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


def _children(el, name: str) -> list:
    return [c for c in el if _local(c) == name]


def _seg_mrks(el) -> list:
    return [m for m in el.iter() if _local(m) == "mrk" and m.get("mtype") == "seg"]


def _read_xliff1(root, name: str, segs: list[CatSegment]) -> None:
    for file_el in (e for e in root.iter() if _local(e) == "file"):
        original = file_el.get("original", "")
        for tu in (e for e in file_el.iter() if _local(e) == "trans-unit"):
            uid = tu.get("id") or str(len(segs) + 1)
            source = next(iter(_children(tu, "source")), None)
            target = next(iter(_children(tu, "target")), None)
            seg_source = next(iter(_children(tu, "seg-source")), None)
            mrks = _seg_mrks(seg_source) if seg_source is not None else []
            if not mrks:
                _segment(segs, name, original, uid, None, source, target, tu)
                continue
            by_mid = {m.get("mid"): m for m in _seg_mrks(target)} if target is not None else {}
            for m in mrks:
                _segment(segs, name, original, uid, m.get("mid"), m, by_mid.get(m.get("mid")), tu)


def _read_xliff2(root, name: str, segs: list[CatSegment]) -> None:
    for file_el in (e for e in root.iter() if _local(e) == "file"):
        fid = file_el.get("id", "")
        for unit in (e for e in file_el.iter() if _local(e) == "unit"):
            uid = unit.get("id") or str(len(segs) + 1)
            parts = _children(unit, "segment")
            for k, seg in enumerate(parts, 1):
                mid = None if len(parts) == 1 else (seg.get("id") or str(k))
                source = next(iter(_children(seg, "source")), None)
                target = next(iter(_children(seg, "target")), None)
                _segment(segs, name, fid, uid, mid, source, target, seg)


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _read_tmx(root, name: str, segs: list[CatSegment]) -> None:
    for tu in (e for e in root.iter() if _local(e) == "tu"):
        by_lang: dict[str, Any] = {}
        for tuv in _children(tu, "tuv"):
            lang = (tuv.get(_XML_LANG) or tuv.get("lang") or "").lower().split("-")[0].split("_")[0]
            seg = next(iter(_children(tuv, "seg")), None)
            if lang and seg is not None:
                by_lang.setdefault(lang, seg)
        if not ({"en", "ja"} & set(by_lang)):
            got = ", ".join(sorted(by_lang)) or "none"
            raise InputError(f"{name}: unit {len(segs) + 1}: no en or ja variant (languages: {got})")
        _segment(segs, name, "", tu.get("tuid") or str(len(segs) + 1), None, by_lang.get("en"),
                 by_lang.get("ja"), tu)


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
    segs: list[CatSegment] = []
    local = _local(root)
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


# -- export -----------------------------------------------------------------------------------------


def _norm(s: str) -> str:
    return "".join(TOKEN.sub("", s).split())


def match_segments(cat: CatFile, review: Review) -> dict[int, CatSegment]:
    """Review segment id -> the CAT segment it was made from (same texts, in order)."""
    out: dict[int, CatSegment] = {}
    at = 0
    for seg in review.segments:
        want = (_norm(seg.src), _norm(seg.tgt))
        k = at
        while k < len(cat.segments) and (_norm(cat.segments[k].src), _norm(cat.segments[k].tgt)) != want:
            k += 1
        if k == len(cat.segments):
            raise InputError(f"{cat.name}: review segment {seg.id} ({seg.src[:40]!r}) is not in this file; "
                             "export needs the file the review was made from")
        out[seg.id] = cat.segments[k]
        at = k + 1
    return out


def _its_attrs(flag: dict[str, Any], decision: str | None) -> dict[str, str]:
    comment = f"{flag['check']}: {flag['message']}"
    if flag.get("suggestion"):
        comment += f" (suggestion: {flag['suggestion']})"
    if decision:
        comment += f" [{decision}ed by the reviewer]"
    attrs = {
        f"{{{ITS_NS}}}locQualityIssueType": its_type(flag["category"]),
        f"{{{ITS_NS}}}locQualityIssueSeverity": ITS_SEVERITY[flag["severity"]],
        f"{{{ITS_NS}}}locQualityIssueComment": comment,
    }
    if decision == "reject":
        attrs[f"{{{ITS_NS}}}locQualityIssueEnabled"] = "no"
    return attrs


def _place(text: str, flags: Sequence[tuple[dict[str, Any], str | None]], seg: Segment
           ) -> tuple[str, list[tuple[str, dict[str, Any], str | None]]]:
    """Insert ⟨qN⟩…⟨/qN⟩ marks around each target flag's words in ``text``; flags that cannot be
    placed (source-side, words edited away, crossing another mark) wrap the whole target."""
    spans: list[tuple[int, int, int]] = []
    placed: list[tuple[str, dict[str, Any], str | None]] = []
    whole: list[int] = []
    for n, (f, decision) in enumerate(flags, 1):
        placed.append((f"q{n}", f, decision))
        at = -1
        if f["side"] == "tgt" and f["text"] and "⟨" not in f["text"] and "⟩" not in f["text"]:
            hits = [m.start() for m in re.finditer(re.escape(f["text"]), text)]
            if hits:
                at = min(hits, key=lambda h: abs(h - f["start"]))
        end = at + len(f["text"])
        if at < 0 or any(a < at < b < end or at < a < end < b for a, b, _ in spans):
            whole.append(n)
        else:
            spans.append((at, end, n))
    # At one position: closing marks before opening ones, longer spans open first and close last.
    events = sorted([(a, 1, a - b, f"⟨q{n}⟩") for a, b, n in spans]
                    + [(b, 0, b - a, f"⟨/q{n}⟩") for a, b, n in spans])
    parts, prev = [], 0
    for pos, _kind, _size, token in events:
        parts += [text[prev:pos], token]
        prev = pos
    text = "".join(parts) + text[prev:]
    for n in whole:
        text = f"⟨q{n}⟩{text}⟨/q{n}⟩"
    return text, placed


def _its_mrk(cat: CatFile, n: str, attrs: dict[str, str]):
    from lxml import etree

    ns = etree.QName(cat.root).namespace
    el = etree.Element(f"{{{ns}}}mrk" if ns else "mrk", nsmap={"its": ITS_NS})
    if cat.kind == "xliff2":
        el.set("id", f"{OWN_MARK}{n}")
        el.set("type", "its:generic")
    else:
        el.set("mtype", "x-its")
        el.set("mid", f"{OWN_MARK}{n}")
    for k, v in attrs.items():
        el.set(k, v)
    return el


def rebuild(target, text: str, tags: Mapping[str, tuple[str, Any]], where: str) -> None:
    """Replace ``target``'s content by ``text``, turning placeholders back into their elements."""
    for child in list(target):
        target.remove(child)
    target.text = None
    stack = [target]

    def add_text(s: str) -> None:
        cur = stack[-1]
        if not s:
            return
        if len(cur):
            cur[-1].tail = (cur[-1].tail or "") + s
        else:
            cur.text = (cur.text or "") + s

    pos = 0
    for m in TOKEN.finditer(text):
        add_text(text[pos:m.start()])
        pos = m.end()
        token = m.group(0)
        if token not in tags:
            raise InputError(f"{where}: unknown tag placeholder {token} in the edited translation")
        mode, el = tags[token]
        if mode == "wrap":
            new = copy.copy(el)
            stack[-1].append(new)
            stack.append(new)
        elif mode == "close":
            if len(stack) == 1 or stack[-1].get("_mtreview_open") != token[2:-1]:
                raise InputError(f"{where}: tag placeholder {token} closes a tag that is not open")
            stack.pop().attrib.pop("_mtreview_open")
        else:
            stack[-1].append(copy.deepcopy(el))
        if mode == "wrap":
            stack[-1].set("_mtreview_open", token[1:-1])
    add_text(text[pos:])
    if len(stack) > 1:
        raise InputError(f"{where}: tag placeholder ⟨{stack[-1].get('_mtreview_open')}⟩ is never closed")


def _ensure_target(cat: CatFile, seg: CatSegment):
    from lxml import etree

    if seg.tgt_el is not None:
        return seg.tgt_el
    ns = etree.QName(seg.src_el).namespace
    if seg.mid is not None and cat.kind == "xliff1":  # an SDLXLIFF segment without its target mrk
        target = next(iter(_children(seg.unit_el, "target")), None)
        if target is None:
            target = etree.SubElement(seg.unit_el, f"{{{ns}}}target" if ns else "target")
        el = etree.SubElement(target, seg.src_el.tag, mtype="seg", mid=seg.mid)
    elif cat.kind == "tmx":
        tuv = etree.SubElement(seg.unit_el, "tuv")
        tuv.set("{http://www.w3.org/XML/1998/namespace}lang", "ja")
        el = etree.SubElement(tuv, "seg")
    else:
        el = etree.Element(f"{{{ns}}}target" if ns else "target")
        seg.src_el.addnext(el)
    seg.tgt_el = el
    return el


def _set_state(cat: CatFile, seg: CatSegment) -> None:
    from lxml import etree

    if cat.kind == "xliff2":
        seg.unit_el.set("state", "final")
    elif cat.kind == "tmx":
        prop = etree.Element("prop", type="x-mtreview-state")
        prop.text = "signed-off"
        seg.unit_el.insert(0, prop)
    else:
        target = next(iter(_children(seg.unit_el, "target")), None)
        if target is not None and seg.mid is None:  # SDLXLIFF keeps per-segment state in sdl:seg
            target.set("state", "signed-off")
            seg.unit_el.set("approved", "yes")
        for sdl_seg in seg.unit_el.iter(f"{{{SDL_NS}}}seg"):
            if seg.mid is None or sdl_seg.get("id") == seg.mid:
                sdl_seg.set("conf", "ApprovedSignOff")
        if seg.unit_el.get(f"{{{MQ_NS}}}status") is not None:
            seg.unit_el.set(f"{{{MQ_NS}}}status", "Reviewer1Confirmed")


def _note(cat: CatFile, seg: CatSegment, attrs: dict[str, str]) -> None:
    """A note from mtreview on the unit (XLIFF 2.x: in the unit's ``<notes>``, before its segments)."""
    from lxml import etree

    text = (f"{attrs[f'{{{ITS_NS}}}locQualityIssueType']}: {attrs[f'{{{ITS_NS}}}locQualityIssueComment']}"
            + (" (disabled)" if attrs.get(f"{{{ITS_NS}}}locQualityIssueEnabled") == "no" else ""))
    ns = etree.QName(cat.root).namespace
    q = (lambda n: f"{{{ns}}}{n}") if ns else (lambda n: n)
    if cat.kind == "xliff2":
        unit = seg.unit_el.getparent()
        notes = next(iter(_children(unit, "notes")), None)
        if notes is None:
            notes = etree.Element(q("notes"))
            first = next((i for i, c in enumerate(unit)
                          if _local(c) in ("originalData", "segment", "ignorable")), len(unit))
            unit.insert(first, notes)
        etree.SubElement(notes, q("note"), category="mtreview").text = text
    else:
        etree.SubElement(seg.unit_el, q("note"), {"from": "mtreview"}).text = text


def _tmx_notes(seg: CatSegment, flags: Sequence[tuple[dict[str, Any], str | None]]) -> None:
    from lxml import etree

    tuv = seg.tgt_el.getparent()
    for f, decision in flags:
        note = etree.Element("note")
        attrs = _its_attrs(f, decision)
        note.text = (f"{attrs[f'{{{ITS_NS}}}locQualityIssueType']} "
                     f"({f['severity']}): 「{f['text']}」 {attrs[f'{{{ITS_NS}}}locQualityIssueComment']}")
        tuv.insert(0, note)  # TMX: notes and props come before <seg>


def _declare_its(cat: CatFile) -> None:
    """Declare ``xmlns:its`` on the root (lxml cannot add a prefix to an existing element, so the
    root is replaced by a copy that declares it) and mark the document as ITS 2.0."""
    from lxml import etree

    old = cat.root
    if old.nsmap.get("its") != ITS_NS:
        new = etree.Element(old.tag, attrib=dict(old.attrib), nsmap={**old.nsmap, "its": ITS_NS})
        new.text = old.text
        new.extend(list(old))
        old.getroottree()._setroot(new)
        cat.root = new
    cat.root.set(f"{{{ITS_NS}}}version", "2.0")
    etree.cleanup_namespaces(cat.root, top_nsmap={"its": ITS_NS})


def export(cat: CatFile, review: Review, states: Mapping[int, Any] | None = None) -> bytes:
    """The CAT file with the review applied (see the module docstring); ``states`` are the store's
    ``SegmentState`` by segment id (edit, reviewed, flag decisions)."""
    from lxml import etree

    from .checks import suppression_key

    states = states or {}
    where_of = match_segments(cat, review)
    for seg in review.segments:
        cs = where_of[seg.id]
        st = states.get(seg.id)
        edit = getattr(st, "edit", None)
        flags = [(f.to_dict(), st.decision(suppression_key(f, seg.src if f.side == "src" else seg.tgt))
                  if st is not None else None) for f in seg.flags]
        where = f"{cat.name}: unit {cs.id}"
        if edit is None and cs.tgt_el is None and cat.kind != "tmx":
            for f, decision in flags:  # nothing to mark up: an untranslated unit gets notes
                _note(cat, cs, _its_attrs(f, decision))
        elif edit is not None or flags:
            target = _ensure_target(cat, cs)
            text = cs.tgt if edit is None else edit
            if cat.kind == "tmx":
                rebuild(target, text, cs.tags, where)
                _tmx_notes(cs, flags)
            else:
                marked, placed = _place(text, flags, seg)
                tags = dict(cs.tags)
                for n, f, decision in placed:
                    tags[f"⟨{n}⟩"] = ("wrap", _its_mrk(cat, n, _its_attrs(f, decision)))
                    tags[f"⟨/{n}⟩"] = ("close", None)
                rebuild(target, marked, tags, where)
        if st is not None and st.reviewed:
            _set_state(cat, cs)
    if cat.kind != "tmx" and any(seg.flags for seg in review.segments):
        _declare_its(cat)
    return etree.tostring(cat.root.getroottree(), xml_declaration=True, encoding="UTF-8")
