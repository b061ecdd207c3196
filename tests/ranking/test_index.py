"""The shared search index: built by one instance at a time, loaded by every instance."""

from __future__ import annotations

import asyncio

import pytest

from matching import Match, TfidfMatcher
from tests.ranking.factories import open_challenge, public_body
from urbanchallenge.challenges import services
from urbanchallenge.challenges.models import Challenge
from urbanchallenge.ranking import adapter, index, jobs, search, worker
from urbanchallenge.ranking.index import SearchIndexCache
from urbanchallenge.ranking.models import IndexState

BUS = "Buses lose time at signalised junctions and busy stops."
BINS = "Bin lorries miss collections at tower blocks."


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    index.CACHE.clear()


async def test_opening_a_challenge_rebuilds_the_index_once_for_every_instance(db: str) -> None:
    body, _ = await public_body()
    buses = await open_challenge(body, "Bus punctuality", BUS)
    await open_challenge(body, "Missed bins", BINS)

    await jobs.request_all_startups_refit()
    await worker.run_pending()

    state = await IndexState.get(name=index.SEARCH)
    assert state.version == 1 and state.data and state.model_version
    # Another instance (its own cache) loads the stored matcher rather than refitting.
    other = SearchIndexCache()
    loaded = await other.current()
    assert loaded is not None and loaded[0] == 1
    assert loaded[1] is not None and str(buses.id) in loaded[1]


async def test_search_uses_the_shared_index_instead_of_refitting(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body, _ = await public_body()
    buses = await open_challenge(body, "Bus punctuality", BUS)
    bins = await open_challenge(body, "Missed bins", BINS)
    await index.rebuild([buses, bins])

    def no_refit(*args: object) -> object:
        raise AssertionError("search refitted the matcher")

    monkeypatch.setattr(search, "rank_challenges", no_refit)
    found = await search.search_challenges("late buses at junctions", [buses, bins])
    assert [c.id for c, _, _ in found] == [buses.id]


async def test_a_challenge_newer_than_the_index_is_still_found(db: str) -> None:
    body, _ = await public_body()
    bins = await open_challenge(body, "Missed bins", BINS)
    await index.rebuild([bins])
    buses = await open_challenge(body, "Bus punctuality", BUS)

    found = await search.search_challenges("late buses at junctions", [buses, bins])

    assert [c.id for c, _, _ in found] == [buses.id]


async def test_an_instance_picks_up_a_newer_version_built_elsewhere(db: str) -> None:
    body, _ = await public_body()
    bins = await open_challenge(body, "Missed bins", BINS)
    await index.rebuild([bins])
    mine = SearchIndexCache()
    first = await mine.current()
    assert first is not None and first[0] == 1

    buses = await open_challenge(body, "Bus punctuality", BUS)
    await index.rebuild([bins, buses])  # another instance's rebuild
    second = await mine.current()

    assert second is not None and second[0] == 2
    assert second[1] is not None and str(buses.id) in second[1]


async def test_simultaneous_rebuilds_run_one_at_a_time_and_lose_no_version(db: str) -> None:
    body, _ = await public_body()
    challenges = [await open_challenge(body, f"Bus study {n}", BUS) for n in range(3)]

    versions = await asyncio.gather(*(index.rebuild(challenges) for _ in range(4)))

    assert sorted(versions) == [1, 2, 3, 4]
    assert (await IndexState.get(name=index.SEARCH)).version == 4


async def test_no_open_challenges_gives_an_empty_index_and_no_results(db: str) -> None:
    await index.rebuild([])
    loaded = await index.CACHE.current()
    assert loaded == (1, None)
    assert adapter.fit_challenges([]) is None


async def indexed_late_buses() -> list[Challenge]:
    """Three open challenges about late buses (and one about bins), all in the index."""
    body, _ = await public_body()
    late = [
        await open_challenge(body, f"Late buses {n}", BUS + " Late buses." * n) for n in range(3)
    ]
    await open_challenge(body, "Missed bins", BINS)
    await index.rebuild(await Challenge.all())
    return late


async def test_a_search_over_the_index_loads_only_the_challenges_it_shows(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    late = await indexed_late_buses()
    expected = [c.id for c, _, _ in await search.search_challenges("late buses", late)]

    loaded: list[int] = []
    real = Challenge._init_from_db

    def counted(**row: object) -> Challenge:
        made = real(**row)
        loaded.append(made.id)
        return made

    monkeypatch.setattr(Challenge, "_init_from_db", counted)
    pages = [
        await services.search_open(services.Filters(q="late buses", page=n, per_page=2))
        for n in (1, 2)
    ]

    assert [f.challenge.id for p in pages for f in p.items] == expected
    assert [p.total for p in pages] == [3, 3] and [len(p.items) for p in pages] == [2, 1]
    assert sorted(loaded) == sorted(expected)  # the page's challenges, nothing more
    assert all(f.terms and f.score > 0 for p in pages for f in p.items)


async def test_a_search_over_the_index_explains_only_the_page_it_shows(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    late = await indexed_late_buses()
    everything = {c.id: terms for c, _, terms in await search.search_challenges("late buses", late)}
    explained: list[list[str]] = []
    real = TfidfMatcher.explain

    def spied(self: TfidfMatcher, query: str, doc_ids: list[str]) -> list[Match]:
        explained.append(list(doc_ids))
        return real(self, query, doc_ids)

    monkeypatch.setattr(TfidfMatcher, "explain", spied)
    page = await services.search_open(services.Filters(q="late buses", page=2, per_page=2))

    assert len(page.items) == 1 and page.total == 3
    assert explained == [[str(f.challenge.id) for f in page.items]]
    # the same reasons as when every match is explained
    assert [f.terms for f in page.items] == [everything[f.challenge.id] for f in page.items]
    assert all(f.terms for f in page.items)


async def test_a_search_finds_a_challenge_opened_after_the_index_was_built(db: str) -> None:
    body, _ = await public_body()
    bins = await open_challenge(body, "Missed bins", BINS)
    await index.rebuild([bins])
    buses = await open_challenge(body, "Bus punctuality", BUS)

    page = await services.search_open(services.Filters(q="late buses at junctions"))

    assert [f.challenge.id for f in page.items] == [buses.id] and page.total == 1
