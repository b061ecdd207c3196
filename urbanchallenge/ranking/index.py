"""The shared search index: one fitted matcher over the open challenges, for every instance.

Rebuilt by one instance at a time (a PostgreSQL advisory lock held by the transaction
that writes it; SQLite has a single writer anyway) whenever the open challenges change,
and stored in the ``index_state`` row with a version number. Each process keeps the
matcher it last loaded and compares versions (one indexed lookup) before searching,
loading the stored bytes when another instance has built a newer one: no instance
refits what another has already fitted.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from tortoise.transactions import in_transaction

from matching import TfidfMatcher
from urbanchallenge.challenges.models import Challenge
from urbanchallenge.ranking.adapter import challenge_document, fit_challenges
from urbanchallenge.ranking.models import IndexState

SEARCH = "open_challenges"
# The advisory lock key for rebuilding the search index (any fixed 64-bit number).
REBUILD_LOCK = 0x5543_5345_4152_4348  # "UCSEARCH"


def _to_bytes(matcher: TfidfMatcher) -> bytes:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "index.npz"
        matcher.save(path)
        return path.read_bytes()


def _from_bytes(data: bytes) -> TfidfMatcher:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "index.npz"
        path.write_bytes(data)
        return TfidfMatcher.load(path)


async def rebuild(challenges: list[Challenge]) -> int:
    """Fit the search index on ``challenges`` and publish it; return the new version."""
    documents = [challenge_document(c) for c in challenges]
    matcher = await run_in_threadpool(fit_challenges, documents)
    data = await run_in_threadpool(_to_bytes, matcher) if matcher is not None else None
    async with in_transaction() as conn:
        if conn.capabilities.dialect == "postgres":
            # Held until this transaction ends: a second rebuild waits, then writes after it.
            await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [REBUILD_LOCK])
        state = await IndexState.get_or_none(name=SEARCH)
        version = (state.version if state else 0) + 1
        values: dict[str, Any] = {
            "version": version,
            "updated_at": datetime.now(UTC),
            "data": data,
            "model_version": matcher.model_version_ if matcher is not None else None,
        }
        if state is None:
            await IndexState.create(name=SEARCH, **values)
        else:
            await IndexState.filter(name=SEARCH).update(**values)
    return version


@dataclass
class _Loaded:
    version: int
    matcher: TfidfMatcher | None


class SearchIndexCache:
    """This process's copy of the shared index, refreshed when the stored version moves on."""

    def __init__(self) -> None:
        self._loaded: _Loaded | None = None
        self._lock = asyncio.Lock()

    def clear(self) -> None:
        self._loaded = None

    async def current(self) -> tuple[int, TfidfMatcher | None] | None:
        """The latest published index (version, matcher), or None if none was built yet."""
        stored = await IndexState.filter(name=SEARCH).values_list("version", flat=True)
        if not stored:
            return None
        version = int(str(stored[0]))
        loaded = self._loaded
        if loaded is not None and loaded.version == version:
            return loaded.version, loaded.matcher
        async with self._lock:
            if self._loaded is None or self._loaded.version != version:
                state = await IndexState.get(name=SEARCH)
                matcher = (
                    await run_in_threadpool(_from_bytes, bytes(state.data)) if state.data else None
                )
                self._loaded = _Loaded(state.version, matcher)
            return self._loaded.version, self._loaded.matcher


CACHE = SearchIndexCache()
