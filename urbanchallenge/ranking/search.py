"""Free-text search over challenges, ranked by the matcher."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.concurrency import run_in_threadpool

from urbanchallenge.challenges.models import Challenge
from urbanchallenge.ranking.adapter import (
    Ranked,
    challenge_document,
    indexed_ids,
    rank_challenges,
    rank_with,
)
from urbanchallenge.ranking.index import CACHE

MAX_QUERY_LENGTH = 500


async def search_challenges(
    query: str, challenges: Sequence[Challenge], explain: bool = True
) -> list[tuple[Challenge, float, list[dict[str, Any]]]]:
    """The given challenges that match ``query``, best first, with score and matched terms
    (none without ``explain``: for callers that only need the order).

    Uses the shared index of open challenges (``ranking.index``) when it holds them all,
    so a search does not refit the matcher. An empty query, or one of only stop words,
    matches nothing.
    """
    by_id = {c.id: c for c in challenges}
    items = await search_indexed(query, list(by_id), slice(None) if explain else slice(0))
    if items is None:
        # A challenge opened since the shared index was last built (its rebuild is
        # queued): rank the given challenges on their own so none is left out.
        documents = [challenge_document(c) for c in challenges]
        ranking = await run_in_threadpool(rank_challenges, _clipped(query), documents, explain)
        items = ranking.items
    return [(by_id[item.id], item.score, item.terms) for item in items]


async def search_indexed(
    query: str, ids: Sequence[int], explained: slice = slice(None)
) -> list[Ranked] | None:
    """The challenges of ``ids`` that match ``query``, best first, ranked on the shared index
    without loading them; None when the index does not hold them all yet (then rank them with
    :func:`search_challenges`, which needs their texts). Only the hits in ``explained`` (the
    page shown) come with their matched terms."""
    query = _clipped(query)
    if not query or not ids:
        return []
    current = await CACHE.current()
    matcher = current[1] if current is not None else None
    if matcher is None or not indexed_ids(matcher, ids):
        return None
    # Ranked on the event loop, not in a worker thread: a query of at most MAX_QUERY_LENGTH
    # characters, ranked without explanations and then explaining one page of hits, takes
    # well under a millisecond, less than handing it to a thread and back.
    ranking = rank_with(matcher, query, set(ids), explained)
    return ranking.items


def _clipped(query: str) -> str:
    return query.strip()[:MAX_QUERY_LENGTH]
