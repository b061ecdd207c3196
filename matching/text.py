"""Text analysis: normalisation, tokenisation, spelling folding, stemming and stop words.

The analyser turns text into a list of word *types* (the lower-cased surface forms a person
would read) and maps each type once, through a cache, to the *term* it counts as: the
British/American-folded, stemmed form, or ``None`` for a stop word. Stemming per type rather
than per token is what keeps fitting fast: a corpus of millions of tokens has only tens of
thousands of types.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import Stemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

__all__ = ["STOP_WORDS", "Analyzer", "fold_spelling", "normalise"]

# Runs of letters and digits; the underscore that \w also matches is treated as a separator.
_TOKEN = re.compile(r"[^\W_]+")
# The same runs in lower-cased ASCII text, where a plain character class is much faster.
_ASCII_TOKEN = re.compile(r"[a-z0-9]+")

# Words that are noise in challenge and proposal writing on top of the usual English list.
# Corpus-specific boilerplate is caught separately by document frequency at query time.
STOP_WORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS) | frozenset(
    {"also", "may", "within", "however", "shall", "will", "would", "could", "should", "can"}
)

# British -> American spelling rules, applied once per word type. Each rule is cheap and
# targets endings that are unambiguous in practice; a miss just means no folding.
_FOLDS: tuple[tuple[re.Pattern[str], str], ...] = (
    # organise/organisation/organising -> organize/...; analyse -> analyze
    (re.compile(r"(?<=\w\w)is(e|es|ed|ing|er|ers|ation|ations|ational|able)$"), r"iz\1"),
    (re.compile(r"(?<=\w)ys(e|es|ed|ing|er|ers)$"), r"yz\1"),
    # colour, behaviour, labour, neighbour, ... (a closed list: "four" and "hour" stay put)
    (
        re.compile(
            r"^(col|fav|flav|hon|hum|lab|neighb|behavi|harb|rum|vap|vig|arm|od|tum|sav|"
            r"endeav|parl|rig|val|clam|savi)our"
        ),
        r"\1or",
    ),
    # centre, metre, fibre, theatre, litre, spectre, calibre
    (re.compile(r"(cen|me|fib|thea|li|spec|calib|sabr|lus)tre(s|d)?$"), r"\1ter\2"),
    # defence, offence, licence, pretence
    (re.compile(r"^(defen|offen|licen|preten)ce(s)?$"), r"\1se\2"),
    # catalogue, dialogue, analogue
    (re.compile(r"^(catal|dial|anal|prol|epil|monol)ogue(s|d)?$"), r"\1og\2"),
    # travelling, modelled, labelling, cancelled, signalling, fuelled
    (
        re.compile(
            r"^(travel|model|label|cancel|fuel|signal|channel|level|tunnel|counsel|equal|"
            r"marshal|total|dial|pedal|jewel|funnel|rival)l(ed|ing|er|ers)$"
        ),
        r"\1\2",
    ),
    # medical ae/oe: haemoglobin, anaemia, paediatric, oestrogen, oedema, foetal, diarrhoea
    (re.compile(r"(h|an|leuk|septic|isch|glyc)aem"), r"\1em"),
    (re.compile(r"^(p|orthop|encyclop)aed"), r"\1ed"),
    (re.compile(r"^anaesth"), "anesth"),
    (re.compile(r"^(o)e(strog|sophag|dem)"), r"\2"),
    (re.compile(r"^foet"), "fet"),
    (re.compile(r"rrhoea"), "rrhea"),
    (re.compile(r"^gynaec"), "gynec"),
)
# One pass that tells whether any rule above can apply: most words need none of them.
_ANY_FOLD = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in _FOLDS))
_WHOLE_WORDS: dict[str, str] = {
    "programme": "program",
    "programmes": "programs",
    "ageing": "aging",
    "grey": "gray",
    "aluminium": "aluminum",
    "sulphur": "sulfur",
    "mould": "mold",
    "judgement": "judgment",
    "judgements": "judgments",
    "acknowledgement": "acknowledgment",
    "enrolment": "enrollment",
    "fulfil": "fulfill",
    "whilst": "while",
    "amongst": "among",
}


def normalise(text: str) -> str:
    """Return ``text`` in Unicode NFKC form, lower-cased with full case folding.

    Examples
    --------
    >>> normalise("Ｃａｆé ORGANISATION")
    'café organisation'
    """
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", text).casefold()


def fold_spelling(word: str) -> str:
    """Map a lower-cased British spelling to its American form where a cheap rule knows it.

    Examples
    --------
    >>> fold_spelling("organisation"), fold_spelling("colour"), fold_spelling("hour")
    ('organization', 'color', 'hour')
    """
    whole = _WHOLE_WORDS.get(word)
    if whole is not None:
        return whole
    if len(word) < 5 or not word.isascii() or not _ANY_FOLD.search(word):
        return word
    for pattern, replacement in _FOLDS:
        word = pattern.sub(replacement, word)
    return word


class Analyzer:
    """Turn text into word types and map each type to its term through a cache.

    Parameters
    ----------
    stem : bool
        Reduce words to their Snowball (Porter2) English stem.
    fold : bool
        Fold British spellings to American ones before stemming.
    stop_words : Iterable of str
        Lower-cased words that never become terms.
    min_length : int
        Tokens shorter than this are dropped unless they contain a digit.
    cache_size : int
        At most this many words are remembered by :meth:`terms`; the cache starts afresh when
        full, so a long-running service does not grow without bound.

    Examples
    --------
    >>> a = Analyzer()
    >>> a.words("The organisations' colours!")
    ['the', 'organisations', 'colours']
    >>> [a.term(w) for w in a.words("The organisations' colours!")]
    [None, 'organiz', 'color']
    >>> a.term("organisations") == a.term("organizations")
    True
    """

    def __init__(
        self,
        *,
        stem: bool = True,
        fold: bool = True,
        stop_words: Iterable[str] = STOP_WORDS,
        min_length: int = 2,
        cache_size: int = 200_000,
    ) -> None:
        self.stem = stem
        self.fold = fold
        self.stop_words = frozenset(stop_words)
        self.min_length = min_length
        self.cache_size = cache_size
        self._stemmer = Stemmer.Stemmer("english")
        self._cache: dict[str, str | None] = {}

    def words(self, text: str) -> list[str]:
        """Split ``text`` into lower-cased word types, in order (duplicates kept)."""
        if text.isascii():
            return _ASCII_TOKEN.findall(text.lower())
        return _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())

    def term(self, word: str) -> str | None:
        """Return the term a lower-cased word counts as, or ``None`` for a stop word."""
        try:
            return self._cache[word]
        except KeyError:
            return self.terms([word])[0]

    def terms(self, words: list[str]) -> list[str | None]:
        """Map many lower-cased words to terms at once, filling the cache in one stemmer call."""
        cache = self._cache
        missing = [w for w in dict.fromkeys(words) if w not in cache]
        if missing:
            if len(cache) + len(missing) > self.cache_size:
                cache.clear()
            cache.update(zip(missing, self.analyse(missing), strict=True))
        return [cache[w] for w in words]

    def analyse(self, words: list[str]) -> list[str | None]:
        """Map distinct lower-cased words to terms in one stemmer call, without caching them.

        For a vocabulary that the caller keeps anyway (the matcher's word types): caching it
        here too would hold every word twice.
        """
        keep = [w for w in words if self._is_content(w)]
        folded = [fold_spelling(w) for w in keep] if self.fold else keep
        stemmed = self._stemmer.stemWords(folded) if self.stem else folded
        out: dict[str, str | None] = dict.fromkeys(words)
        out.update(zip(keep, stemmed, strict=True))
        return [out[w] for w in words]

    def _is_content(self, word: str) -> bool:
        if word in self.stop_words:
            return False
        return len(word) >= self.min_length or any(c.isdigit() for c in word)
