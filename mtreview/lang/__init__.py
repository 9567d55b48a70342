"""Language knowledge of English and Japanese, each fact written once.

``ja``: Japanese scripts, width folding, polite endings and the words around a sentence end;
``en``: English months, weekdays, function words, capitalised words that are not names,
abbreviations and sentence openers; ``mecab``: MeCab (one tagger per process);
``numbers``: numbers, dates and amounts as values with spans; ``names``: does a katakana
word spell a Latin-script name; ``page``: the vocabulary of web-page debris.
Nothing here knows about checks, alignment or files: pure functions and constant tables.
"""
