"""The Translation box re-checked as the reviewer types (streamlit): a debounced watcher.

Streamlit's text area reports its text only on blur, Ctrl+Enter or a form's submit. A small
``st.components.v2`` script (no HTML of its own, no user data in it) listens for ``input``
events on the editor's Translation box and, once typing pauses for :data:`DEBOUNCE_MS`, sends
the box's text back with the key of the form field it belongs to. The callback keeps it as
``st.session_state["live_text"] = (field_key, text)``; the editor re-checks that text. The
Comment box is followed the same way (``"live_comment"``), only so that an unsaved comment is
kept as a draft when another segment is opened. Nothing is saved: the form's Save keeps its
meaning (versions, conflicts). While this tab holds typed text that is not saved (being typed, or
``unsaved`` as the editor knows it: a draft), leaving or reloading the page asks first (the
browser's *Leave site?*): a reload starts a new session, and the typed text would be gone. The re-check is drawn under
the form, so the box does not move while it changes; the script scrolls the editor's panel (never
the page) to bring it into view.
"""

from __future__ import annotations

import streamlit as st

DEBOUNCE_MS = 400

_JS = """
export default function(component) {
  const { data, setTriggerValue } = component;
  window.__mtrLive = (field, text) => setTriggerValue('text', [field, text]);
  window.__mtrFields = data.fields;
  window.__mtrUnsaved = data.unsaved;
  if (!window.__mtrTyping) {
    const waiting = {};  // label -> {timer, field, box}: typed, not yet sent (the server does not know it)
    window.__mtrPending = 0;
    const send = (label) => {  // the box's text, under the field it was typed in; a box gone sends nothing
      const w = waiting[label];
      if (!w) return;
      clearTimeout(w.timer);
      delete waiting[label];
      window.__mtrPending -= 1;
      if (w.box.isConnected && window.__mtrLive) window.__mtrLive(w.field, w.box.value);
    };
    window.__mtrTyping = (e) => {
      const box = e.target;
      const label = box instanceof HTMLTextAreaElement || box instanceof HTMLInputElement
        ? box.getAttribute('aria-label') : null;
      if (label !== 'Translation' && label !== 'Comment') return;
      const w = waiting[label];
      if (w && w.box === box) clearTimeout(w.timer);
      else { if (w) send(label); window.__mtrPending += 1; }
      // the field shown when the last letter was typed (not when the pause ends: by then another
      // segment may be open, and its field must not get this box's text)
      waiting[label] = {box, field: window.__mtrFields[label], timer: setTimeout(() => send(label), data.delay)};
    };
    document.addEventListener('input', window.__mtrTyping);
    // leaving the box (a row clicked, a button) sends what the pause has not sent yet: the box may be
    // gone before the pause ends, and those last letters with it
    document.addEventListener('focusout', (e) => {
      const label = e.target && e.target.getAttribute ? e.target.getAttribute('aria-label') : null;
      if (waiting[label] && waiting[label].box === e.target) send(label);
    });
    window.addEventListener('beforeunload', (e) => {  // a reload would drop what was typed: ask
      if (window.__mtrUnsaved || window.__mtrPending > 0) { e.preventDefault(); e.returnValue = ''; }
    });
  }
  if (data.top) {  // a conflict just shown at the top of the panel: scroll the panel (not the page) up to it
    const up = () => {
      const alert = document.querySelector('.st-key-editor [data-testid="stAlert"]');
      if (!alert) return false;
      let pane = alert.parentElement;
      while (pane && !(pane.scrollHeight > pane.clientHeight + 1)) pane = pane.parentElement;
      if (pane && pane !== document.documentElement && pane !== document.body) pane.scrollTop = 0;
      return true;
    };
    let tries = 0;
    const retry = () => { if (!up() && ++tries < 20) setTimeout(retry, 100); };
    requestAnimationFrame(retry);
    return;
  }
  if (!data.show) return;
  const show = () => {  // the re-check of the typed text into view, inside the panel only, never the page
    const box = document.querySelector('.mtr-recheck');
    if (!box) return false;
    let pane = box.parentElement;
    while (pane && !(pane.scrollHeight > pane.clientHeight + 1)) pane = pane.parentElement;
    if (!pane || pane === document.documentElement || pane === document.body) return true;
    const p = pane.getBoundingClientRect(), r = box.getBoundingClientRect();
    if (r.bottom > p.bottom) pane.scrollTop += Math.min(r.bottom - p.bottom, r.top - p.top);
    return true;
  };
  let tries = 0;
  const retry = () => { if (!show() && ++tries < 20) setTimeout(retry, 100); };
  requestAnimationFrame(retry);
}
"""

_component = None


def _live_component():
    global _component
    if _component is None:
        _component = st.components.v2.component("mtreview.live_edit", js=_JS)
    return _component


def live_text(field: str) -> str | None:
    """The text last typed into the Translation box ``field`` (not yet saved), or None."""
    got = st.session_state.get("live_text")
    return got[1] if got and got[0] == field else None


def live_comment(field: str) -> str | None:
    """The text last typed into the Comment box ``field`` (not yet saved), or None."""
    got = st.session_state.get("live_comment")
    return got[1] if got and got[0] == field else None


def watch(field: str, show: bool = False, comment: str | None = None, unsaved: bool = False,
          top: bool = False) -> None:
    """Mount the watcher for the Translation box whose widget key is ``field`` (and the Comment box
    ``comment``); ``show``: scroll the panel (not the page) so that the re-check of the typed text,
    drawn above, is in view; ``unsaved``: this tab holds typed text not saved (a reload asks first);
    ``top``: scroll the panel to its top, where a conflict was just shown (else it could be out of view,
    the panel scrolled down to the re-check, and the click seemed to do nothing)."""
    def typed() -> None:
        value = st.session_state.get("live_js")
        got = value.get("text") if isinstance(value, dict) else getattr(value, "text", None)
        if isinstance(got, list | tuple) and len(got) == 2 and isinstance(got[0], str) and isinstance(got[1], str):
            st.session_state["live_comment" if got[0] == comment else "live_text"] = (got[0], got[1])

    fields = {"Translation": field, **({"Comment": comment} if comment else {})}
    data = {"fields": fields, "delay": DEBOUNCE_MS, "show": show, "unsaved": unsaved, "top": top}
    _live_component()(data=data, key="live_js", on_text_change=typed)
