"""The plain values that go in and out of the matcher."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import repeat

__all__ = ["Document", "Match", "MatchedTerm"]


@dataclass(frozen=True, slots=True)
class Document:
    """A text to index or to rank with: a challenge, a proposal or a start-up profile.

    Parameters
    ----------
    id : str
        Caller's identifier, unique within one matcher.
    title : str
        Short title; by default it counts twice as much as the body text.
    text : str
        Body text.
    fields : Mapping of str to str
        Extra named fields (for example ``{"outcomes": "...", "tags": "..."}``), weighted by the
        matcher's ``field_weights`` (1.0 when a field is not named there).

    Examples
    --------
    >>> Document(id="p1", title="Falls prevention", text="Sensors for older people at home")
    Document(id='p1', title='Falls prevention', text='Sensors for older people at home', fields={})
    """

    id: str
    title: str = ""
    text: str = ""
    fields: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class MatchedTerm:
    """One term shared by the query and a matched document, and what it added to the score.

    Attributes
    ----------
    term : str
        The term as a person would read it: a word (or two-word phrase) that appears in both
        texts when there is one, otherwise the query's own wording of it.
    weight : float
        This term's part of the match score. The weights of a match add up to its score.
    query_forms : tuple of str
        The lower-cased words or phrases in the query that count as this term, for highlighting.
    doc_forms : tuple of str
        The lower-cased words or phrases in the document that count as this term.
    """

    term: str
    weight: float
    query_forms: tuple[str, ...]
    doc_forms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Match:
    """A ranked document with its score and the terms that explain the score.

    Attributes
    ----------
    doc_id : str
        The matched document's id.
    score : float
        Relevance in ``[0, 1]``; 0 means no shared term. Comparable across documents for one
        query and one model version.
    terms : tuple of MatchedTerm
        Every shared term, largest contribution first. ``sum(t.weight for t in terms)`` equals
        ``score`` (to floating-point rounding), so the first few terms say why it matched.
    """

    doc_id: str
    score: float
    terms: tuple[MatchedTerm, ...]


_new = object.__new__
_set_term, _set_weight, _set_query_forms, _set_doc_forms = (
    MatchedTerm.__dict__[name].__set__ for name in ("term", "weight", "query_forms", "doc_forms")
)


def matched_terms(
    terms: list[str],
    weights: list[float],
    query_forms: list[tuple[str, ...]],
    doc_forms: list[tuple[str, ...]],
) -> list[MatchedTerm]:
    """``[MatchedTerm(*fields) for fields in zip(terms, weights, query_forms, doc_forms)]``
    for the matcher's own use.

    The frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``; the
    matcher builds over a hundred of these per ranking, so it makes them all at once and sets
    each field of all of them through the slot's own setter, with no Python call per object.
    The results are the same frozen objects.
    """
    n = len(terms)
    if not len(weights) == len(query_forms) == len(doc_forms) == n:
        raise ValueError("every field needs one value per term")
    out: list[MatchedTerm] = list(map(_new, repeat(MatchedTerm, n)))
    for setter, values in (
        (_set_term, terms),
        (_set_weight, weights),
        (_set_query_forms, query_forms),
        (_set_doc_forms, doc_forms),
    ):
        deque(map(setter, out, values), maxlen=0)
    return out
