"""The selected segment's editor (streamlit): flag decisions, edit, comment, reviewed, conflicts.

The form always knows which stored version it shows (``form_base``): it is loaded from the
store when a segment is opened, after every save, and when the reviewer reloads someone
else's version; the fields then hold exactly that version's values. A save based on an older
version is refused by the store; the reviewer sees who saved, a field-by-field diff of
theirs against theirs-to-be, and chooses "Reload their version" (every field takes the
stored value) or "Overwrite with mine" (saved on top of the version the diff showed).

Edits are re-checked (:mod:`mtreview.ui.recheck`): the panel shows the flags and quality of the
current text and which old flags the edit resolved; saving as reviewed a text that brings a
new major (or critical) flag asks for confirmation first. The re-check also follows the text
as it is typed (:mod:`mtreview.ui.live_edit`, debounced), before anything is saved. What was
typed (translation, comment) and not saved is kept as a draft when another segment is opened,
and comes back (with the version it was typed on) when the reviewer returns to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from ..errors import MtreviewError
from ..records import Segment
from . import live_edit, render
from .recheck import Recheck
from .store import SCOPES, ArticleState, FlagDecision, SegmentState, StaleWriteError, Store

SCOPE_LABELS = {"article": "this article", "project": "this project", "global": "every article"}


def plain(text: str) -> str:
    """``text`` for st.error / st.success and friends, with Markdown switched off (a name is text)."""
    return render.md_escape(text)


def flash(kind: str, text: str) -> None:
    st.session_state["flash"] = (kind, text)


def _keys(aid: str, seg_id: int) -> dict[str, str]:
    """The form's widget keys: ``edit:<article>:<segment>#<generation>``.

    Each load of the form gets new keys (a new generation), so the browser draws new fields
    with the loaded values; a field kept under its old key would keep what was typed into it.
    """
    gen = st.session_state.get("form_gen", 0)
    return {f: f"{f}:{aid}:{seg_id}#{gen}" for f in ("edit", "comment", "reviewed")}


def _load_form(aid: str, seg: Segment, state: SegmentState) -> None:
    """Put the stored ``state`` into every field of the form and remember its version."""
    st.session_state["form_gen"] = st.session_state.get("form_gen", 0) + 1
    keys = _keys(aid, seg.id)
    st.session_state[keys["edit"]] = seg.tgt if state.edit is None else state.edit
    st.session_state[keys["comment"]] = state.comment
    st.session_state[keys["reviewed"]] = state.reviewed
    st.session_state["form"] = (aid, seg.id)
    st.session_state["form_base"] = state.version
    st.session_state["form_loaded"] = (st.session_state[keys["edit"]], state.comment)  # what a draft differs from


def _keep_draft() -> None:
    """The segment being left: keep what was typed into its Translation and Comment boxes and not
    saved (a draft, with the version it was typed on), so that coming back to it brings it back."""
    prev = st.session_state.get("form")
    if prev is None:
        return
    gen = st.session_state.get("form_gen", 0)
    text = live_edit.live_text(f"edit:{prev[0]}:{prev[1]}#{gen}")
    comment = live_edit.live_comment(f"comment:{prev[0]}:{prev[1]}#{gen}")
    drafts = st.session_state.setdefault("drafts", {})
    old = drafts.get(prev)  # a restored draft: what was not typed into again stays as it was
    if old is not None:
        text = old[0] if text is None else text
        comment = old[2] if comment is None else comment
    # what the form was loaded with (also what the watcher sends late, just after a save) is no draft
    loaded = st.session_state.get("form_loaded", (None, None))
    text, comment = (None if text == loaded[0] else text), (None if comment == loaded[1] else comment)
    if text is None and comment is None:
        drafts.pop(prev, None)
    else:
        drafts[prev] = (text, st.session_state.get("form_base", 0), comment)


def _restore_draft(aid: str, seg: Segment, state: SegmentState) -> None:
    """Put the segment's unsaved draft back in its boxes, based on the version it was typed on (so
    that a colleague's save in between is a conflict at Save, not overwritten)."""
    drafts = st.session_state.get("drafts", {})
    draft = drafts.get((aid, seg.id))
    if draft is None:
        return
    text, base, comment = draft
    if text == (seg.tgt if state.edit is None else state.edit):  # typed back to what is saved
        text = None
    if comment == state.comment:
        comment = None
    if text is None and comment is None:
        drafts.pop((aid, seg.id))
        return
    drafts[(aid, seg.id)] = (text, base, comment)
    keys = _keys(aid, seg.id)
    if text is not None:
        st.session_state[keys["edit"]] = text
        st.session_state["live_text"] = (keys["edit"], text)  # the re-check follows the draft
    if comment is not None:
        st.session_state[keys["comment"]] = comment
    st.session_state["form_base"] = base


def _draft_note(aid: str, seg_id: int) -> str | None:
    """What the recovered draft of the segment holds, as a note (None: no draft)."""
    draft = st.session_state.get("drafts", {}).get((aid, seg_id))
    if draft is None:
        return None
    what = [w for w, v in (("edit", draft[0]), ("comment", draft[2])) if v is not None]
    if len(what) == 2:
        return "Your unsaved edit and comment of this segment are back in their boxes: they are not saved yet."
    return f"Your unsaved {what[0]} of this segment is back in the box: it is not saved yet."


def _drop_draft(aid: str, seg_id: int) -> None:
    st.session_state.get("drafts", {}).pop((aid, seg_id), None)


def _discard_draft(store: Store, aid: str, seg: Segment) -> None:
    """Drop the recovered draft: every field shows the segment as it is saved now."""
    _drop_draft(aid, seg.id)
    _load_form(aid, seg, store.segment_state(aid, seg.id))
    flash("success", f"segment {seg.id}: unsaved draft discarded")


def _conflict_key(aid: str, seg_id: int) -> str:
    return f"conflict:{aid}:{seg_id}"


def _save(store: Store, aid: str, seg: Segment, base: int, mine: dict[str, Any] | None, **changes: Any) -> bool:
    """Save; on a stale version keep the conflict (theirs + mine) for the diff. True if saved."""
    try:
        state = store.save_segment(aid, seg.id, st.session_state.get("reviewer", ""), base,
                                   texts=(seg.src, seg.tgt), **changes)
    except StaleWriteError as exc:
        st.session_state[_conflict_key(aid, seg.id)] = {"message": str(exc), "theirs": exc.current, "mine": mine}
        return False
    except MtreviewError as exc:
        flash("error", str(exc))
        return False
    st.session_state["form_base"] = state.version
    st.session_state.pop(_conflict_key(aid, seg.id), None)
    if "edit" in changes:  # the form's fields are saved: no draft of them left
        _drop_draft(aid, seg.id)
    return True


def _decide(store: Store, aid: str, seg: Segment, idx: int, decision: str | None) -> None:
    flag = seg.flags[idx]
    scope = st.session_state.get("reject_scope", "article")
    d = FlagDecision(render.flag_key(flag, seg), flag.check, flag.text, decision, scope)
    if _save(store, aid, seg, st.session_state.get("form_base", 0), None, decisions=(d,)):
        where = f" ({SCOPE_LABELS[scope]})" if decision == "reject" else ""
        flash("success", f"segment {seg.id}: {flag.check} flag {decision + 'ed' if decision else 'cleared'}{where}")


def _reload(store: Store, aid: str, seg: Segment) -> None:
    st.session_state.pop(_conflict_key(aid, seg.id), None)
    _drop_draft(aid, seg.id)
    _load_form(aid, seg, store.segment_state(aid, seg.id))


def _overwrite(store: Store, aid: str, seg: Segment) -> None:
    conflict = st.session_state.get(_conflict_key(aid, seg.id))
    if not conflict or conflict["mine"] is None or conflict["theirs"] is None:
        return
    if _save(store, aid, seg, conflict["theirs"].version, conflict["mine"], keep_edit=False, **conflict["mine"]):
        _load_form(aid, seg, store.segment_state(aid, seg.id))
        flash("success", f"segment {seg.id} saved over {conflict['theirs'].updated_by}'s version")


def _confirm_key(aid: str, seg_id: int) -> str:
    return f"confirm:{aid}:{seg_id}"


def _save_form(store: Store, aid: str, seg: Segment, mine: dict[str, Any], next_id: int | None) -> None:
    """Save the form's fields (``mine``); ``next_id``: the segment to open after a successful save."""
    if _save(store, aid, seg, st.session_state.get("form_base", 0), mine, keep_edit=False, **mine):
        flash("success", f"segment {seg.id} saved" + (" as reviewed" if mine["reviewed"] else ""))
        _load_form(aid, seg, store.segment_state(aid, seg.id))  # the form shows the saved version
        if next_id is not None:
            st.session_state["cur"] = next_id


def _save_anyway(store: Store, aid: str, seg: Segment, next_id: int | None) -> None:
    pending = st.session_state.pop(_confirm_key(aid, seg.id), None)
    if pending:
        _save_form(store, aid, seg, pending["mine"], next_id if pending["next"] else None)


def _confirm(store: Store, aid: str, seg: Segment, next_id: int | None) -> None:
    """A save as reviewed held back because the edit brings new major flags: show them, ask."""
    pending = st.session_state.get(_confirm_key(aid, seg.id))
    if not pending:
        return
    st.warning(plain(f"Your edit brings {len(pending['flags'])} new major flag(s): "
                     + "; ".join(pending["flags"]) + ". Save it as reviewed anyway?"))
    c1, c2 = st.columns(2)
    c1.button("Save as reviewed anyway", key=f"anyway:{aid}:{seg.id}", type="primary",
              on_click=_save_anyway, args=(store, aid, seg, next_id))
    c2.button("Keep editing", key=f"keep:{aid}:{seg.id}",
              on_click=lambda: st.session_state.pop(_confirm_key(aid, seg.id), None))


def _conflict(store: Store, aid: str, seg: Segment) -> bool:
    """Draw the segment's conflict, if any; True the first time it is drawn (the panel scrolls up to it)."""
    conflict = st.session_state.get(_conflict_key(aid, seg.id))
    if not conflict:
        return False
    new = not conflict.get("seen")
    conflict["seen"] = True
    st.error(plain(conflict["message"]))
    theirs: SegmentState | None = conflict["theirs"]
    mine = conflict["mine"]
    if theirs is not None and mine is not None:
        st.html(render.conflict_diff_html(seg, theirs, mine))
    c1, c2 = st.columns(2)
    c1.button("Reload their version", key=f"reload:{aid}:{seg.id}", on_click=_reload, args=(store, aid, seg),
              help="every field takes the saved version; your unsaved changes are dropped")
    if theirs is not None and mine is not None:
        c2.button("Overwrite with mine", key=f"overwrite:{aid}:{seg.id}", type="primary",
                  on_click=_overwrite, args=(store, aid, seg), help="save your version over theirs (shown above)")
    return new


def _flags(store: Store, aid: str, seg: Segment, state: SegmentState) -> None:
    if seg.flags:
        st.radio("A reject silences the flag in", SCOPES, key="reject_scope", horizontal=True,
                 format_func=SCOPE_LABELS.__getitem__,
                 help="how far a false positive is silenced: this article only, the articles opened from the "
                      "same folder or batch, or every article; listed with who and when where it hides a flag")
    for i, flag in enumerate(seg.flags):
        key = render.flag_key(flag, seg)
        dec = state.decision(key)
        st.html(render.flag_note_html(flag, state.outcome(key, flag.side, flag.text),
                                      state.outcome_by(key, flag.side, flag.text)))
        c1, c2, c3 = st.columns([1, 1, 0.6])
        kinds = {d: "primary" if dec == d else "secondary" for d in ("accept", "reject")}
        c1.button("Accept", key=f"acc:{i}:{aid}:{seg.id}", type=kinds["accept"],
                  help="a real problem (Alt+A)", on_click=_decide, args=(store, aid, seg, i, "accept"),
                  shortcut="Alt+A" if i == 0 else None)
        c2.button("Reject", key=f"rej:{i}:{aid}:{seg.id}", type=kinds["reject"],
                  help="a false positive: silence this flag on this text in future reviews (Alt+X)",
                  on_click=_decide, args=(store, aid, seg, i, "reject"), shortcut="Alt+X" if i == 0 else None)
        c3.button("Clear", key=f"clr:{i}:{aid}:{seg.id}", disabled=dec is None,
                  on_click=_decide, args=(store, aid, seg, i, None))


def editor(store: Store, art: ArticleState, seg: Segment, state: SegmentState, next_id: int | None,
           checker: Callable[[int, str], Recheck] | None = None) -> None:
    """The panel of the selected segment; ``checker(seg_id, text)`` re-checks an edited text."""
    aid = art.id
    if st.session_state.get("form") != (aid, seg.id):  # a segment (re)opened: show what is stored now
        _keep_draft()
        _load_form(aid, seg, state)
        _restore_draft(aid, seg, state)
        st.session_state.pop(_confirm_key(aid, seg.id), None)
    # notices that come and go sit in slots drawn on every run: the form below keeps its place in
    # the page, so a rerun updates its boxes in place instead of drawing new ones beside the old
    with st.container():
        conflict = _conflict(store, aid, seg)
    with st.container():
        _confirm(store, aid, seg, next_id)
    st.html(render.editor_title_html(seg, state))
    with st.container():
        note = _draft_note(aid, seg.id)
        if note:
            st.info(note)
            st.button("Discard the draft", key=f"discard:{aid}:{seg.id}", on_click=_discard_draft,
                      args=(store, aid, seg), help="drop the unsaved edit: the boxes show what is saved")
    if not state.matches(seg.src, seg.tgt):
        st.warning(plain(f"This segment's saved work was done on other text (the article was re-aligned since):"
                         f" source {state.src!r}, translation {state.tgt!r}."))
    _flags(store, aid, seg, state)
    keys = _keys(aid, seg.id)
    with st.form(key=f"form:{aid}:{seg.id}"):
        st.text_area("Translation", key=keys["edit"], height=96)
        c1, c2 = st.columns([2.2, 1], vertical_alignment="bottom")
        c1.text_input("Comment", key=keys["comment"])
        c2.checkbox("Reviewed", key=keys["reviewed"])
        # one button a row: side by side, the shortcut hints cut the labels off ("S.") at 1366 px
        st.form_submit_button("Save", type="primary", shortcut="Ctrl+Enter", help="save this segment (Ctrl+Enter)",
                              width="stretch", on_click=_submit, args=(store, aid, seg, None, checker))
        st.form_submit_button("Reviewed, next", shortcut="Alt+Enter", width="stretch",
                              help="save, mark reviewed and open the next segment (Alt+Enter)",
                              on_click=_submit, args=(store, aid, seg, next_id, checker, True))
    # the current text's checks, under the form (the box does not move as they change): the text
    # being typed (debounced, unsaved) or else the saved edit
    typed = live_edit.live_text(keys["edit"])
    text = state.edit if typed is None else typed
    shown = checker is not None and text is not None and text != seg.tgt
    if shown:
        st.html(render.recheck_html(checker(seg.id, text)))
    live_edit.watch(keys["edit"], show=shown and typed is not None and not conflict, comment=keys["comment"],
                    unsaved=unsaved(aid, seg, state), top=conflict)


def unsaved(aid: str, seg: Segment, state: SegmentState) -> bool:
    """Whether this session holds typed text that is not saved: in the open segment's Translation or
    Comment box (as last sent by the watcher), or a draft of any segment."""
    keys = _keys(aid, seg.id)
    text, comment = live_edit.live_text(keys["edit"]), live_edit.live_comment(keys["comment"])
    return (bool(st.session_state.get("drafts"))
            or (text is not None and text != (seg.tgt if state.edit is None else state.edit))
            or (comment is not None and comment != state.comment))


def _submit(store: Store, aid: str, seg: Segment, next_id: int | None,
            checker: Callable[[int, str], Recheck] | None, done: bool = False) -> None:
    """The form's submit (a callback: it saves before the page is drawn, so one run shows the result)."""
    keys = _keys(aid, seg.id)
    text = st.session_state[keys["edit"]]
    mine = {"edit": None if text == seg.tgt else text, "comment": st.session_state[keys["comment"]],
            "reviewed": bool(st.session_state[keys["reviewed"]] or done)}
    new = checker(seg.id, text).blocking() if checker is not None and mine["edit"] is not None else ()
    if mine["reviewed"] and new:
        st.session_state[_confirm_key(aid, seg.id)] = {
            "mine": mine, "next": done, "flags": [f"{f.check} ({f.severity.label}) 「{f.text}」" for f in new]}
    else:
        _save_form(store, aid, seg, mine, next_id if done else None)
