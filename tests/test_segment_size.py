"""The segmenter stays linear in the length of its input (issue 13.8).

Each case is a shape that made an old pattern rescan a long run from every start position
(a 200,000-character Japanese line without punctuation took over two minutes; a 40,000-character
base64 token 27 s). The bound is generous, not a timing target: linear code splits 50,000
characters of any case in well under a second, quadratic code needs a minute or more.
"""

from __future__ import annotations

import time

import pytest

from mtreview import segment
from mtreview.io.load import load_text

N = 50_000
CASES = {
    "japanese without punctuation": ("ja", "あ" * N),
    "base64 token": ("en", "QUJD" * (N // 4)),
    "dotted run": ("en", "a." * (N // 2)),
    "hyphenated run": ("en", "a-" * (N // 2)),
    "exclamation marks": ("en", "!" * N),
    "at signs": ("en", "a@" * (N // 2)),
    "words with capitals, no full stop": ("en", "word word The " * (N // 14)),
    "initials": ("en", "a. " * (N // 3)),
    "japanese with dotted latin": ("ja", ("日本語のテキスト" + "abc.def" * 3) * (N // 29)),
    "urls in japanese": ("ja", ("http://x.com/" + "あ" * 20) * (N // 33)),
    "unclosed brackets": ("en", ("[" * 400 + ")" * 400) * (N // 800)),
    "dash before a capital run": ("en", "- " + "A" * N),
    "dashes before capital words": ("en", "- Ab Cd Ef " * (N // 11)),
    "japanese dashes": ("ja", ("－" + "あ" * 11) * (N // 12)),
}
BOUND_S = 5.0  # CPU seconds for 50,000 characters (quadratic code: minutes)


@pytest.mark.parametrize("name", list(CASES))
def test_long_pathological_text_segments_in_linear_time(name):
    lang, body = CASES[name]
    head = "これは日本語です。" if lang == "ja" else "This is English. "
    doc = load_text(head + body, lang)
    t0 = time.process_time()
    sents = segment.split(doc)
    used = time.process_time() - t0
    assert used < BOUND_S, f"{name}: {used:.1f} CPU s for {len(doc.text)} characters"
    assert "".join(s.text for s in sents).replace(" ", "") == doc.text.replace(" ", "")


@pytest.mark.parametrize("text, url", [
    ("Read more at https://example.com/a/b. Then go home.", "https://example.com/a/b."),
    ("詳しくはhttps://example.com/news/1を参照。", "https://example.com/news/1"),
    ("Mail press.office@example.co.uk today. It works.", "press.office@example.co.uk"),
    ("Visit www.example.org. Thanks.", "www.example.org."),
    ("The site is news.example.com/today and more.", "news.example.com/today"),
])
def test_urls_are_still_found(text, url):
    assert url in [m.group() for m in segment._URL.finditer(text)]


@pytest.mark.parametrize("text", ["a.b.c.d and more", "Hello-world-again", "日本語。英語。"])
def test_no_url_in_plain_text(text):
    assert not list(segment._URL.finditer(text))
