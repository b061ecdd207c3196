"""The one adapter between ORM rows and the matcher in ``matching/``.

Nothing else in the service imports ``matching``. This module turns challenges,
proposals and start-up profiles into ``Document`` values, runs the matcher (pure,
CPU-bound: callers run fitting and ranking proposals in a worker thread), and returns
plain results that the jobs store as ``MatchScore`` and ``StartupFit`` rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from matching import Document, Match, TfidfMatcher
from urbanchallenge.accounts.models import Organisation
from urbanchallenge.challenges.models import Challenge
from urbanchallenge.proposals.models import Proposal

# Proposals this similar to another proposal to the same challenge are flagged.
DUPLICATE_THRESHOLD = 0.8
# Terms kept with each stored score: enough to explain it, small enough to show.
TERMS_KEPT = 8


def challenge_document(challenge: Challenge) -> Document:
    return Document(
        id=str(challenge.id),
        title=challenge.title,
        text=f"{challenge.summary}\n{challenge.problem}",
        fields={"outcomes": challenge.outcomes, "location": challenge.location},
    )


def proposal_document(proposal: Proposal) -> Document:
    return Document(
        id=str(proposal.id),
        title=proposal.title,
        text=f"{proposal.summary}\n{proposal.approach}",
        fields={"impact": proposal.impact},
    )


def profile_document(organisation: Organisation, proposals: Sequence[Proposal]) -> Document:
    """A start-up as the matcher sees it: what it says it does and what it has proposed."""
    written = "\n".join(f"{p.title}. {p.summary}" for p in proposals)
    return Document(
        id=f"org-{organisation.id}",
        title=organisation.name,
        text=f"{organisation.description}\n{written}",
    )


def terms_json(match: Match) -> list[dict[str, Any]]:
    """The stored explanation: top terms with their share of the score and their forms."""
    return [
        {
            "term": t.term,
            "weight": round(t.weight, 6),
            "forms": sorted(set(t.query_forms) | set(t.doc_forms)),
        }
        for t in match.terms[:TERMS_KEPT]
    ]


@dataclass(frozen=True)
class Ranked:
    id: int
    score: float
    rank: int
    terms: list[dict[str, Any]]
    duplicate_of: int | None = None
    duplicate_score: float | None = None


@dataclass(frozen=True)
class Ranking:
    model_version: str
    items: list[Ranked]


def _fit(documents: Sequence[Document]) -> TfidfMatcher | None:
    try:
        return TfidfMatcher().fit(documents)
    except ValueError:
        # Nothing indexable (every text empty or stop words): nothing can match.
        return None


def rank_proposals(
    challenge: Document, proposals: Sequence[Document], background: Sequence[Document] = ()
) -> Ranking:
    """Rank one challenge's proposals and flag near-duplicates among them.

    ``background`` (other challenges' proposals) only informs how rare each word is; it is
    never ranked. Proposals sharing no term with the challenge rank last with score 0.
    """
    if not proposals:
        return Ranking("", [])
    own = {d.id for d in proposals}
    matcher = _fit([*proposals, *(d for d in background if d.id not in own)])
    if matcher is None:
        return Ranking("", [Ranked(int(d.id), 0.0, n + 1, []) for n, d in enumerate(proposals)])
    hits = [h for h in matcher.rank(challenge, k=matcher.n_documents_) if h.doc_id in own]
    scored = {h.doc_id for h in hits}
    ordered: list[tuple[str, float, list[dict[str, Any]]]] = [
        (h.doc_id, h.score, terms_json(h)) for h in hits
    ]
    ordered += [
        (d.id, 0.0, []) for d in sorted(proposals, key=lambda d: int(d.id)) if d.id not in scored
    ]

    twin: dict[str, tuple[str, float]] = {}
    for a, b, similarity in matcher.duplicates(DUPLICATE_THRESHOLD, ids=[d.id for d in proposals]):
        # Flag the later proposal (higher id) as the near-copy of the earlier one.
        first, second = sorted((a, b), key=int)
        if second not in twin or twin[second][1] < similarity:
            twin[second] = (first, similarity)

    items = []
    for position, (doc_id, score, terms) in enumerate(ordered, start=1):
        dup = twin.get(doc_id)
        items.append(
            Ranked(
                id=int(doc_id),
                score=score,
                rank=position,
                terms=terms,
                duplicate_of=int(dup[0]) if dup else None,
                duplicate_score=round(dup[1], 6) if dup else None,
            )
        )
    return Ranking(matcher.model_version_, items)


def fit_challenges(challenges: Sequence[Document]) -> TfidfMatcher | None:
    """A matcher over challenges, for searching them; None when nothing is indexable."""
    return _fit(challenges) if challenges else None


def rank_with(
    matcher: TfidfMatcher,
    query: Document | str,
    allowed: set[int] | None = None,
    explained: slice = slice(None),
) -> Ranking:
    """Rank a fitted matcher's challenges for ``query``, keeping only ``allowed`` ids.

    Only the kept hits in ``explained`` (one page of them, say) get their terms: explaining
    a match costs more than ranking it, and a search may match every challenge.
    """
    hits = matcher.rank(query, k=matcher.n_documents_, explain=False)
    kept = [h for h in hits if allowed is None or int(h.doc_id) in allowed]
    shown = [h.doc_id for h in kept[explained]]
    terms = {m.doc_id: terms_json(m) for m in matcher.explain(query, shown)}
    return Ranking(
        matcher.model_version_,
        [
            Ranked(int(h.doc_id), h.score, n, terms.get(h.doc_id, []))
            for n, h in enumerate(kept, start=1)
        ],
    )


def indexed_ids(matcher: TfidfMatcher, ids: Sequence[int]) -> bool:
    """Whether every id is in the matcher (so its scores are comparable with the others)."""
    return all(str(i) in matcher for i in ids)


def rank_challenges(
    query: Document | str, challenges: Sequence[Document], explain: bool = True
) -> Ranking:
    """Rank challenges for a query (a start-up's profile, or search words), best first.

    Only challenges sharing at least one term with the query are returned; without
    ``explain``, with no terms.
    """
    if not challenges:
        return Ranking("", [])
    matcher = _fit(challenges)
    if matcher is None:
        return Ranking("", [])
    hits = matcher.rank(query, k=matcher.n_documents_, explain=explain)
    return Ranking(
        matcher.model_version_,
        [Ranked(int(h.doc_id), h.score, n, terms_json(h)) for n, h in enumerate(hits, start=1)],
    )
