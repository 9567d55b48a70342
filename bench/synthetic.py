"""Made-up names that make every copied sentence new text (so no embedding cache serves it).

``name(i)`` is a Latin name and its katakana spelling, unique for every ``i`` below 30**4;
``tag(en, ja, i)`` puts that name inside both sides of a sentence pair.
"""

from __future__ import annotations

SYLLABLES = (("ka", "カ"), ("ki", "キ"), ("ku", "ク"), ("ke", "ケ"), ("ko", "コ"), ("sa", "サ"), ("shi", "シ"),
             ("su", "ス"), ("se", "セ"), ("so", "ソ"), ("ta", "タ"), ("chi", "チ"), ("tsu", "ツ"), ("te", "テ"),
             ("to", "ト"), ("na", "ナ"), ("ni", "ニ"), ("nu", "ヌ"), ("ne", "ネ"), ("no", "ノ"), ("ma", "マ"),
             ("mi", "ミ"), ("mu", "ム"), ("me", "メ"), ("mo", "モ"), ("ra", "ラ"), ("ri", "リ"), ("ru", "ル"),
             ("re", "レ"), ("ro", "ロ"))


def name(i: int) -> tuple[str, str]:
    """The ``i``-th made-up name: (Latin, katakana), four syllables."""
    parts = [SYLLABLES[(i // len(SYLLABLES) ** d) % len(SYLLABLES)] for d in range(4)]
    return "".join(p[0] for p in parts).capitalize(), "".join(p[1] for p in parts)


def tag(en: str, ja: str, i: int) -> tuple[str, str]:
    """The pair with the ``i``-th name inside each side (a source attribution)."""
    latin, kana = name(i)
    return f"{latin} said: {en}", f"{kana}氏によると、{ja}"
