"""A short-lived cache of listing pages, bounded by entries and by bytes."""

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable

_ENTRY_OVERHEAD = 256  # bytes a kept page costs beside its body (key, tuple, dictionary slot), roughly


class PageCache:
    """Response bodies kept for a short time: under load most requests ask for the same first pages, and a
    page as old as the index's own polling interval is as fresh as the index.

    Keys are the validated parameters (a tuple of values, not the query string), so a parameter the route
    ignores, a different order or letter case of the same parameters, or a re-encoded cursor is the same page.
    The cache holds at most `size` pages and `max_bytes` bytes; the oldest go first, and a page larger than a
    quarter of the budget is not kept at all. Requests that miss the same page at once wait for one query
    (`page`): when a popular page expires, the requests in flight would otherwise all run it together."""

    def __init__(self, seconds: float, size: int = 1024, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.seconds = seconds
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0  # what the kept pages cost now
        self._pages: OrderedDict[Hashable, tuple[float, bytes]] = OrderedDict()
        self._making: dict[Hashable, asyncio.Task[bytes]] = {}

    async def page(self, key: Hashable, make: Callable[[], Awaitable[bytes]]) -> bytes:
        """The page for `key`: kept, already being made for another request, or made now by `make`. With the
        cache off every request makes its own."""
        body = self.get(key)
        if body is not None:
            return body
        if self.seconds <= 0:
            return await make()
        making = self._making.get(key)
        if making is None:  # a task of its own, so that the first request leaving does not cancel the rest
            making = self._making[key] = asyncio.ensure_future(self._make(key, make))
        return await asyncio.shield(making)

    async def _make(self, key: Hashable, make: Callable[[], Awaitable[bytes]]) -> bytes:
        try:
            body = await make()
            self.put(key, body)
            return body
        finally:
            del self._making[key]

    def get(self, key: Hashable) -> bytes | None:
        hit = self._pages.get(key)
        if hit is None or time.monotonic() - hit[0] > self.seconds:
            return None
        return hit[1]

    def put(self, key: Hashable, body: bytes) -> None:
        if self.seconds <= 0 or _cost(body) > self.max_bytes // 4:
            return
        now = time.monotonic()
        self._drop(key)
        self._pages[key] = (now, body)
        self.bytes += _cost(body)
        # Pages are kept in the order they were made, which is also the order they expire in.
        while self._pages:
            oldest_key, (made, _) = next(iter(self._pages.items()))
            if len(self._pages) <= self.size and self.bytes <= self.max_bytes and now - made <= self.seconds:
                break
            self._drop(oldest_key)

    def _drop(self, key: Hashable) -> None:
        old = self._pages.pop(key, None)
        if old is not None:
            self.bytes -= _cost(old[1])


def _cost(body: bytes) -> int:
    return len(body) + _ENTRY_OVERHEAD
