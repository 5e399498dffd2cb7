"""The listing page cache: a page is reused for its lifetime only, and the cache stays bounded."""

from crowdledger.api import cache as cache_module
from crowdledger.api.cache import PageCache


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
