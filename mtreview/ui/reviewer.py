"""Who is reviewing (streamlit): the Reviewer name, kept in this browser and never in the URL.

The app used to keep the name in the URL (``?reviewer=Aiko``) so that a reload kept it; but the
URL is also what a reviewer copies to send a colleague, and the colleague's saves were then
credited to the sender. Now the name lives in a cookie of this browser (:data:`COOKIE`, set by a
small ``st.components.v2`` script drawn in the run where the name changed): a reload, or a dashboard link opened
in another tab of the same browser, finds it; a colleague's browser does not, and the page asks
for their name. The app never writes the name into a URL. A ``?reviewer=NAME`` typed into the
address on purpose (scripts, tests) still names the reviewer of that session, and is then taken
out of the URL.
"""

from __future__ import annotations

from urllib.parse import unquote

import streamlit as st

COOKIE = "mtreview_reviewer"

_JS = """
export default function(component) {
  const { data } = component;
  const kept = data.name ? encodeURIComponent(data.name) : '';
  document.cookie = `${data.cookie}=${kept}; path=/; SameSite=Strict; max-age=${data.name ? 31536000 : 0}`;
}
"""

_component = None


def remembered() -> str:
    """The reviewer of a new session: a ``?reviewer=`` put into the address on purpose, else the
    name last used in this browser (its cookie), else ""."""
    named = st.query_params.get("reviewer", "")
    return str(named) if named else browser_cookie()


def browser_cookie() -> str:
    """The name this browser's cookie holds ("" if none, or no browser: a script run, AppTest)."""
    try:
        kept = st.context.cookies.get(COOKIE)
    except Exception:
        return ""
    return unquote(kept).strip() if isinstance(kept, str) else ""


def remember() -> None:
    """Keep the Reviewer name in this browser's cookie (an empty name drops it) and out of the URL.

    The script is drawn only in the run where the name changed (it sets the cookie as it is drawn),
    so the other runs draw nothing more."""
    global _component
    st.query_params.pop("reviewer", None)
    name = st.session_state.get("reviewer", "").strip()
    if "reviewer_kept" not in st.session_state:  # a new session: what the browser holds already
        st.session_state["reviewer_kept"] = browser_cookie()
    if st.session_state["reviewer_kept"] == name:
        return
    st.session_state["reviewer_kept"] = name
    if _component is None:
        _component = st.components.v2.component("mtreview.reviewer", js=_JS)
    with st.sidebar:  # in the sidebar: no gap in the page's layout
        _component(data={"cookie": COOKIE, "name": name}, key="reviewer_cookie")
