"""Pure rendering helpers for the review view (no streamlit here, unit-tested).

Every piece of article text is HTML-escaped before any markup is added; highlight spans
are inserted by character offsets into the escaped pieces, never by searching the text.
Filtering, sorting and counting of segments for the view also live here, so that the
streamlit layer only wires widgets to these functions.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..checks import suppression_key
from ..records import Flag, Review, Segment, Severity
from .recheck import Recheck
from .store import SegmentState, Suppression
from .store_records import OUTCOME_LABELS

SEVERITY_COLOURS = {  # background of <mark>, by severity label
    "minor": "#fff1a8",
    "major": "#ffc98a",
    "critical": "#ff9c9c",
}

CSS = """
<style>
.mtr-table {border-collapse: collapse; width: 100%; font-size: 0.82rem; line-height: 1.38; table-layout: fixed}
.mtr-table th, .mtr-table td {border-bottom: 1px solid #ddd; padding: 2px 4px; vertical-align: top;
  text-align: left; overflow-wrap: anywhere; white-space: pre-wrap}
.mtr-table th {background: #f4f4f6; position: sticky; top: 0; z-index: 1}
.mtr-table tr[data-seg] {cursor: pointer; scroll-margin-top: 2.2em}
.mtr-table tr[data-seg]:hover {background: #f5f8ff}
.mtr-table col.id {width: 2em} .mtr-table col.st {width: 6.2em}
.mtr-table td.sc, .mtr-table td.st {font-size: 0.8em; white-space: normal}
.mtr-table tr.changed td {background: #fff4e6}
.mtr-table tr.flagged td.id {border-left: 4px solid #e8590c}
.mtr-table td.id {white-space: nowrap}
.mtr-table tr.selected {background: #e7f0ff}
.mtr-table td.empty {color: #999; font-style: italic; background: #fafafa}
.mtr-table .edited {color: #2b8a3e; font-size: 0.8em}
.mtr-table .orig {color: #888; text-decoration: line-through}
mark.mtr {padding: 0 1px; border-radius: 2px}
mark.mtr.minor {background: #fff1a8} mark.mtr.major {background: #ffc98a}
mark.mtr.critical {background: #ff9c9c}
mark.mtr.rejected {background: #e9ecef; text-decoration: line-through dotted}
.mtr-badge {display: inline-block; font-size: 0.75em; padding: 0 4px; border-radius: 3px; margin: 1px;
  background: #eee}
.mtr-badge.minor {background: #fff1a8} .mtr-badge.major {background: #ffc98a}
.mtr-badge.critical {background: #ff9c9c} .mtr-badge.ok {background: #d3f9d8}
.mtr-msg {font-size: 0.8em; color: #444; margin-top: 2px; white-space: normal; font-style: normal}
.mtr-msg.major {color: #a94400} .mtr-msg.critical {color: #c92a2a} .mtr-msg.rejected {color: #999;
  text-decoration: line-through}
</style>
"""

EMPTY = {"src": "— no source: added in translation —", "tgt": "— not translated —"}


def esc(text: str) -> str:
    """HTML-escape text for element content and attribute values."""
    return html.escape(text, quote=True)


_MARKDOWN = re.compile(r"([\\`*_\[\]<>~$:|#!])")


def md_escape(text: str) -> str:
    """``text`` with every Markdown-active character backslash-escaped: shown as typed by st.error etc.

    Covers emphasis, code, links, HTML, math, tables, headings, emoji shortcodes and colour
    directives (``:red[...]``), whose markers all contain one of these characters.
    """
    return _MARKDOWN.sub(r"\\\1", text)


def flag_key(flag: Flag, seg: Segment) -> str:
    """The id a flag's decision is stored under (= its suppression key)."""
    return suppression_key(flag, seg.src if flag.side == "src" else seg.tgt)


def outcome(flag: Flag, seg: Segment, state: SegmentState | None) -> str | None:
    """accept / reject as decided, ``fixed`` when the saved edit removed the flagged words, else None."""
    return None if state is None else state.outcome(flag_key(flag, seg), flag.side, flag.text)


def highlight(text: str, flags: Iterable[Flag], side: str, rejected: Collection[Flag] = ()) -> str:
    """``text`` escaped, with each flagged span of ``side`` wrapped in ``<mark>`` by its offsets.

    Overlapping flags are split at every span boundary: each piece is marked once, coloured by
    the worst severity covering it and titled with all their messages. Flags outside the text
    are clipped to it. ``rejected`` flags are shown greyed out.
    """
    spans = [f for f in flags if f.side == side and f.start < len(text) and f.end > f.start]
    if not spans:
        return esc(text)
    n = len(text)
    cuts = sorted({0, n, *(min(f.start, n) for f in spans), *(min(f.end, n) for f in spans)})
    out = []
    for a, b in itertools.pairwise(cuts):
        piece = esc(text[a:b])
        cover = [f for f in spans if f.start <= a and min(f.end, len(text)) >= b]
        if not cover:
            out.append(piece)
            continue
        live = [f for f in cover if f not in rejected]
        worst = max((f.severity for f in (live or cover)), default=Severity.MINOR)
        cls = f"mtr {worst.label}" + ("" if live else " rejected")
        title = "; ".join(f"{f.check} ({f.severity.label}): {f.message}" for f in cover)
        checks = " ".join(sorted({f.check for f in cover}))
        out.append(f'<mark class="{cls}" data-check="{esc(checks)}" title="{esc(title)}">{piece}</mark>')
    return "".join(out)


def scores_html(seg: Segment) -> str:
    """Align score and quality (other metric scores in the tooltip, to keep rows short)."""
    parts = [f"align {seg.score:.2f}"]
    if seg.quality is not None:
        parts.append(f"quality {seg.quality:.1f}")
    more = "; ".join(f"{k} {v:.1f}" for k, v in sorted(seg.scores.items()))
    return f'<span title="{esc(more)}">' + "<br>".join(parts) + "</span>"


def decision_counts(seg: Segment, state: SegmentState | None) -> tuple[int, int]:
    """(flags decided or fixed by the saved edit, flags in total) for one segment."""
    decided = sum(1 for f in seg.flags if outcome(f, seg, state))
    return decided, len(seg.flags)


def status_html(seg: Segment, state: SegmentState | None) -> str:
    badges = []
    for sev in sorted({f.severity for f in seg.flags}, reverse=True):
        n = sum(1 for f in seg.flags if f.severity == sev)
        badges.append(f'<span class="mtr-badge {sev.label}">{n} {sev.label}</span>')
    decided, total = decision_counts(seg, state)
    if total:
        badges.append(f'<span class="mtr-badge">{decided}/{total} decided</span>')
    if state is not None and state.reviewed:
        badges.append('<span class="mtr-badge ok">✓ reviewed</span>')
    if state is not None and not state.matches(seg.src, seg.tgt):
        badges.append('<span class="mtr-badge critical" title="saved on other text: re-aligned since">'
                      "⚠ text changed</span>")
    if state is not None and state.comment:
        badges.append(f'<span class="mtr-badge" title="{esc(state.comment)}">💬 comment</span>')
    return "".join(badges)


def flag_messages_html(seg: Segment, side: str, state: SegmentState | None) -> str:
    """The messages (and suggestions) of a side's flags, shown under its text in the table."""
    out = []
    for f in seg.flags:
        if f.side != side:
            continue
        dec = outcome(f, seg, state)
        sugg = f" → {esc(f.suggestion)}" if f.suggestion else ""
        mark = {"accept": " ✔", "reject": " ✘", "fixed": " ✓ fixed by the edit"}.get(dec or "", "")
        out.append(f'<div class="mtr-msg {f.severity.label}{" rejected" if dec == "reject" else ""}">'
                   f"⚑ {esc(f.check)}: {esc(f.message)}{sugg}{mark}</div>")
    return "".join(out)


def _cell(seg: Segment, side: str, state: SegmentState | None, messages: bool = True) -> str:
    """One side of a row; ``messages``: the flags' messages under the text (the selected row only)."""
    text = seg.src if side == "src" else seg.tgt
    rejected = {f for f in seg.flags if state is not None and state.decision(flag_key(f, seg)) == "reject"}
    msgs = flag_messages_html(seg, side, state) if messages else ""
    if side == "tgt" and state is not None and state.edit is not None:
        orig = highlight(text, seg.flags, side, rejected) if text else ""
        return (f'<td class="tgt">{esc(state.edit)}<br><span class="edited">edited; was:</span> '
                f'<span class="orig">{orig}</span>{msgs}</td>')
    if not text.strip():
        return f'<td class="{side} empty">{esc(EMPTY[side])}{msgs}</td>'
    return f'<td class="{side}">{highlight(text, seg.flags, side, rejected)}{msgs}</td>'


def _row(seg: Segment, state: SegmentState | None, selected: int | None) -> str:
    here = seg.id == selected
    cls = " ".join(c for c, on in (("flagged", seg.flags), ("selected", here)) if on)
    return (f'<tr id="seg-{seg.id}" class="{cls}" data-seg="{seg.id}"><td class="id">{seg.id}</td>'
            f'{_cell(seg, "src", state, here)}{_cell(seg, "tgt", state, here)}'
            f'<td class="st">{scores_html(seg)}<br>{status_html(seg, state)}</td></tr>')


_COLS = '<colgroup><col class="id"><col><col><col class="st"></colgroup>'


def _cols(segments: Sequence[Segment]) -> str:
    """The grid's column widths: the id column as wide as the longest id (segment 140 of a long
    article was written "14" over "0"; 2em holds two digits)."""
    digits = max((len(str(s.id)) for s in segments), default=1)
    return _COLS if digits <= 2 else _COLS.replace('class="id"', f'class="id" style="width:{0.7 * digits + 0.6:.1f}em"')
_HEAD = "<thead><tr><th>#</th><th>English source</th><th>Japanese translation</th><th>Status</th></tr></thead>"
_NONE = '<tr><td colspan="4" class="empty">No segment matches the filters.</td></tr>'


def segments_table(segments: Sequence[Segment], states: Mapping[int, SegmentState],
                   selected: int | None = None) -> str:
    """All rows as one HTML table (fast to render: one element however long the article).

    Flag messages are written under the text of the selected row only (hover a mark for the
    others), so that a row is as tall as its text and many fit on a laptop screen.
    """
    rows = "".join(_row(seg, states.get(seg.id), selected) for seg in segments) or _NONE
    return f'{CSS}<table class="mtr-table">{_cols(segments)}{_HEAD}<tbody>{rows}</tbody></table>'


GRID_BLOCK = 20  # rows per block of the grid


def segments_grid(segments: Sequence[Segment], states: Mapping[int, SegmentState],
                  selected: int | None = None, block: int = GRID_BLOCK) -> list[str]:
    """The rows of :func:`segments_table` as a header and blocks of ``block`` rows, one HTML piece each.

    Each piece is a table with the same fixed column widths, so the pieces line up as one grid.
    The browser redraws only a piece whose HTML changed: a save or a new selection redraws the
    block or two that hold the changed rows, not the whole article.
    """
    cols = _cols(segments)
    head = f'{CSS}<table class="mtr-table mtr-head">{cols}{_HEAD}</table>'
    if not segments:
        return [head, f'<table class="mtr-table">{cols}<tbody>{_NONE}</tbody></table>']
    return [head] + [
        f'<table class="mtr-table">{cols}<tbody>'
        + "".join(_row(seg, states.get(seg.id), selected) for seg in segments[i:i + block]) + "</tbody></table>"
        for i in range(0, len(segments), block)]


PAGE_CSS = """<style>
/* the review page: less empty space above, so that the grid and the editor fit a laptop screen */
.stMainBlockContainer, .block-container {padding-top: 1.6rem; padding-bottom: 1rem}
/* Streamlit's top bar keeps its buttons (sidebar, menu) but no longer hides the page's first line */
header[data-testid="stHeader"] {background: transparent; pointer-events: none}
header[data-testid="stHeader"] button, header[data-testid="stHeader"] a,
header[data-testid="stHeader"] [data-testid="stToolbar"] {pointer-events: auto}
.mtr-header {padding: 0 150px 0 1.6rem}
/* grid and editor as tall as the window: a flex item's basis (Streamlit's) would keep them at their
   fixed height, so the height is set on the basis, on them and on their wrappers */
[data-testid="stLayoutWrapper"]:has(> .st-key-grid), [data-testid="stLayoutWrapper"]:has(> .st-key-editor),
.st-key-grid, .st-key-editor {height: max(340px, calc(100vh - 140px)) !important; flex: 0 0 auto !important}
.st-key-grid {border: 1px solid #ddd; border-radius: 6px; gap: 0 !important}
/* the grid is a header and blocks of rows (render.segments_grid): the header stays on top */
.st-key-grid > [data-testid="stElementContainer"]:first-child {position: sticky; top: 0; z-index: 2}
.st-key-editor [data-testid="stVerticalBlock"] {gap: 0.4rem}
.mtr-note {font-size: 0.85rem; line-height: 1.4}
.mtr-progress {height: 5px; background: #e9ecef; border-radius: 3px; margin-top: 3px}
.mtr-progress > div {height: 5px; background: #4c6ef5; border-radius: 3px}
</style>"""


def header_html(name: str, facts: Sequence[str], prog: Progress | None = None) -> str:
    """The article's name and facts (id, source, metadata, status) on one line, and the progress; escaped."""
    bar = text = ""
    if prog is not None:
        done = (prog.decided + prog.reviewed) / max(1, prog.flags + prog.segments)
        text = f' <span style="color:#444;font-size:0.8em">· {esc(prog.text())}</span>'
        bar = f'<div class="mtr-progress"><div style="width:{100 * done:.1f}%"></div></div>'
    return (f'<div class="mtr-header"><h3 style="margin:0;font-size:1.15rem;display:inline">{esc(name)}</h3> '
            f'<span style="color:#666;font-size:0.8em">{" · ".join(esc(f) for f in facts)}</span>{text}{bar}</div>')


def editor_title_html(seg: Segment, state: SegmentState | None) -> str:
    """The editor panel's title: segment id, kind, scores, last save, and a link to its table row."""
    parts = [f"<b>Segment {seg.id}</b>", seg.kind, f"align {seg.score:.2f}"]
    if seg.quality is not None:
        parts.append(f"quality {seg.quality:.1f}")
    if state is not None and state.version:
        parts.append(f"saved v{state.version} by {esc(state.updated_by)}")
    return " · ".join(parts)


def segment_detail_html(seg: Segment, state: SegmentState | None) -> str:
    """The selected segment, both sides highlighted, as a two-row table."""
    rows = "".join(f"<tr><th>{label}</th>{_cell(seg, side, state)}</tr>"
                   for side, label in (("src", "EN"), ("tgt", "JA")))
    return f'{CSS}<table class="mtr-table detail"><colgroup><col class="id"><col></colgroup>{rows}</table>'


def segment_label(seg: Segment) -> str:
    """A one-line label for the segment picker: id, flag count, start of the source.

    It depends on the review only (not on decisions), so the picker keeps its identity
    while the reviewer works.
    """
    marks = f"⚑{len(seg.flags)} " if seg.flags else ""
    text = " ".join((seg.src or seg.tgt).split())
    return f"#{seg.id} {marks}{text[:60]}{'…' if len(text) > 60 else ''}"


def without_suppressed(review: Review, suppressed: Collection[str]) -> Review:
    """The review minus flags whose suppression key is in ``suppressed`` (for stored batch results)."""
    if not suppressed:
        return review
    segs = tuple(dataclasses.replace(s, flags=tuple(f for f in s.flags if flag_key(f, s) not in suppressed))
                 for s in review.segments)
    return dataclasses.replace(review, segments=segs)


def flag_note_html(flag: Flag, decision: str | None = None, decided_by: str | None = None) -> str:
    """One flag's explanation: severity, check, the flagged words, message and suggestion."""
    sugg = f'<br>→ suggestion: <b>{esc(flag.suggestion)}</b>' if flag.suggestion else ""
    who = ""
    if decision and decided_by:  # "accepted by Ben", "fixed by the edit (Aiko)"
        who = f" ({esc(decided_by)})" if decision == "fixed" else f" by {esc(decided_by)}"
    dec = f' <span class="mtr-badge">{esc(OUTCOME_LABELS.get(decision, decision))}{who}</span>' if decision else ""
    return (
        f'{CSS}<div class="mtr-note"><span class="mtr-badge {flag.severity.label}">{flag.severity.label}</span> '
        f"<b>{esc(flag.check)}</b> <small>({esc(flag.category)}, {flag.side} {flag.start}–{flag.end})"
        f'</small>{dec}<br>「<mark class="mtr {flag.severity.label}">{esc(flag.text)}</mark>」 '
        f"{esc(flag.message)}{sugg}</div>"
    )


# ---- the view model: filters, order, progress, navigation ---------------------------------
@dataclass(frozen=True)
class Filters:
    checks: tuple[str, ...] = ()  # empty = any (a segment matches if it has a flag of one of them)
    severities: tuple[str, ...] = ()  # empty = any
    max_align: float | None = None  # only segments whose align score is at most this
    only_flagged: bool = False
    only_open: bool = False  # hide segments marked reviewed
    worst_first: bool = False


def select_segments(segments: Sequence[Segment], states: Mapping[int, SegmentState], f: Filters
                    ) -> list[Segment]:
    """The segments to show, in document order or worst first (stable)."""
    out = []
    for seg in segments:
        flags = [x for x in seg.flags if (not f.checks or x.check in f.checks)
                 and (not f.severities or x.severity.label in f.severities)]
        if (f.checks or f.severities or f.only_flagged) and not flags:
            continue
        if f.max_align is not None and seg.score > f.max_align:
            continue
        st = states.get(seg.id)
        if f.only_open and st is not None and st.reviewed:
            continue
        out.append(seg)
    if f.worst_first:
        out.sort(key=badness)
    return out


def after_leaving(segments: Sequence[Segment], shown: Sequence[Segment], current: int | None,
                  worst_first: bool = False) -> int | None:
    """The segment to select when ``current`` is no longer among ``shown`` (saved as reviewed with
    reviewed segments hidden, a filter changed): the first shown segment after it, in the order
    shown, else the last one before it; None when ``current`` is not a segment or nothing is shown."""
    full = sorted(segments, key=badness) if worst_first else list(segments)
    pos = {s.id: i for i, s in enumerate(full)}
    if current not in pos or not shown:
        return None
    after = [s.id for s in shown if pos[s.id] > pos[current]]
    return after[0] if after else shown[-1].id


def badness(seg: Segment) -> tuple[int, int, float, float, int]:
    """Sort key, worst first: worst severity, number of flags, quality, align score, position."""
    quality = seg.quality if seg.quality is not None else float("inf")
    return (-int(seg.worst or 0), -len(seg.flags), quality, seg.score, seg.id)


@dataclass(frozen=True)
class Progress:
    segments: int
    reviewed: int
    flags: int
    decided: int
    accepted: int
    rejected: int
    edited: int
    fixed: int = 0  # undecided flags whose words a saved edit removed: counted as decided

    @property
    def left(self) -> int:
        """Flags still undecided (neither accepted, rejected nor fixed by an edit)."""
        return self.flags - self.decided

    def text(self) -> str:
        fixed = f" ({self.fixed} fixed by edits)" if self.fixed else ""
        return (f"{self.left} of {self.flags} flags left to decide{fixed} · {self.segments - self.reviewed} of "
                f"{self.segments} segments left to review · {self.edited} edited")


def progress(segments: Sequence[Segment], states: Mapping[int, SegmentState]) -> Progress:
    flags = decided = accepted = rejected = reviewed = edited = fixed = 0
    for seg in segments:
        st = states.get(seg.id)
        flags += len(seg.flags)
        if st is None:
            continue
        reviewed += st.reviewed
        edited += st.edit is not None
        for f in seg.flags:
            d = outcome(f, seg, st)
            decided += d is not None
            accepted += d == "accept"
            rejected += d == "reject"
            fixed += d == "fixed"
    return Progress(len(segments), reviewed, flags, decided, accepted, rejected, edited, fixed)


def next_flagged(order: Sequence[Segment], current: int | None, states: Mapping[int, SegmentState],
                 step: int = 1) -> int | None:
    """The next (step=1) or previous (step=-1) segment in ``order`` with an undecided flag,
    wrapping around; falls back to any flagged segment. None if nothing is flagged."""
    ids = [s.id for s in order]
    start = ids.index(current) if current in ids else (-1 if step > 0 else len(ids))
    n = len(order)
    for want_open in (True, False):
        for k in range(1, n + 1):
            seg = order[(start + step * k) % n]
            if not seg.flags:
                continue
            if want_open and decision_counts(seg, states.get(seg.id))[0] == len(seg.flags):
                continue
            return seg.id
    return None


# ---- conflicts, suppressions, marking done ---------------------------------------------------
def conflict_diff_html(seg: Segment, theirs: SegmentState, mine: Mapping[str, object]) -> str:
    """Field by field: the saved version (theirs, with who saved it) against the one being saved."""
    def shown(field: str, value: object) -> str:
        if field == "edit":
            return esc(seg.tgt if value is None else str(value))
        if field == "reviewed":
            return "yes" if value else "no"
        return esc(str(value)) or '<span class="empty">(empty)</span>'

    rows = []
    for field, label in (("edit", "Translation"), ("comment", "Comment"), ("reviewed", "Reviewed")):
        a, b = getattr(theirs, field), mine.get(field)
        cls = ' class="changed"' if a != b else ""
        rows.append(f"<tr{cls}><th>{label}</th><td>{shown(field, a)}</td><td>{shown(field, b)}</td></tr>")
    return (f'{CSS}<table class="mtr-table mtr-diff"><thead><tr><th></th>'
            f"<th>Saved by {esc(theirs.updated_by or 'someone')} (v{theirs.version})</th><th>Yours</th></tr>"
            f'</thead><tbody>{"".join(rows)}</tbody></table>')


def split_suppressed(review: Review, suppressions: Sequence[Suppression]
                     ) -> tuple[Review, list[tuple[Segment, Flag, Suppression]]]:
    """The review without suppressed flags, and those flags with the rejection that silenced them."""
    by_key = {}
    for sup in suppressions:
        by_key.setdefault(sup.key, sup)
    hidden = [(seg, f, by_key[flag_key(f, seg)]) for seg in review.segments for f in seg.flags
              if flag_key(f, seg) in by_key]
    return without_suppressed(review, by_key), hidden


def suppressed_html(hidden: Sequence[tuple[Segment, Flag, Suppression]]) -> str:
    """The suppressed flags: segment, check, words, and who silenced them, when, how far."""
    rows = "".join(
        f"<tr><td>{seg.id}</td><td>{esc(f.check)} ({f.severity.label})</td><td>{esc(f.text)}</td>"
        f"<td>{esc(sup.scope)}</td><td>{esc(sup.reviewer)}</td><td>{sup.created_at:%Y-%m-%d %H:%M} UTC</td>"
        f"<td>{esc(sup.project or '')}</td></tr>" for seg, f, sup in hidden)
    return (f'{CSS}<table class="mtr-table mtr-suppressed"><thead><tr><th>#</th><th>Check</th><th>Flagged</th>'
            f"<th>Scope</th><th>Rejected by</th><th>When</th><th>Project</th></tr></thead><tbody>{rows}"
            "</tbody></table>")


def done_warning(p: Progress) -> str | None:
    """Why marking the article done deserves a second look (None when nothing is left open)."""
    left = [f"{p.left} of {p.flags} flags undecided" if p.left else "",
            f"{p.segments - p.reviewed} of {p.segments} segments not reviewed" if p.reviewed < p.segments else ""]
    left = [x for x in left if x]
    return "Not finished: " + " and ".join(left) + "." if left else None


def recheck_html(rc: Recheck) -> str:
    """The checks of the current (edited) text: its flags highlighted, quality, and what the edit resolved."""
    quality = f" · quality {rc.quality:.1f}" if rc.quality is not None else ""
    flags = "".join(f'<div class="mtr-msg {f.severity.label}">⚑ {esc(f.check)} ({f.severity.label}): '
                    f"{esc(f.message)}{' (new)' if f in rc.introduced else ''}</div>" for f in rc.flags)
    resolved = "".join(f'<div class="mtr-msg rejected">✓ resolved by the edit: {esc(f.check)} 「{esc(f.text)}」</div>'
                       for f in rc.resolved)
    none = "" if rc.flags else '<div class="mtr-msg">no flags on the edited text</div>'
    return (f'{CSS}<div class="mtr-recheck"><b>Edited text re-checked</b>{quality}<br>'
            f'{highlight(rc.text, rc.flags, "tgt")}{flags}{none}{resolved}</div>')
