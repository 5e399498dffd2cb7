"""A short-lived cache of listing pages."""

import time
from collections import OrderedDict


class PageCache:
    """Response bodies kept for a short time, by query string: under load most requests ask for the same
    first pages, and a page as old as the index's own polling interval is as fresh as the index."""

    def __init__(self, seconds: float, size: int = 1024) -> None:
        self.seconds = seconds
        self.size = size
        self._pages: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    def get(self, key: str) -> bytes | None:
        hit = self._pages.get(key)
        if hit is None or time.monotonic() - hit[0] > self.seconds:
            return None
        return hit[1]

    def put(self, key: str, body: bytes) -> None:
        if self.seconds <= 0:
            return
        self._pages[key] = (time.monotonic(), body)
        self._pages.move_to_end(key)
        while len(self._pages) > self.size:
            self._pages.popitem(last=False)
