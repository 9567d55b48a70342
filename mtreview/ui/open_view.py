"""Sidebar "Open work" (streamlit): sample, uploaded pair, folder, batch result, saved article.

``?view=review&batch=<DIR>&article=<ID>`` opens that batch article directly (the dashboard's
click-through); ``?aid=<ID>`` reopens any article from the review database (how a page reload
comes back to an uploaded or folder article). The opened work is kept in ``st.session_state["opened"]``.
"""

from __future__ import annotations

import streamlit as st

from ..config import Config
from ..errors import MtreviewError
from ..io import load
from . import render, sources
from .sources import Opened
from .store import Store

CHOICES = ("Sample article", "Upload a pair", "Folder", "Batch result", "Saved article")


def _set(opened: Opened) -> None:
    st.session_state["opened"] = opened
    st.session_state.pop("cur", None)
    # a reject's scope starts at "this article" in each article opened: a wider one chosen in the last
    # article would otherwise silence the next article's flags (Alt+X) in every article of the team
    st.session_state.pop("reject_scope", None)


def _try(fn, *args, **kwargs) -> None:
    try:
        _set(fn(*args, **kwargs))
    except MtreviewError as exc:
        st.session_state["open_error"] = str(exc)


def _from_query(config: Config, store: Store) -> None:
    qp = st.query_params
    batch, article = qp.get("batch"), qp.get("article")
    aid = qp.get("aid")
    if aid and not (batch and article):  # any article opened before (folder, upload, saved): from the store
        if st.session_state.get("opened_from_query") != aid:
            st.session_state["opened_from_query"] = aid
            try:
                _set(_reopen(store.article(aid), config))
            except MtreviewError as exc:
                st.session_state["open_error"] = str(exc)
        return
    if not (batch and article):
        return
    token = f"{batch}|{article}"
    if st.session_state.get("opened_from_query") != token:
        st.session_state["opened_from_query"] = token
        st.session_state["open_choice"] = "Batch result"
        st.session_state["batch_dir"] = batch
        st.session_state["batch_pick"] = article  # the sidebar names the article open, not the batch's first
        _try(sources.open_batch, batch, article)


def _reopen(saved, config: Config) -> Opened:
    if saved.source.startswith("batch:"):
        return sources.open_batch(saved.source[len("batch:"):], saved.name)
    src = load.load_text(saved.src_text, "en", path=f"{saved.name}.en", config=config.load)
    tgt = load.load_text(saved.tgt_text, "ja", path=f"{saved.name}.ja", config=config.load)
    return Opened(saved.name, saved.src_text, saved.tgt_text, saved.source, src, tgt)


def open_work(config: Config, store: Store) -> Opened | None:
    """Draw the sidebar chooser; returns the work currently open (the sample on first start)."""
    _from_query(config, store)
    if "opened" not in st.session_state and "open_error" not in st.session_state:
        _try(sources.open_sample, config.load)
    sb = st.sidebar
    sb.header("Open work")
    choice = sb.radio("Source", CHOICES, key="open_choice", label_visibility="collapsed")
    if choice == "Sample article":
        sb.button("Open the sample", on_click=_try, args=(sources.open_sample, config.load))
    elif choice == "Upload a pair":
        en = sb.file_uploader("English source", key="up_en")
        ja = sb.file_uploader("Japanese translation", key="up_ja")
        if sb.button("Open uploaded pair", disabled=not (en and ja)) and en and ja:
            _try(sources.open_upload, (en.name, en.getvalue()), (ja.name, ja.getvalue()), config.load)
    elif choice == "Folder":
        folder = sb.text_input("Folder with NAME.en.txt / NAME.ja.txt", key="folder")
        if folder:
            try:
                pairs = sources.folder_pairs(folder)
            except MtreviewError as exc:
                sb.error(render.md_escape(str(exc)))
                pairs = []
            names = [p[0] for p in pairs]
            pick = sb.selectbox("Article", names, key="folder_pick") if names else None
            if folder and not names:
                sb.caption("no `NAME.en.*` / `NAME.ja.*` pairs here")
            if pick and sb.button("Open from folder"):
                _, en_path, ja_path = pairs[names.index(pick)]
                _try(sources.open_paths, en_path, ja_path, f"folder:{sources.allowed(folder)}", config.load, pick)
    elif choice == "Batch result":
        batch = sb.text_input("Batch output folder", key="batch_dir")
        if batch:
            try:
                ids = sources.batch_articles(batch)
            except MtreviewError as exc:
                sb.error(render.md_escape(str(exc)))
                ids = []
            pick = sb.selectbox("Article", ids, key="batch_pick") if ids else None
            if pick and sb.button("Open from batch"):
                _try(sources.open_batch, batch, pick)
    else:
        saved = {a.id: a for a in store.articles()}  # newest first: the choice is an id, not a position
        labels = {k: f"{a.name} · {a.status} · {a.updated_at:%Y-%m-%d %H:%M}" for k, a in saved.items()}
        pick = sb.selectbox("Article", list(saved), format_func=labels.__getitem__, key="saved_pick"
                            ) if saved else None
        if pick in saved and sb.button("Open saved article"):
            _try(_reopen, saved[pick], config)
    err = st.session_state.pop("open_error", None)
    if err:
        st.error(render.md_escape(err))
    return st.session_state.get("opened")
