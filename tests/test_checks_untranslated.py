from __future__ import annotations

import pytest

from mtreview.checks.untranslated import Untranslated


@pytest.mark.parametrize("tgt, src, expected", [
    ("バージニアビーチ市は、the city removed a monument from public grounds、撤去した。", "",
     [(11, 58, "the city removed a monument from public grounds", "English")]),
    ("She was hospitalized on the 23rd and was、24日 、 「 陽性」と判りました。",
     "She was hospitalized on the 23rd and was confirmed positive on the 24th.",
     [(0, 40, "She was hospitalized on the 23rd and was", "copied from the source")]),
    ("ｔｈｅ ｃｉｔｙ ｒｅｍｏｖｅｄ ａ ｍｏｎｕｍｅｎｔを撤去", "", [(0, 27, "ｔｈｅ ｃｉｔｙ ｒｅｍｏｖｅｄ ａ ｍｏｎｕｍｅｎｔ", "English")]),
    ("NATOとAPによると、iPhoneとCOVID-19の影響で「Financial Times」が報じた。", "", []),
    ("ヘンリー・サミュエリ工学部（Henry Samueli School of Engineering and Applied Science）の研究", "", []),
    ("The North American Journal of Medical Sciences誌に掲載された。", "", []),
    ("ページの最後に return to top", "", []),  # page debris: the boilerplate check's
])
def test_untranslated(tgt, src, expected):
    flags = Untranslated().find(tgt, src)
    assert [(f.start, f.end, f.text, "copied from the source" if "copied" in f.message else "English")
            for f in flags] == expected
    assert all(f.severity.label == "major" for f in flags)
