"""Live updates: however many pages listen, each process reads the index once per interval, and every page
hears of each new block (a slow one only of the newest)."""

import asyncio

from crowdledger.web.live import IndexWatcher


class Index:
    def __init__(self) -> None:
        self.block = 10
        self.reads = 0

    def read(self) -> int:
        self.reads += 1
        return self.block


async def first_events(stream, count: int) -> list[str]:
    events = []
    async for chunk in stream:
        if chunk.startswith("event: index"):
            events.append(chunk.split("data: ")[1].strip())
            if len(events) == count:
                break
    return events


def test_fifty_listeners_share_one_read_per_interval():
    async def scenario() -> tuple[int, int]:
        index = Index()
        watcher = IndexWatcher(index.read, interval=0.05)
        streams = [watcher.stream() for _ in range(50)]
        tasks = [asyncio.create_task(first_events(s, 99)) for s in streams]
        await asyncio.sleep(0.5)  # about ten intervals
        reads = index.reads
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return reads, watcher.listeners

    reads, _ = asyncio.run(scenario())
    assert 5 <= reads <= 13  # one per interval, not fifty


def test_every_listener_hears_of_a_new_block():
    async def scenario() -> list[list[str]]:
        index = Index()
        watcher = IndexWatcher(index.read, interval=0.02)
        tasks = [asyncio.create_task(first_events(watcher.stream(), 2)) for _ in range(3)]
        await asyncio.sleep(0.1)
        index.block = 11
        return await asyncio.wait_for(asyncio.gather(*tasks), timeout=2)

    assert asyncio.run(scenario()) == [["10", "11"]] * 3


def test_the_watcher_stops_reading_when_nobody_listens():
    async def scenario() -> tuple[int, int]:
        index = Index()
        watcher = IndexWatcher(index.read, interval=0.02)
        task = asyncio.create_task(first_events(watcher.stream(), 1))
        await asyncio.wait_for(task, timeout=2)
        await asyncio.sleep(0.1)
        reads = index.reads
        await asyncio.sleep(0.2)
        return reads, index.reads

    before, after = asyncio.run(scenario())
    assert after == before


def test_a_stream_ends_by_itself_so_a_shutting_down_server_never_waits_long():
    async def scenario() -> list[str]:
        watcher = IndexWatcher(Index().read, interval=0.02, keepalive=0.05, lifetime=0.3)
        return [chunk async for chunk in watcher.stream()]

    chunks = asyncio.run(asyncio.wait_for(scenario(), timeout=3))
    assert chunks[0].startswith("retry:")
    assert ": keep-alive\n\n" in chunks
