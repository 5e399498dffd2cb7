"""Pages that follow the chain: one server-sent-events stream tells every open page when the index has moved,
and each page then re-fetches only its live fragment.

Per process there is one watcher: while anyone listens it reads the index's cursor once per interval, whatever
the number of listeners, and hands the new block to each listener's one-slot queue (a slow page only ever sees
the newest block). Each stream ends by itself after a while; the browser's EventSource reconnects, so a
server shutting down never waits long for open pages."""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable

from starlette.concurrency import run_in_threadpool

log = logging.getLogger(__name__)


class IndexWatcher:
    def __init__(
        self,
        read_block: Callable[[], int | None],
        interval: float = 1.0,
        keepalive: float = 15.0,
        lifetime: float = 60.0,
    ) -> None:
        self._read_block = read_block
        self.interval = interval
        self.keepalive = keepalive
        self.lifetime = lifetime
        self.block: int | None = None
        self.checks = 0  # database reads so far: one per interval while anyone listens
        self._queues: set[asyncio.Queue[int]] = set()
        self._task: asyncio.Task[None] | None = None

    @property
    def listeners(self) -> int:
        return len(self._queues)

    async def _poll(self) -> None:
        while self._queues:
            try:
                block = await run_in_threadpool(self._read_block)
            except Exception as failure:  # a database hiccup must not end every page's stream
                log.warning("Live updates could not read the index: %s", failure)
                block = self.block
            self.checks += 1
            if block is not None and block != self.block:
                self.block = block
                for queue in list(self._queues):
                    if queue.full():
                        queue.get_nowait()
                    queue.put_nowait(block)
            await asyncio.sleep(self.interval)
        self._task = None

    async def stream(self) -> AsyncIterator[str]:
        """The text/event-stream body for one page: `event: index` with the newest indexed block, first on
        connecting and then whenever it moves."""
        queue: asyncio.Queue[int] = asyncio.Queue(maxsize=1)
        self._queues.add(queue)
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._poll())
        loop = asyncio.get_running_loop()
        ends_at = loop.time() + self.lifetime
        try:
            yield "retry: 2000\n\n"
            if self.block is not None:
                yield f"event: index\ndata: {self.block}\n\n"
            while loop.time() < ends_at:
                try:
                    block = await asyncio.wait_for(
                        queue.get(), timeout=min(self.keepalive, ends_at - loop.time())
                    )
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                yield f"event: index\ndata: {block}\n\n"
        finally:
            self._queues.discard(queue)
