"""Free-text search over challenges, ranked by the matcher."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.concurrency import run_in_threadpool

from urbanchallenge.challenges.models import Challenge
from urbanchallenge.ranking.adapter import challenge_document, rank_challenges

MAX_QUERY_LENGTH = 500


async def search_challenges(
    query: str, challenges: Sequence[Challenge]
) -> list[tuple[Challenge, float, list[dict[str, Any]]]]:
    """The given challenges that match ``query``, best first, with score and matched terms.

    An empty query, or one of only stop words, matches nothing.
    """
    query = query.strip()[:MAX_QUERY_LENGTH]
    if not query or not challenges:
        return []
    by_id = {c.id: c for c in challenges}
    documents = [challenge_document(c) for c in challenges]
    ranking = await run_in_threadpool(rank_challenges, query, documents)
    return [(by_id[item.id], item.score, item.terms) for item in ranking.items]
