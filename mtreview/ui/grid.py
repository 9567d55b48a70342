"""The segment grid in the browser (streamlit): click a row to select it; the selection scrolls into view.

The grid itself is one escaped HTML table (``render.segments_table``) in a container with the
key ``grid``. A small ``st.components.v2`` script (no HTML of its own, no user data in it)
listens for clicks on that table's rows and sends the row's segment id back to Python, and
after every change of selection scrolls the selected row into view (``J`` / ``K``, the picker,
*Reviewed, next*), inside the grid only.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

_JS = """
export default function(component) {
  const { data, setTriggerValue } = component;
  window.__mtrPick = (id) => setTriggerValue('pick', id);
  if (!window.__mtrClick) {
    window.__mtrClick = (e) => {
      if (e.target.closest('a, button, input, textarea, select')) return;
      const row = e.target.closest('.st-key-grid tr[data-seg]');
      if (row && window.__mtrPick) window.__mtrPick(Number(row.dataset.seg));
    };
    document.addEventListener('click', window.__mtrClick);
  }
  const scroll = () => {  // scroll the grid only, never the page
    const grid = document.querySelector('.st-key-grid');
    const row = grid && grid.querySelector(`tr[data-seg="${data.selected}"]`);
    if (!row || !row.classList.contains('selected')) return false;
    let box = row.parentElement;
    while (box && box !== grid && !(box.scrollHeight > box.clientHeight + 1)) box = box.parentElement;
    if (!box) return true;
    const head = grid.querySelector('thead');
    const top = box.getBoundingClientRect().top + (head ? head.getBoundingClientRect().height : 0);
    const r = row.getBoundingClientRect();
    const bottom = box.getBoundingClientRect().bottom;
    if (r.top < top) box.scrollTop -= top - r.top;
    else if (r.bottom > bottom) box.scrollTop += Math.min(r.bottom - bottom, r.top - top);
    return true;
  };
  let tries = 0;
  const retry = () => { if (!scroll() && ++tries < 20) setTimeout(retry, 100); };
  requestAnimationFrame(retry);
}
"""

_component = None


def _grid_component():
    global _component
    if _component is None:
        _component = st.components.v2.component("mtreview.grid", js=_JS)
    return _component


def behaviour(selected: int | None, on_pick: Callable[[int], None]) -> None:
    """Mount the grid script: ``on_pick(seg_id)`` runs (before the rerun) when a row is clicked."""
    def picked() -> None:
        value = st.session_state.get("grid_js")
        seg = getattr(value, "pick", None) if not isinstance(value, dict) else value.get("pick")
        if seg is not None:
            on_pick(int(seg))

    _grid_component()(data={"selected": selected}, key="grid_js", on_pick_change=picked)
