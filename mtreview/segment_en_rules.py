"""English sentence-end judgements: the word-level rules that ``segment.py``'s English splitter asks.

Given a candidate end mark found by a pattern in ``segment.py``, these pure predicates read the words
around it and decide whether it really ends a sentence (an abbreviation, an initial, a list number, a
brand name such as "Yahoo!" hold it), and whether a sentence whose stop is missing ends before a
capitalised opener, a request or a colon that introduces steps. Each looks at a bounded window
(``MISSING_WINDOW`` characters at most), so splitting stays linear in the text's length. The words
they read are language facts in ``lang/en.py``.
"""

from __future__ import annotations

import bisect
import re

from .lang import en

MISSING_WINDOW = 600  # characters of context missing_stop reads before a candidate
# what may follow an English end mark and still belong to the sentence: closing quotes and brackets, and
# the invisible marks copied web text carries (zero-width space and joiners, BOM); ``segment._EN_END`` too
END_TAIL = r"[\"'”’)\]\u200b\u200c\u200d\ufeff]*"
_WORD_BEFORE = re.compile(r"(\S+?)(?:\.\.\.|…|[.!?])+" + END_TAIL + "$")
# the rest of a line after an ellipsis, when it holds no end mark (the ! of a name such as "Yahoo! News"
# is none): a headline's second half
_EN_HEADLINE_REST = re.compile("(?:[^.!?…]|" + "|".join(f"(?<={w})!" for w in sorted(en.BANG_NAMES)) + ")*",
                               re.IGNORECASE)


def keeps_going(prev: str, mark: str, nxt: str, extra: frozenset[str]) -> bool:
    """True when the full stop after ``prev`` does not end the sentence before ``nxt``."""
    if not nxt:
        return False
    if (nxt[0] in "-–•" and nxt[1:2].isupper()) or (nxt[0] == "•" and nxt[1:2].isdigit()):
        return False  # a list item glued to its bullet: "... metabolism. -Provides a unique ..."
    if nxt[:2] in ("- ", "• ") and nxt[2:3].isupper() and re.fullmatch(r"[a-z]+[A-Za-z]*[a-z]", prev):
        return False  # a bulleted item after a plain word or a brand: "... on sale. - We provide ...",
        # "... your eReader. - Plug ..." (not a title: "Mr. - Smith"; a spaced
        # en dash "... per cent. – A spokesman" is punctuation of prose and continues)
    if nxt[0].islower() or nxt[0] in ",;:–—-":
        return True
    if mark != ".":
        return False
    word = prev.lstrip("\"'“‘(").lower()
    nxt_word = re.sub(r"^[\"'“‘(]+", "", nxt).split(" ")[0].rstrip(",.;:").lower()
    if word in en.NUMBERING_ABBREVIATIONS and word not in extra:
        return re.match(r"\d|(?!I\b)[IVXLC]+\b", nxt) is not None
    if word in en.TITLE_ABBREVIATIONS or word in extra:
        return True
    if word in en.MONTH_ABBREVIATIONS:
        return nxt[0].isdigit() or nxt_word not in en.SENTENCE_OPENERS
    if nxt[0] == "(":
        return word in en.AMBIGUOUS_ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word) is not None
    if word in en.AMBIGUOUS_ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
        return nxt_word not in en.SENTENCE_OPENERS
    # an initial: "J. R. R. Tolkien"
    return re.fullmatch(r"[A-Z]", prev.lstrip("\"'“‘(")) is not None and nxt[0].isupper()

def headline_rest(chunk: str, pos: int) -> bool:
    """True when the line goes on from ``pos`` to its end with no end mark: the two halves of a
    headline joined by an ellipsis ("The true form of Japan's strength... A surprise in Asia")."""
    rest = chunk[pos : pos + MISSING_WINDOW]
    return len(rest) < MISSING_WINDOW and _EN_HEADLINE_REST.fullmatch(rest) is not None


def instruction_follows(ahead: str) -> bool:
    """True when ``ahead`` (the text after a colon) starts with a bullet or an instruction verb."""
    words = ahead.split(maxsplit=1)
    return bool(words) and (words[0][0] in "-–•" or words[0].lower() in en.INSTRUCTION_VERBS)


def colon_ends(chunk: str, pos: int, cuts: list[int], start: int) -> bool:
    """True when the words before the colon at ``pos`` read as a finished clause (at least three
    words since the last cut, the last one lower case, not Title Case): "... these steps:"."""
    k = bisect.bisect_right(cuts, start + pos)
    begin = max(cuts[k - 1] - start if k else 0, pos - MISSING_WINDOW)
    words = chunk[begin:pos].split()
    if len(words) < 3 or not words[-1].strip("()").islower() or words[-1].lower() in en.GLUE_WORDS:
        return False
    long_words = [w for w in words if len(w) > 3 and w[0].isalpha()]
    return sum(w[0].isupper() for w in long_words) < 0.6 * max(1, len(long_words))


def informal_start(prev: str, marks: str, nxt: str, extra: frozenset[str]) -> bool:
    """True when a lower-case sentence start follows a bare end mark (chat and social text):
    "... check your mail. for quality purposes I will ...", "... are you there ? i sent ...".

    The next word must be one that opens a clause (a pronoun, a request, a question word); after a
    full stop the word before it must be a plain word of three letters or more, never an
    abbreviation or a unit ("5 in. long", "approx. the").
    """
    if marks not in (".", "?", "!", "?!", "!?", "??", "!!") or not nxt[:1].islower():
        return False
    if nxt.split(" ")[0].rstrip(",.;:!?").replace("’", "'") not in en.INFORMAL_OPENERS:
        return False
    if marks != ".":
        return True
    word = prev.lower()
    return (len(word) >= 3 and word.isalpha() and prev.islower() and word not in en.TITLE_ABBREVIATIONS
            and word not in en.MONTH_ABBREVIATIONS and word not in en.AMBIGUOUS_ABBREVIATIONS and word not in extra)


def bang_name(prev: str, nxt: str) -> bool:
    """True when the ``!`` / ``?`` after ``prev`` belongs to a name ("Yahoo! News", "oOh! Media").

    A name that the language spells with the mark (``en.BANG_NAMES``) never ends a sentence on it;
    a word with a capital after a lower-case start ("oOh", "eBay") is a brand, and its mark is
    part of the name when a capitalised word follows without a pause.
    """
    word = re.sub(r"^[\W_]+", "", prev)  # "--Yahoo", "(Yahoo"
    if word.lower() in en.BANG_NAMES:
        return True
    return re.fullmatch(r"[a-z]+[A-Z][A-Za-z]*", word) is not None and nxt[:1].isupper()


def word_before(chunk: str, end_start: int, end: int) -> str:
    """The word that the sentence-end marks ``chunk[end_start:end]`` follow (at most 200 chars back)."""
    a = end_start
    while a > 0 and end_start - a < 200 and not chunk[a - 1].isspace():
        a -= 1
    m = _WORD_BEFORE.fullmatch(chunk, a, end)
    return m.group(1) if m else ""


def missing_stop(chunk: str, pos: int, cuts: list[int], start: int) -> bool:
    """True when the words before ``pos`` read as a finished sentence with no full stop.

    Looks at most ``MISSING_WINDOW`` characters on either side, so a long text without
    full stops stays linear.
    """
    k = bisect.bisect_right(cuts, start + pos)
    begin = max(cuts[k - 1] - start if k else 0, pos - MISSING_WINDOW)
    words = chunk[begin:pos].split()
    if len(words) >= 3 and words[-1].lower() in en.SAYING_VERBS and any(w[-1] in "\"”’" for w in words[-5:-1]):
        return True  # a quotation's attribution ends the sentence: '... occurred," DeBerry said | In'
    if len(words) < 4 or words[-1].lower().strip("\"'“”‘’") in en.GLUE_WORDS:
        return False
    ahead = chunk[pos : pos + 200]
    after = ahead.split()[1:3]
    if ahead.lstrip().startswith("A ") and not words[-1][0].islower() and not after[0][0].isdigit():
        return False  # "Serie A side", but "... Police | A 37-year-old man"
    if len(after) == 2 and all(w[0].islower() or w[0].isdigit() for w in after):
        return True  # prose after a Title Case headline: "... 200 years old | A bridge linking"
    long_words = [w for w in words if len(w) > 3 and w[0].isalpha()]
    capital = sum(w[0].isupper() for w in long_words)
    return capital < 0.6 * max(1, len(long_words))  # Title Case headlines have no missing stop
