"""Write a reviewed CAT file back: the same tree with edits, review state and ITS quality issues.

``export(cat, review, states) -> bytes`` takes the ``CatFile`` the review was made from (see
``cat``) and, per segment, writes the edited target (placeholders turned back into the original
elements), the review state as each format names it (XLIFF 1.2 ``state="signed-off"`` +
``approved="yes"``, SDLXLIFF ``conf="ApprovedSignOff"``, memoQ ``mq:status="Reviewer1Confirmed"``,
XLIFF 2.x ``state="final"``, TMX a ``x-mtreview-state`` prop) and the flags as ITS 2.0 Localization
Quality Issue markup (``its:locQualityIssueType``, ``…Severity``, ``…Comment``; a rejected flag
gets ``its:locQualityIssueEnabled="no"``) on a ``<mrk>`` around the flagged words; a flag whose
words cannot be marked (source side, edited away, crossing another mark) marks the whole target,
a unit with no translation gets a note, TMX gets notes. Ids, headers, skeletons, untouched units
and foreign namespaces stay as they were.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import InputError
from ..records import Review
from .cat import MQ_NS, OWN_MARK, SDL_NS, TOKEN, CatFile, CatSegment, children, local_name
from .output import xml_text

ITS_NS = "http://www.w3.org/2005/11/its"

# ITS 2.0 severity is a number 0-100 (100 = most severe): minor 25, major 50, critical 100.
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
        done = {"accept": "accepted", "reject": "rejected"}.get(decision, decision)  # "fixed by Aiko" (her edit)
        comment += f" [{done} by {flag.get('decided_by') or 'the reviewer'}]"
    attrs = {
        f"{{{ITS_NS}}}locQualityIssueType": its_type(flag["category"]),
        f"{{{ITS_NS}}}locQualityIssueSeverity": ITS_SEVERITY[flag["severity"]],
        f"{{{ITS_NS}}}locQualityIssueComment": comment,
    }
    if decision == "reject":
        attrs[f"{{{ITS_NS}}}locQualityIssueEnabled"] = "no"
    return attrs


Decided = tuple[dict[str, Any], str | None]  # a flag as a dict and the reviewer's decision (None: undecided)


def _place(text: str, flags: Sequence[Decided]) -> tuple[str, list[tuple[str, dict[str, Any], str | None]]]:
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


def _new_target(unit, before) -> Any:
    """A <target> placed right after ``before`` (1.2: source, seg-source?, target, then the rest;
    2.x: source, target), in the namespace of ``before``."""
    from lxml import etree

    ns = etree.QName(before).namespace
    el = etree.Element(f"{{{ns}}}target" if ns else "target")
    el.tail = before.tail
    before.addnext(el)
    return el


def _ensure_target(cat: CatFile, seg: CatSegment):
    from lxml import etree

    if seg.tgt_el is not None:
        return seg.tgt_el
    if cat.kind == "tmx":
        tuv = etree.SubElement(seg.unit_el, "tuv")
        tuv.set("{http://www.w3.org/XML/1998/namespace}lang", "ja")
        el = etree.SubElement(tuv, "seg")
    elif cat.kind == "xliff2":
        el = _new_target(seg.unit_el, seg.src_el)
    else:
        target = next(iter(children(seg.unit_el, "target")), None)
        if target is None:
            source = next(iter(children(seg.unit_el, "source")), seg.src_el)
            target = _new_target(seg.unit_el, next(iter(children(seg.unit_el, "seg-source")), source))
        # an SDLXLIFF/memoQ segment: its own <mrk mtype="seg"> inside the unit's target
        el = target if seg.mid is None else etree.SubElement(target, seg.src_el.tag, mtype="seg", mid=seg.mid)
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
        target = next(iter(children(seg.unit_el, "target")), None)
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
        notes = next(iter(children(unit, "notes")), None)
        if notes is None:
            notes = etree.Element(q("notes"))
            first = next((i for i, c in enumerate(unit)
                          if local_name(c) in ("originalData", "segment", "ignorable")), len(unit))
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

    from ..checks import suppression_key

    states = states or {}
    where_of = match_segments(cat, review)
    for seg in review.segments:
        cs = where_of[seg.id]
        st = states.get(seg.id)
        edit = getattr(st, "edit", None)
        edit = None if edit is None else xml_text(edit)  # a pasted control character: XML cannot hold it
        keys = [suppression_key(f, seg.src if f.side == "src" else seg.tgt) for f in seg.flags]
        # each flag's outcome (accept / reject / fixed by the saved edit) and who decided it or made the edit
        flags = [({**f.to_dict(), "decided_by": st.outcome_by(k, f.side, f.text)}, st.outcome(k, f.side, f.text))
                 if st is not None else (f.to_dict(), None) for f, k in zip(seg.flags, keys, strict=True)]
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
                marked, placed = _place(text, flags)
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
