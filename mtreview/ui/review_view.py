"""The review view (streamlit): widgets -> pipeline / store -> render.

The rows are escaped HTML (render.segments_grid: a header and blocks of rows, so that a change
redraws one block); only the selected segment gets widgets (:mod:`segment_editor`: flag
decisions, edit, comment, reviewed). Every save carries the version the form shows; a stale
save shows who saved in between, and a diff, instead of overwriting it. Flags silenced by other
reviewers' rejections are counted and listed with who, when and how far (scope); marking an
article done with work left asks for confirmation.

Layout (docs/ui.md says why): one compact row of controls (reviewer, prev/next flagged,
picker, filters), then the segment grid (left, scrolls by itself, click a row to select it)
beside the selected segment's flags and editor (right), both as tall as the window. The open
article, segment and filters live in the URL, so a reload comes back to the same place. The grid,
the panel and the progress line are one fragment (``_work``): what is done in the panel reruns
only them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import streamlit as st

from .. import pipeline
from ..checks import CHECKS
from ..config import Config
from ..errors import MtreviewError
from ..io.output import dumps
from ..records import Review, Severity
from ..registry import EXPORT_FORMATS
from . import grid, recheck, render, reviewer, runs
from .export import FORMATS, export
from .open_view import open_work
from .segment_editor import editor, flash, plain
from .sources import Opened
from .store import STATUSES, ArticleState, SegmentState, StaleWriteError, Store

log = logging.getLogger(__name__)



@st.cache_resource(show_spinner="Loading models…")
def _models(digest: str, _config: Config) -> pipeline.Models:
    return pipeline.load_models(_config)


@st.cache_data(show_spinner="Aligning and checking…", max_entries=16)
def _review(digest: str, checks: tuple[str, ...], name: str, src_text: str, tgt_text: str,
            suppressed: tuple[str, ...], _opened: Opened, _config: Config) -> Review:
    return pipeline.review(_opened.src, _opened.tgt, _config, _models(digest, _config), suppressed=suppressed)


@st.cache_data(show_spinner="Re-checking the edit…", max_entries=256)
def _recheck(digest: str, name: str, src_text: str, tgt_text: str, seg_id: int, text: str,
             suppressed: tuple[str, ...], edits: tuple[tuple[int, str], ...], _review: Review,
             _config: Config) -> recheck.Recheck:
    return recheck.recheck(_review, seg_id, text, _config, _models(digest, _config), suppressed, dict(edits))


def _saved_edits(store: Store, aid: str, review: Review, seg_id: int) -> tuple[tuple[int, str], ...]:
    """The other segments' saved translations (read now: saves in the work fragment do not rerun the
    page), for the re-check's article-wide checks."""
    by_id = {s.id: s for s in review.segments}
    return tuple(sorted((k, st.edit) for k, st in store.segment_states(aid).items()
                        if k != seg_id and st.edit is not None and k in by_id
                        and st.matches(by_id[k].src, by_id[k].tgt)))


def review_of(opened: Opened, config: Config, suppressed: frozenset[str] = frozenset()) -> Review:
    if opened.review is not None:  # a batch result: computed already, drop flags rejected since
        return render.without_suppressed(opened.review, suppressed)
    return _review(config.digest(), tuple(sorted(CHECKS)), opened.name, opened.src_text, opened.tgt_text,
                   tuple(sorted(suppressed)), opened, config)




def _step(review: Review, filters: render.Filters, store: Store, aid: str, step: int) -> None:
    """J / K: the next / previous segment with an undecided flag, as decided now (saves in the
    work fragment do not rerun the page, so the states of the last full run may be old)."""
    states = store.segment_states(aid)
    order = render.select_segments(review.segments, states, filters)
    target = render.next_flagged(order, st.session_state.get("cur"), states, step)
    if target is not None:
        st.session_state["cur"] = target


def _picked(key: str) -> None:
    """The picker drawn for the selection (key ``sel:<id>``) moved it. A rerun the browser asks for
    before it has drawn the last run (the typing watcher's message just after *Reviewed, next*)
    carries the value of the picker it still shows, which Streamlit reports as a change: a picker
    drawn for another selection than the current one moves nothing (it sent the page back to the
    segment just saved, the picker naming the next one)."""
    if key == f"sel:{st.session_state.get('cur')}":
        st.session_state["cur"] = st.session_state[key]


def _filters(review: Review) -> render.Filters:
    present = sorted({f.check for s in review.segments for f in s.flags})
    if any(c not in present for c in st.session_state.get("f_checks", [])):  # from an old URL
        st.session_state["f_checks"] = [c for c in st.session_state["f_checks"] if c in present]
    with st.popover("Filter and sort"):
        c1, c2, c3 = st.columns(3)
        checks = c1.multiselect("Checks", present, key="f_checks")
        sevs = c2.multiselect("Severity", [s.label for s in Severity], key="f_sev")
        max_align = c3.slider("Max align score", 0.0, 1.0, 1.0, 0.05, key="f_align")
        t1, t2, t3 = st.columns(3)
        only_flagged = t1.toggle("Only flagged", key="f_flagged")
        only_open = t2.toggle("Hide reviewed", key="f_open")
        worst = t3.toggle("Worst first", key="f_worst")
    return render.Filters(tuple(checks), tuple(sevs), None if max_align >= 1.0 else max_align, only_flagged,
                          only_open, worst)


def _header(art: ArticleState, review: Review, states: dict[int, SegmentState]) -> None:
    prog = render.progress(review.segments, states)
    info = review.meta.get("article") or {}
    facts = [f"article {art.id}", art.source, *(f"{k} {info[k]}" for k in ("date", "desk", "translator")
                                                if info.get(k)),
             f"status {art.status}" + (f" (set by {art.reviewer})" if art.reviewer else "")]  # not who saved last
    st.html(render.header_html(art.name, facts, prog))


def _status(store: Store, art: ArticleState, prog: render.Progress) -> None:
    """The sidebar's article status. It shows the stored status, and follows it when a colleague
    changes it (unless a choice of this reviewer is pending); a save based on an older status is
    refused, and the stored one is shown instead, to choose again (it kept failing until a reload)."""
    key, pick = f"art_base:{art.id}", f"status:{art.id}"
    base, shown = st.session_state.get(key, (None, None))  # the stored version and status the sidebar shows
    if st.session_state.pop(f"art_reload:{art.id}", False) or (
            base != art.version and st.session_state.get(pick, shown) == shown):
        st.session_state[key] = (base, shown) = (art.version, art.status)
        st.session_state[pick] = art.status
    status = st.sidebar.selectbox("Article status", STATUSES, key=pick)
    warning = render.done_warning(prog) if status == "done" and art.status != "done" else None
    if warning:
        st.sidebar.warning(plain(warning))
    anyway = warning is not None and st.sidebar.checkbox("Mark done anyway", key=f"done_anyway:{art.id}")
    if st.sidebar.button("Save status", key=f"save_status:{art.id}", disabled=warning is not None and not anyway):
        try:
            new = store.set_status(art.id, status, st.session_state.get("reviewer", ""), base)
            st.session_state[key] = (new.version, new.status)
            flash("success", f"article marked {status}" + (f" ({warning})" if warning else ""))
        except StaleWriteError:
            now = store.article(art.id)
            st.session_state[f"art_reload:{art.id}"] = True
            flash("error", f"{now.reviewer or 'someone'} set the article's status to {now.status} after you opened"
                           f" it: nothing was saved; the sidebar shows their status now, choose again")
        except MtreviewError as exc:
            flash("error", str(exc))
        st.rerun()


def _suppressed(hidden: list) -> None:
    """The count of flags silenced by rejections elsewhere, and (toggle) who silenced them."""
    if not hidden:
        return
    n = len(hidden)
    c1, c2 = st.columns([3, 1])
    c1.caption(plain(f"{n} flag{'s' if n != 1 else ''} suppressed by rejections in other articles "
                     "(not shown in the table)."))
    if c2.toggle("Show suppressed", key="show_suppressed"):
        st.html(render.suppressed_html(hidden))


def _opened(label: str, key: str) -> Any:
    """An expander whose content is drawn only while it is open (opening it reruns the page):
    a closed one costs no widget, no table and no database read on each run."""
    box = st.expander(label, key=key, on_change="rerun")
    return box if box.open else None


def _exports(review: Review, store: Store, art: ArticleState) -> None:
    """The Export buttons. Each file is built at the click (a callable: a save reruns only the grid and
    panel, not this box, so bytes built here would miss it) and the click reruns nothing
    (``on_click="ignore"``): Streamlit drops a button's callable at the end of the next full page run,
    and a click that started one raced the browser's request for the file (a click during a save's run
    gave no file). The file waits for the runs the page asked for before the click (``runs.settled``):
    built at once, a click right after Save could miss the save."""
    sid = runs.session_id()

    def data(fmt: str) -> bytes | str:  # at the click: what is saved now, once the runs asked before it end
        runs.settled(sid)
        return export(fmt, review, store.segment_states(art.id), store.article(art.id))

    box = _opened("Export the reviewed article", "x_export")
    if box is None:
        return
    with box:
        cols = st.columns(len(FORMATS))
        for col, fmt in zip(cols, FORMATS, strict=True):
            kind = EXPORT_FORMATS[fmt]
            col.download_button(fmt.upper(), data=lambda fmt=fmt: data(fmt), on_click="ignore",
                                file_name=f"{art.name}.reviewed.{kind.extension}", mime=kind.mime, key=f"dl:{fmt}")


def _removed(review: Review) -> None:
    n = sum(len(items) for items in review.removed.values())
    box = _opened(f"Page debris removed before review ({n})", "x_removed") if n else None
    if box is not None:
        rows = [{"side": side, "reason": r.reason, "text": r.text, "start": r.start}
                for side, items in sorted(review.removed.items()) for r in items]
        box.dataframe(rows, hide_index=True)


def _history(store: Store, art: ArticleState) -> None:
    box = _opened("History (audit log)", "x_history")
    if box is None:
        return
    rows = store.audit(art.id)[-200:]
    if not rows:
        box.caption("Nothing saved yet.")
        return
    box.dataframe([{**r, "detail": dumps(r["detail"])} for r in reversed(rows)], hide_index=True)


URL_FILTERS = {"f_checks": list, "f_sev": list, "f_align": float, "f_flagged": bool, "f_open": bool,
               "f_worst": bool}
_FILTER_DEFAULTS = {"f_checks": [], "f_sev": [], "f_align": 1.0, "f_flagged": False, "f_open": False,
                    "f_worst": False}


def _url_restore() -> None:
    """Once per session (after the article opened): the segment and filters the URL names."""
    if st.session_state.get("url_restored"):
        return
    st.session_state["url_restored"] = True
    qp = st.query_params
    seg = qp.get("seg", "")
    if seg.isdigit():
        st.session_state["cur"] = int(seg)
    for key, kind in URL_FILTERS.items():
        raw = qp.get(key)
        if raw is None:
            continue
        try:
            st.session_state[key] = ([v for v in raw.split(",") if v] if kind is list else
                                     raw == "1" if kind is bool else min(1.0, max(0.0, float(raw))))
        except ValueError:
            continue


def _url_save(opened: Opened, art: ArticleState) -> None:
    """Keep the open article, segment and filters in the URL (only what differs from the defaults)."""
    want: dict[str, str] = {"view": "review"}
    if opened.source.startswith("batch:"):
        want.update(batch=opened.source[len("batch:"):], article=opened.name)
        named = f"{want['batch']}|{opened.name}"
    else:
        want["aid"] = named = art.id
    # the URL names the article that is open: the next run must not take it for a link to open
    # (open_view._from_query would reopen it and drop the selection, and any conflict shown with it)
    st.session_state["opened_from_query"] = named
    if st.session_state.get("cur") is not None:
        want["seg"] = str(st.session_state["cur"])
    for key, kind in URL_FILTERS.items():
        value = st.session_state.get(key, _FILTER_DEFAULTS[key])
        if value != _FILTER_DEFAULTS[key]:
            want[key] = ",".join(value) if kind is list else ("1" if value is True else str(value))
    if {k: st.query_params.get(k) for k in st.query_params} != want:
        st.query_params.from_dict(want)


def _select(seg_id: int) -> None:
    st.session_state["cur"] = seg_id


def _filters_in(where: Any, review: Review) -> render.Filters:
    with where:
        return _filters(review)


def render_view(config: Config, store: Store) -> None:
    """The whole review page."""
    if "reviewer" not in st.session_state:  # kept in this browser (a cookie), not in the URL
        st.session_state["reviewer"] = reviewer.remembered()
    st.html(render.PAGE_CSS)
    # The work fragment's id is its place on the page: it gets a place of its own, and whatever is
    # drawn above it or not (a note, a warning) goes into `page`, so that a click on the grid or the
    # panel made during a run that adds or removes such a note still reaches the fragment.
    page, work = st.container(), st.container()
    with page:
        drawn = _page(config, store)
    if drawn is None:
        return
    opened, art, review, top, filters, checker = drawn
    with work:
        _work(review, top, store, art, filters, checker)
    _url_save(opened, art)
    _removed(review)
    _exports(review, store, art)
    _history(store, art)


def _page(config: Config, store: Store) -> tuple | None:
    """Everything above the grid; returns what the rest of the page needs (None: no article open)."""
    opened = open_work(config, store)
    if opened is None:
        st.text_input("Reviewer", key="reviewer", placeholder="your name (required to save)")
        reviewer.remember()
        st.info("Open an article from the sidebar.")
        return None
    _url_restore()
    try:
        art = store.open_article(opened.name, opened.src_text, opened.tgt_text, opened.source)
        silenced = store.suppressions(art.id)
        review, hidden = render.split_suppressed(review_of(opened, config), silenced)
    except MtreviewError as exc:
        st.error(plain(str(exc)))
        return None
    moved = store.relocate(art.id, [(seg.id, seg.src, seg.tgt) for seg in review.segments],
                           st.session_state.get("reviewer", ""))
    if moved:
        st.info(f"The article was re-aligned since the last save: the saved work of {len(moved)} segment(s)"
                f" followed its text to the new position ({', '.join(f'{a}→{b}' for a, b in moved.items())}).")
    states = store.segment_states(art.id)
    _status(store, art, render.progress(review.segments, states))
    top = st.container()  # flash message, article facts and progress: drawn by the work fragment
    _suppressed(hidden)
    nav = st.columns([2.2, 1.2, 1.2, 4.4, 1.8], vertical_alignment="center")
    nav[0].text_input("Reviewer", key="reviewer", placeholder="your name (required to save)",
                      label_visibility="collapsed")
    filters = _filters_in(nav[4], review)
    order = render.select_segments(review.segments, states, filters)
    ids = [s.id for s in order]
    # the selection lives in "cur" (plain state); "sel" is the one this run shows
    if st.session_state.get("cur") not in ids:  # none yet, or it left the rows shown: the one after it
        first = render.after_leaving(review.segments, order, st.session_state.get("cur"), filters.worst_first)
        if first is None:
            first = render.next_flagged(order, None, states)
        st.session_state["cur"] = first if first is not None else (ids[0] if ids else None)
    st.session_state["sel"] = st.session_state["cur"]
    nav[1].button("▲ Prev", key="prev", shortcut="K", on_click=_step, args=(review, filters, store, art.id, -1),
                  help="previous segment with an undecided flag (K)", width="stretch")
    nav[2].button("Next ▼", key="next", shortcut="J", on_click=_step, args=(review, filters, store, art.id, 1),
                  help="next segment with an undecided flag (J)", width="stretch")
    by_id = {s.id: s for s in review.segments}
    if ids:
        key = f"sel:{st.session_state['cur']}"  # a picker for each selection: see _picked
        nav[3].selectbox("Segment", ids, index=ids.index(st.session_state["cur"]), key=key,
                         label_visibility="collapsed", on_change=_picked, args=(key,),
                         format_func=lambda i: render.segment_label(by_id[i]))
    if not st.session_state.get("reviewer", "").strip():
        st.warning("Enter your name (Reviewer, above) before saving decisions.")
    reviewer.remember()
    # an edit is re-checked with the same rejections silenced as the page (else they come back "(new)")
    keys = tuple(sorted({x.key for x in silenced}))
    checker = lambda seg_id, text: _recheck(config.digest(), opened.name, opened.src_text,  # noqa: E731
                                            opened.tgt_text, seg_id, text, keys,
                                            _saved_edits(store, art.id, review, seg_id), review, config)
    return opened, art, review, top, filters, checker


@st.fragment
def _work(review: Review, top: Any, store: Store, art: ArticleState, filters: render.Filters,
          checker: Callable[[int, str], recheck.Recheck]) -> None:
    """The grid and the selected segment's panel, and (in ``top``) the progress they change.

    A fragment: a save, a flag decision, a conflict's reload or typing in the editor reruns only
    this (not the sidebar, the controls and the expanders), so the saved row shows sooner. When
    the selection moves (a row clicked, *Reviewed, next*) or leaves the filtered rows, the whole
    page runs again, so that the picker and the URL follow.
    """
    states = store.segment_states(art.id)
    order = render.select_segments(review.segments, states, filters)
    ids = [s.id for s in order]
    cur = st.session_state.get("cur")
    if cur != st.session_state.get("sel") or (ids and cur not in ids):
        st.rerun()
    with top:
        message = st.session_state.get("flash")
        if message:  # dropped once drawn: a run stopped for a newer click while drawing it keeps it
            # a success is a toast (over the page, for a few seconds): drawn above the grid it pushed
            # the grid and the editor down (Save below the window at 1366×768) until the next full run
            if message[0] == "error":
                st.error(plain(message[1]))
            else:
                st.toast(plain(message[1]), icon=":material/check_circle:")
            st.session_state.pop("flash", None)
        _header(art, review, states)
    left, right = st.columns([5, 2.2])
    with left, st.container(height=560, key="grid", border=False):
        for piece in render.segments_grid(order, states, cur):
            st.html(piece)
    grid.behaviour(cur, _select)
    if cur is not None:
        with right, st.container(height=560, key="editor", border=False):
            pos = ids.index(cur)
            next_id = ids[pos + 1] if pos + 1 < len(ids) else None
            by_id = {s.id: s for s in review.segments}
            editor(store, art, by_id[cur], states.get(cur, SegmentState(cur)), next_id, checker)
