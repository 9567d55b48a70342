"""English word facts: months, weekdays, function words, capitalised words that are not names,
and the words that show where a sentence ends (abbreviations, sentence openers, punctuation pairs).

Constant tables only; the regexes built from them live with the code that matches them.
"""

from __future__ import annotations

MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december")
# month name or abbreviation -> month number: "january", "jan", "sept" ...
MONTHS: dict[str, int] = ({w: k for k, w in enumerate(MONTH_NAMES, 1)}
                          | {w[:3]: k for k, w in enumerate(MONTH_NAMES, 1)} | {"sept": 9})
# abbreviations written with a full stop ("Jan."); "may" is a whole word, never abbreviated
MONTH_ABBREVIATIONS = frozenset(w for w in MONTHS if w not in MONTH_NAMES)
# a regex alternation of every month word, longest first (no flags, no groups)
MONTH_PATTERN = "|".join(sorted(MONTHS, key=len, reverse=True))

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS: dict[str, int] = {w: k for k, w in enumerate(WEEKDAY_NAMES, 1)}

# The commonest English function words (articles, pronouns, prepositions, forms of "be").
FUNCTION_WORDS = frozenset((  # noqa: SIM905
    "the a an and or of to in on for with by at from as is are was were be this that it its"
    " he she they we you i not"
).split())

# Capitalised words that name no person, said of a name in a sentence: titles, institutions,
# places in general, months and weekdays, sentence-opening function words.
_NOT_PERSON_NAMES = """
President Minister Prime Governor Mayor Chief Council City
State States National Ministry Department Police Party University Street House Court Government Secretary
Chairman Director General Committee Association Prefecture County North South East West New Republic
Democratic Republican Senate Congress Parliament Army Force Forces Office Agency Health Foreign Defense
Defence International Federal Central United Kingdom World Cup League Club Team Coach Manager Mr Mrs Ms
Dr The This That These Those They We He She It In On At For But And Or If As By With From After Before
"""
NOT_PERSON_NAMES = frozenset({w.capitalize() for w in MONTH_NAMES + WEEKDAY_NAMES} | set(_NOT_PERSON_NAMES.split()))


# -- Sentence boundaries (``segment.py``) ---------------------------------------------------

def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Abbreviations that never end a sentence: titles and words that always take a following name or number.
TITLE_ABBREVIATIONS = _wordset(
    "mr mrs ms messrs dr prof st sen rep gov gen lt col maj capt cmdr adm sgt cpl pvt pres supt det insp "
    "rev hon fr sr jr mt ft vs v no nos art vol vols fig figs pp p ch sec para approx est dept univ "
    "e.g i.e cf al"
)
# Of those, the ones that number (No. 5, Art. 9, Vol. II, Fig. 3, p. 12) and are also plain words
# ("Owner says no.", "... discovered art."): they hold the sentence only before a number.
NUMBERING_ABBREVIATIONS = _wordset("no nos art vol vols fig figs p pp ch para")
# Abbreviations that may also end a sentence (companies, states, dotted initialisms): a boundary
# only before a usual sentence opener.
AMBIGUOUS_ABBREVIATIONS = _wordset(
    "inc corp co ltd llc plc bros jr sr etc "
    "ala ariz ark calif ca colo conn del fla ga ill ind kan kans ky la md mass mich minn miss mo "
    "mont neb nev okla ore pa tenn tex vt va wash wis wyo "
    "u.s u.k u.n d.c a.m p.m n.y n.j n.h n.m n.c n.d s.c s.d r.i e.u u.a.e"
)
# Words that usually open a sentence (lower-cased).
SENTENCE_OPENERS = _wordset(
    "the a an he she it they we i you this that these those there here his her their its our my "
    "in on at by for from to with after before when while as if but and so yet or nor however meanwhile "
    "according police officials authorities some many most all no one two three both each "
    "what why how who where which mr mrs ms dr"
)
# Words that open a clause when a chat message starts in lower case ("thanks. i will check").
INFORMAL_OPENERS = _wordset(
    "i i'm i've i'll i'd we you he she they it's please thanks thank sorry hi hello ok okay yes "
    "did do does are is can could would will how what why where when for"
)
# Capitalised words that open a sentence after a content word, as spelled: a sentence whose full
# stop is missing ends before them ("... four MPs The Senate will ...", a headline run into its article:
# "... in Fukui Prefecture On the night of July 24th ...", "... Number Transfers What will happen ...",
# a review title before its text: "... a great finish to it My dog ...").
CAPITAL_OPENERS = ("The", "And", "According", "But", "This", "These", "That", "However", "A", "An", "It", "As",
                   "Some", "In", "When", "After", "While", "How", "He", "She", "They", "We", "You", "Please",
                   "There", "Our", "If", "Then", "Thank", "Thanks", "On", "At", "What", "Why", "My", "Upon")
# Interjections that open a clause with a comma or "!" after them ("... sign in with it Great!!").
INTERJECTIONS = ("Yes", "Yeah", "Sorry", "Hello", "Hi", "OK", "Okay", "Great", "Thanks", "Thank you")
# Imperative verbs that start a step of instructions ("... these steps: Log in to ...").
INSTRUCTION_VERBS = _wordset(
    "please go tap click log sign select open press turn connect choose enter make check try follow "
    "visit use restart update install remove add type scroll find contact call send reset ensure"
)
# Verbs of saying that close a quotation's attribution ('... occurred," DeBerry said').
SAYING_VERBS = _wordset("said says added wrote explained noted tweeted")
# Words that never end a sentence: articles, prepositions, pronouns, forms of "be", "said" and "told".
GLUE_WORDS = _wordset(
    "the a an of and or in on at to for by with from into onto as than that this these those his her their "
    "its our my your is are was were be been said says told about over under after before between against "
    "during without within like via per vs"
)
# Names spelled with a final "!" or "?" (brands, shows): the mark is never a sentence end.
BANG_NAMES = _wordset("yahoo jeopardy wham")
# News agencies credited in a dateline: "SEOUL (AP) --".
WIRE_SERVICES = ("AP", "AFP", "Reuters", "UPI")
# The word a news site's name ends in ("Yahoo! News", "RT USA News"): a web page title ends after it.
NEWS_SITE_WORD = "News"
# Quotation marks and brackets, opener -> closer; the straight quote " is its own closer.
QUOTE_PAIRS = {'"': '"', "“": "”", "(": ")", "[": "]"}
BRACKET_PAIRS = {"(": ")", "[": "]"}
# The English of a caption note in brackets ("(Photo partially altered)", "(Provided by ...)",
# "(Results on page 10)"): the caption or the paragraph ends after it.
PHOTO_NOTE_WORDS = ("Photo", "Photos", "Photograph", "Photographs", "Provided", "Courtesy", "File photo")

# A count of a time unit per the next unit that it fills ("24 hours a day", "365 days a year"): the phrase
# means "always", and Japanese says so with a word (終日, 毎日, 年中無休), without the number.
WHOLE_CYCLES: dict[tuple[str, str], frozenset[int]] = {
    ("second", "minute"): frozenset({60}), ("minute", "hour"): frozenset({60}), ("hour", "day"): frozenset({24}),
    ("day", "week"): frozenset({7}), ("day", "year"): frozenset({365, 366}), ("week", "year"): frozenset({52}),
    ("month", "year"): frozenset({12}),
}
