"""English word facts: months, weekdays, function words, capitalised words that are not names.

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
