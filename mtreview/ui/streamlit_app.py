"""mtreview review UI, the script Streamlit runs (``mtreview app``; ``streamlit run app.py`` in a checkout).

A thin edge: widgets -> pipeline / store -> render. Routes between the Review view and the
batch Dashboard with a sidebar radio; ``?view=review|dashboard&batch=DIR&article=ID`` selects
what opens. The database URL comes from ``MTREVIEW_DB`` (else the config's [store] url), the
configuration file from ``MTREVIEW_CONFIG``.
"""

from __future__ import annotations

import os

import streamlit as st

from mtreview.config import load_config
from mtreview.errors import MtreviewError
from mtreview.ui.store import Store

VIEWS = ("Review", "Dashboard")


@st.cache_resource
def get_store(url: str | None) -> Store:
    return Store(url)


def main() -> None:
    # the sidebar (open work, article status) starts collapsed: the grid and editor need the width
    st.set_page_config(page_title="mtreview", page_icon="🈂️", layout="wide", initial_sidebar_state="collapsed")
    try:
        config = load_config(os.environ.get("MTREVIEW_CONFIG") or None)
        store = get_store(os.environ.get("MTREVIEW_DB") or config.store.url)
    except MtreviewError as exc:
        from mtreview.ui.render import md_escape

        st.error(md_escape(str(exc)))
        return
    wanted = str(st.query_params.get("view", "review")).capitalize()
    if "view" not in st.session_state:
        st.session_state["view"] = wanted if wanted in VIEWS else "Review"
    view = st.sidebar.radio("View", VIEWS, key="view", horizontal=True)
    if view == "Dashboard":
        from mtreview.ui import dashboard_view

        dashboard_view.render(st.query_params.get("batch"), store)
        return
    from mtreview.ui import review_view

    review_view.render_view(config, store)


if __name__ == "__main__":  # Streamlit runs this file as __main__
    main()
