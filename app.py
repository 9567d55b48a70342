"""mtreview review UI for a checkout: ``streamlit run app.py``.

The page itself lives in the package (``mtreview/ui/streamlit_app.py``) so that an installed
``mtreview app`` runs it without a checkout; this file only calls it.
"""

from mtreview.ui.streamlit_app import main

main()
