"""The view layer: pure rendering helpers (render.py) and streamlit views (*_view.py)."""
