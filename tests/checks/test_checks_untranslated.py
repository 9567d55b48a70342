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
    # a shorter copied run with a word no name has (with, to, hitter) is a clause left in English
    ("Karamon Gates Illuminated with Brilliant Fireworks and Lights、福井県福井市の一乗谷朝倉氏遺跡",
     "Karamon Gates Illuminated with Brilliant Fireworks and Lights in Nationwide Event: Night of July 24",
     [(0, 61, "Karamon Gates Illuminated with Brilliant Fireworks and Lights", "copied from the source")]),
    ("the No. 8 hitter、二死満塁としたが、最後は8番・シモンズが二ゴロに倒れた。",
     "After that, the Angels had two outs with the bases loaded, but in the end, the No. 8 hitter, Simmons, "
     "grounded out to second base.", [(0, 16, "the No. 8 hitter", "copied from the source")]),
    # ... but a copied name keeps its of / and (UCLA's school, as the professional translation has it)
    ("米カリフォルニア大学ロサンゼルス校（UCLA）のHenry Samueli School of Engineering and Applied Scienceは、",
     "Recently the Henry Samueli School of Engineering and Applied Science at the University of California", []),
])
def test_untranslated(tgt, src, expected):
    flags = Untranslated().find(tgt, src)
    assert [(f.start, f.end, f.text, "copied from the source" if "copied" in f.message else "English")
            for f in flags] == expected
    assert all(f.severity.label == "major" for f in flags)
