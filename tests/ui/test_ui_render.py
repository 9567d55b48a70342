from __future__ import annotations

import re

import pytest

from mtreview.records import Flag, Segment, Severity
from mtreview.ui import render
from mtreview.ui.render import Filters
from mtreview.ui.store import SegmentState

JA = "北の外務省は、それは “早い時期 “に実現する可能性があると述べたと述べた。"
EN = "the North's Foreign Ministry said the trip could happen \"at an early date.\""


def flag(start, end, text=JA, side="tgt", check="repetition", sev=Severity.MINOR, msg="repeated words"):
    return Flag(check, "fluency/repetition", sev, side, start, end, msg, text[start:end])


def seg(i, src=EN, tgt=JA, flags=(), score=0.8, quality=None):
    return Segment(i, src, tgt, (i,) if src else (), (i,) if tgt else (), score, flags=tuple(flags),
                   quality=quality)


STUTTER = JA.index("述べたと述べた")


@pytest.mark.parametrize(
    "text, flags, expected",
    [
        ("<script>alert(1)</script>", [], "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('a "b" & c', [], "a &quot;b&quot; &amp; c"),
        (JA, [flag(STUTTER, STUTTER + 7)],
         "北の外務省は、それは “早い時期 “に実現する可能性があると"
         '<mark class="mtr minor" data-check="repetition" title="repetition (minor): repeated words">'
         "述べたと述べた</mark>。"),
        # a flag over markup-looking text: escaped inside the mark, offsets still on the raw text
        ("x<b>y</b>", [flag(1, 4, "x<b>y</b>")],
         'x<mark class="mtr minor" data-check="repetition" title="repetition (minor): repeated words">'
         "&lt;b&gt;</mark>y&lt;/b&gt;"),
        # a flag on the other side is not shown here
        (JA[:5], [flag(0, 2, side="src", text=EN)], "北の外務省"),
    ],
)
def test_highlight_escapes_and_marks_by_offset(text, flags, expected):
    assert render.highlight(text, flags, "tgt") == expected


def test_overlapping_flags_split_into_pieces_coloured_by_worst():
    text = "述べたと述べた。"
    a = flag(0, 7, text, check="repetition", sev=Severity.MINOR, msg="stutter")
    b = flag(4, 8, text, check="punct", sev=Severity.MAJOR, msg="<odd> end")
    out = render.highlight(text, [a, b], "tgt")
    assert out == (
        '<mark class="mtr minor" data-check="repetition" title="repetition (minor): stutter">述べたと</mark>'
        '<mark class="mtr major" data-check="punct repetition" '
        'title="repetition (minor): stutter; punct (major): &lt;odd&gt; end">述べた</mark>'
        '<mark class="mtr major" data-check="punct" title="punct (major): &lt;odd&gt; end">。</mark>'
    )


def test_rejected_flags_are_greyed_and_spans_clipped_to_text():
    text = "述べた"
    f = flag(1, 10, text)  # runs past the end of the text
    out = render.highlight(text, [f], "tgt", rejected={f})
    assert out == ('述<mark class="mtr minor rejected" data-check="repetition" '
                   'title="repetition (minor): repeated words">べた</mark>')


def test_table_escapes_everything_and_shows_empty_cells():
    evil = '<img src=x onerror="alert(1)">'
    segs = [seg(0, src=evil, tgt="<script>alert(1)</script>"), seg(1, tgt=""), seg(2, src="")]
    states = {0: SegmentState(0, edit="</td><script>x</script>", comment='"><b>', reviewed=True, version=1)}
    out = render.segments_table(segs, states, selected=1)
    assert "<script>" not in out and "<img" not in out and "<b>" not in out
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in out
    assert "&lt;/td&gt;&lt;script&gt;x&lt;/script&gt;" in out
    assert '<td class="tgt empty">— not translated —</td>' in out
    assert '<td class="src empty">— no source: added in translation —</td>' in out
    assert '<tr id="seg-1" class="selected" data-seg="1">' in out
    assert out.count("<tr id=") == 3


def test_flag_note_shows_message_and_suggestion_escaped():
    f = Flag("repetition", "fluency/repetition", Severity.MAJOR, "tgt", STUTTER, STUTTER + 7,
             "The reporting verb is repeated.", "述べたと述べた", suggestion="述べた<")
    out = render.flag_note_html(f, "accept")
    assert "述べたと述べた</mark>」 The reporting verb is repeated." in out
    assert "→ suggestion: <b>述べた&lt;</b>" in out and "accepted" in out


SEGS = [
    seg(0, score=0.9),
    seg(1, flags=[flag(0, 2, check="omission", sev=Severity.MAJOR)], score=0.5),
    seg(2, flags=[flag(0, 2), flag(3, 5)], score=0.3),
    seg(3, flags=[flag(0, 2, check="omission", sev=Severity.CRITICAL)], score=0.7, quality=40.0),
    seg(4, score=0.2),
]


@pytest.mark.parametrize(
    "filters, ids",
    [
        (Filters(), [0, 1, 2, 3, 4]),
        (Filters(only_flagged=True), [1, 2, 3]),
        (Filters(checks=("omission",)), [1, 3]),
        (Filters(severities=("minor",)), [2]),
        (Filters(checks=("repetition",), severities=("major",)), []),
        (Filters(max_align=0.5), [1, 2, 4]),
        (Filters(worst_first=True), [3, 1, 2, 4, 0]),
        (Filters(only_open=True), [0, 2, 3, 4]),
    ],
)
def test_select_segments(filters, ids):
    states = {1: SegmentState(1, reviewed=True, version=1)}
    assert [s.id for s in render.select_segments(SEGS, states, filters)] == ids


def test_progress_and_next_flagged():
    k2 = render.flag_key(SEGS[2].flags[0], SEGS[2])
    k1 = render.flag_key(SEGS[1].flags[0], SEGS[1])
    states = {1: SegmentState(1, reviewed=True, version=1, decisions=((k1, "reject"),)),
              2: SegmentState(2, edit=JA[:-1] + "と。", version=1, decisions=((k2, "accept"),))}  # words kept
    p = render.progress(SEGS, states)
    assert (p.flags, p.decided, p.accepted, p.rejected, p.reviewed, p.edited, p.left) == (4, 2, 1, 1, 1, 1, 2)
    assert p.text() == "2 of 4 flags left to decide · 4 of 5 segments left to review · 1 edited"
    # segment 1 is fully decided, so navigation skips it
    assert [render.next_flagged(SEGS, c, states) for c in (None, 0, 2, 3, 4)] == [2, 2, 3, 2, 2]
    assert render.next_flagged(SEGS, 2, states, step=-1) == 3
    assert render.next_flagged([SEGS[0], SEGS[4]], 0, states) is None


def test_a_flag_whose_words_a_saved_edit_removed_counts_as_fixed_not_undecided():
    """Segment 2's two flags (「北の」, 「務省」): Aiko's saved edit rewrites 「北の」 and keeps 「務省」. The
    first is fixed by the edit: no longer left to decide, J skips it; the second still waits for a
    decision, and so does a source-side flag (an edit of the translation cannot remove it); a
    reviewer's explicit decision stands over the edit."""
    edit = JA.replace("北の", "北朝鮮の")
    states = {2: SegmentState(2, edit=edit, edited_by="Aiko", version=1)}
    p = render.progress(SEGS, states)
    assert (p.flags, p.decided, p.fixed, p.left) == (4, 1, 1, 3)
    assert p.text() == "3 of 4 flags left to decide (1 fixed by edits) · 5 of 5 segments left to review · 1 edited"
    assert render.decision_counts(SEGS[2], states[2]) == (1, 2)
    f0, f1 = SEGS[2].flags
    assert [render.outcome(f, SEGS[2], states[2]) for f in (f0, f1)] == ["fixed", None]
    assert states[2].outcome_by(render.flag_key(f0, SEGS[2]), f0.side, f0.text) == "Aiko"
    assert "✓ fixed by the edit" in render.flag_messages_html(SEGS[2], "tgt", states[2])
    assert "fixed by the edit (Aiko)</span>" in render.flag_note_html(f0, "fixed", "Aiko")
    # the edit removes both: segment 2 has nothing left to decide, and J goes past it
    states = {2: SegmentState(2, edit="北朝鮮外交当局", version=1)}
    assert render.decision_counts(SEGS[2], states[2]) == (2, 2)
    assert [render.next_flagged(SEGS, c, states) for c in (None, 1)] == [1, 3]
    # a source-side flag is not fixed by an edit of the translation
    src_flag = flag(0, 3, text=EN, side="src", check="omission")
    s = seg(5, flags=[src_flag])
    assert render.outcome(src_flag, s, SegmentState(5, edit="全く別の訳。", version=1)) is None
    # an explicit decision wins over the edit
    k = render.flag_key(f0, SEGS[2])
    st = SegmentState(2, edit="北朝鮮外交当局", version=1, decisions=((k, "reject"),))
    assert render.outcome(f0, SEGS[2], st) == "reject"


def test_flag_messages_under_the_text_with_decisions():
    f = Flag("repetition", "fluency/repetition", Severity.MAJOR, "tgt", STUTTER, STUTTER + 7,
             "The verb <is> repeated.", "述べたと述べた", suggestion="述べた")
    s = seg(0, flags=[f])
    states = {0: SegmentState(0, version=1, decisions=((render.flag_key(f, s), "reject"),))}
    assert render.flag_messages_html(s, "tgt", states[0]) == (
        '<div class="mtr-msg major rejected">⚑ repetition: The verb &lt;is&gt; repeated. → 述べた ✘</div>')
    assert render.flag_messages_html(s, "src", states[0]) == ""
    assert render.flag_messages_html(s, "tgt", None).endswith("→ 述べた</div>")


def test_header_escapes_name_and_metadata():
    out = render.header_html("<b>x</b> [a](javascript:1)", ["translator <i>T</i>", "status done"])
    assert out == ('<div class="mtr-header"><h3 style="margin:0;font-size:1.15rem;display:inline">'
                   "&lt;b&gt;x&lt;/b&gt; [a](javascript:1)</h3> "
                   '<span style="color:#666;font-size:0.8em">'
                   "translator &lt;i&gt;T&lt;/i&gt; · status done</span></div>")
    prog = render.Progress(segments=4, reviewed=1, flags=4, decided=1, accepted=1, rejected=0, edited=0)
    with_bar = render.header_html("<b>x</b>", [], prog)
    assert "3 of 4 flags left to decide" in with_bar and 'style="width:25.0%"' in with_bar


@pytest.mark.parametrize(
    "saved_tgt, warned",
    [(JA, False), ("北の外務省は述べた。", True), (None, False)],
)
def test_status_warns_when_saved_on_other_text(saved_tgt, warned):
    state = SegmentState(0, reviewed=True, version=1, src=EN if saved_tgt else None, tgt=saved_tgt)
    out = render.status_html(seg(0), state)
    assert ("⚠ text changed" in out) is warned
    assert "✓ reviewed" in out


def test_editor_title_escapes_the_reviewer_name():
    state = SegmentState(3, version=2, updated_by="<b>Ben</b>")
    assert render.editor_title_html(seg(3, quality=71.25), state) == (
        '<b>Segment 3</b> · 1-1 · align 0.80 · quality 71.2 · saved v2 by &lt;b&gt;Ben&lt;/b&gt;')


def _segs(n: int) -> list[Segment]:
    return [seg(i, src=f"Sentence {i} <b>.", tgt=f"文{i}。") for i in range(n)]


def test_grid_blocks_hold_the_table_rows_in_order_and_line_up():
    segs = _segs(45)
    states = {3: SegmentState(3, comment="ok", version=1)}
    pieces = render.segments_grid(segs, states, selected=7, block=20)
    head, blocks = pieces[0], pieces[1:]
    assert "<thead>" in head and "<tr id=" not in head and "<style>" in head  # the CSS once, in the header
    assert [b.count("<tr id=") for b in blocks] == [20, 20, 5]
    table = render.segments_table(segs, states, selected=7)
    row = re.compile(r'<tr id=.*?</tr>')
    assert [r for b in blocks for r in row.findall(b)] == row.findall(table)  # the same rows, escaped the same way
    cols = '<colgroup><col class="id"><col><col><col class="st"></colgroup>'
    assert all(cols in p for p in pieces)  # same fixed columns: the blocks line up as one grid
    assert "&lt;b&gt;" in blocks[0] and "<b>" not in "".join(blocks)


def test_grid_a_change_redraws_only_the_block_that_holds_it():
    segs = _segs(60)
    before = render.segments_grid(segs, {}, selected=5)
    saved = render.segments_grid(segs, {45: SegmentState(45, comment="checked", version=1)}, selected=5)
    assert [a == b for a, b in zip(before, saved, strict=True)] == [True, True, True, False]
    moved = render.segments_grid(segs, {}, selected=25)
    assert [a == b for a, b in zip(before, moved, strict=True)] == [True, False, False, True]


def test_grid_without_rows_says_so():
    pieces = render.segments_grid([], {}, selected=None)
    assert len(pieces) == 2 and "No segment matches the filters." in pieces[1]


@pytest.mark.parametrize(
    "shown, current, worst, want",
    [
        ([0, 2, 3, 4], 1, False, 2),  # the next shown after it
        ([0, 1, 2, 3], 4, False, 3),  # nothing after it: the last before it
        ([3, 2, 4, 0], 1, True, 2),  # worst first: after it in that order (3, 1, 2, 4, 0)
        ([], 1, False, None),
        ([0, 2], 99, False, None),  # not a segment of the article
        ([0, 2], None, False, None),
    ],
)
def test_after_leaving_selects_the_next_segment_shown(shown, current, worst, want):
    by_id = {s.id: s for s in SEGS}
    assert render.after_leaving(SEGS, [by_id[i] for i in shown], current, worst) == want
