"""The listing page cache: a page is reused for its lifetime only, it is found by what the request means (not
how it is spelled), it stays bounded in entries and in bytes, and no campaign's metadata can make a page
large. The API tests run on both stores, with campaign rows written straight into the index."""

import asyncio
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, update

from crowdledger.api import cache as cache_module
from crowdledger.api.app import create_app
from crowdledger.api.cache import PageCache
from crowdledger.store.models import MAX_DESCRIPTION, MAX_IMAGE, MAX_TITLE, Campaign, SyncState
from tests.conftest import ETH

CREATOR = "0x" + "ab" * 20


def test_pages_expire_and_the_oldest_are_dropped(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: clock[0])
    cache = PageCache(seconds=1.0, size=2)
    cache.put("sort=newest", b"first")
    clock[0] += 0.9
    assert cache.get("sort=newest") == b"first"
    clock[0] += 0.2
    assert cache.get("sort=newest") is None  # older than a second: computed again
    cache.put("a", b"1")
    cache.put("b", b"2")
    cache.put("c", b"3")
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (None, b"2", b"3")


def test_the_cache_never_holds_more_bytes_than_its_budget():
    cache = PageCache(seconds=60, size=10_000, max_bytes=100_000)
    for n in range(1_000):
        cache.put(n, bytes(5_000))
        assert cache.bytes <= 100_000
    assert cache.get(999) is not None and cache.get(0) is None  # the oldest went first
    cache.put("huge", bytes(30_000))  # over a quarter of the budget: served, never kept
    assert cache.get("huge") is None and cache.bytes <= 100_000


def test_a_page_replaced_under_the_same_key_is_counted_once():
    cache = PageCache(seconds=60, max_bytes=100_000)
    for _ in range(100):
        cache.put("same", bytes(10_000))
    assert cache.bytes < 11_000


def made_concurrently(cache: PageCache, requests: int) -> tuple[list[bytes], int]:
    """`requests` requests missing the same page at once: what each got, and how many times it was made."""
    made = [0]

    async def make() -> bytes:
        made[0] += 1
        await asyncio.sleep(0.05)  # the query's round trip, during which the others arrive
        return b"page"

    async def together() -> list[bytes]:
        return await asyncio.gather(*(cache.page("key", make) for _ in range(requests)))

    return asyncio.run(together()), made[0]


def test_requests_missing_the_same_page_at_once_wait_for_one_query():
    bodies, made = made_concurrently(PageCache(seconds=1.0), 25)
    assert bodies == [b"page"] * 25 and made == 1


def test_with_the_cache_off_every_request_runs_its_own_query():
    bodies, made = made_concurrently(PageCache(seconds=0), 25)
    assert bodies == [b"page"] * 25 and made == 25


def test_a_failed_page_is_not_kept_and_the_next_request_tries_again():
    cache = PageCache(seconds=60)

    async def fail() -> bytes:
        raise RuntimeError("the database went away")

    async def works() -> bytes:
        return b"page"

    with pytest.raises(RuntimeError):
        asyncio.run(cache.page("key", fail))
    assert asyncio.run(cache.page("key", works)) == b"page"


# ----------------------------------------------------------------------------- through the API


def add_campaigns(engine: Engine, count: int, **fields: object) -> None:
    rows = [
        {
            "id": campaign_id,
            "creator": CREATOR,
            "token": ETH,
            "goal": 10**18,
            "starts_at": 0,
            "deadline": 2**40,
            "fee_bps": 0,
            "quorum_bps": 0,
            "milestone_bps": [],
            "metadata_uri": f"ipfs://c{campaign_id}",
            "metadata_hash": "0x" + "11" * 32,
            "raised": campaign_id,
            "released": 0,
            "backer_count": 0,
            "funded_bps": 0,
            "cancelled": False,
            "rejected": False,
            "milestones_approved": 0,
            "refund_pool": 0,
            "launched_block": campaign_id,
            "launched_at": 0,
            "metadata_status": "verified",
            "title": f"Campaign {campaign_id}",
            "description": None,
            "image": None,
            **fields,
        }
        for campaign_id in range(1, count + 1)
    ]
    with engine.begin() as conn:
        conn.execute(insert(Campaign), rows)
        conn.execute(
            insert(SyncState).values(
                id=1, chain_id=1, next_block=10, indexed_timestamp=1_000, chain_head=9, updated_at=time.time()
            )
        )


def rename_all(engine: Engine, title: str) -> None:
    """Change every campaign behind the cache's back: a page computed again would show it."""
    with engine.begin() as conn:
        conn.execute(update(Campaign).values(title=title))


def titles(response) -> set[str]:
    assert response.status_code == 200, response.text
    return {item["metadata"]["title"] for item in response.json()["items"]}


@pytest.fixture
def cached(engine) -> TestClient:
    add_campaigns(engine, 30)
    return TestClient(create_app(engine, page_cache_seconds=60), raise_server_exceptions=False)


def test_an_ignored_parameter_is_the_same_cached_page(cached, engine):
    assert titles(cached.get("/campaigns?sort=newest&limit=5")) == {f"Campaign {i}" for i in range(26, 31)}
    rename_all(engine, "renamed")
    for query in ("?sort=newest&limit=5&utm=x", "?sort=newest&limit=5&n=1", "?limit=5&sort=newest&a=b"):
        assert titles(cached.get("/campaigns" + query)) == {f"Campaign {i}" for i in range(26, 31)}, query


def test_defaults_spelled_out_or_left_out_are_the_same_cached_page(cached, engine):
    cached.get("/campaigns")
    rename_all(engine, "renamed")
    assert "renamed" not in titles(cached.get("/campaigns?sort=newest&limit=20"))


def test_an_address_in_any_letter_case_is_the_same_cached_page(cached, engine):
    cached.get("/campaigns", params={"creator": CREATOR, "limit": 3})
    rename_all(engine, "renamed")
    shouted = "0x" + CREATOR[2:].upper()
    assert "renamed" not in titles(cached.get("/campaigns", params={"creator": shouted, "limit": 3}))


def test_a_cursor_with_or_without_padding_is_the_same_cached_page(cached, engine):
    pages = {limit: cached.get("/campaigns", params={"limit": limit}).json() for limit in (20, 22, 25)}
    cursors = {limit: page["next_cursor"] for limit, page in pages.items()}
    limit, cursor = next((limit, c) for limit, c in cursors.items() if len(c) % 4)  # one base64 pads
    padded = cursor + "=" * (-len(cursor) % 4)
    cached.get("/campaigns", params={"limit": limit, "cursor": cursor})
    rename_all(engine, "renamed")
    assert "renamed" not in titles(cached.get("/campaigns", params={"limit": limit, "cursor": padded}))


def test_different_pages_are_different_entries(cached, engine):
    cached.get("/campaigns?limit=5")
    rename_all(engine, "renamed")
    assert titles(cached.get("/campaigns?limit=6")) == {"renamed"}
    assert titles(cached.get("/campaigns?limit=5&sort=most_funded")) == {"renamed"}


def test_metadata_is_cut_to_its_bounds_in_listings_and_details(engine):
    """Rows stored before the bounds existed (or by any other writer) are cut on the way out."""
    add_campaigns(engine, 100, title="T" * 50_000, description="D" * 50_000, image="I" * 50_000)
    client = TestClient(create_app(engine, page_cache_seconds=0), raise_server_exceptions=False)
    page = client.get("/campaigns", params={"limit": 100})
    assert page.status_code == 200
    for item in page.json()["items"]:
        metadata = item["metadata"]
        assert (len(metadata["title"]), len(metadata["description"]), len(metadata["image"])) == (
            MAX_TITLE,
            MAX_DESCRIPTION,
            MAX_IMAGE,
        )
    assert len(page.content) < 500_000  # a full page of the largest metadata stays under half a megabyte
    detail = client.get("/campaigns/7").json()["metadata"]
    assert (len(detail["title"]), len(detail["description"]), len(detail["image"])) == (
        MAX_TITLE,
        MAX_DESCRIPTION,
        MAX_IMAGE,
    )


def test_the_bounds_are_published_in_the_api_schema(engine):
    schema = TestClient(create_app(engine)).get("/openapi.json").json()["components"]["schemas"]["Metadata"]
    properties = schema["properties"]
    lengths = {name: properties[name]["anyOf"][0]["maxLength"] for name in ("title", "description", "image")}
    assert lengths == {"title": MAX_TITLE, "description": MAX_DESCRIPTION, "image": MAX_IMAGE}
