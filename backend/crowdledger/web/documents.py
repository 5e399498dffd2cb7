"""The verified metadata documents behind campaigns and tasks, for what the index does not store: each tier's
name and description (document.tiers[i]) and a task's title. A document is used only when it hashes to the
hash committed on chain; documents are kept in memory by hash, so each is fetched once per process."""

import json
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import httpx
from eth_utils.crypto import keccak

from crowdledger.indexer.metadata import Unreachable, fetch

MAX_TEXT = 2_000


@dataclass(frozen=True)
class Document:
    verified: bool
    title: str | None = None
    description: str | None = None
    tiers: list[dict[str, str]] = field(default_factory=list)  # [{"name", "description"}] by tier id - 1


UNVERIFIED = Document(verified=False)


def _text(value: Any) -> str | None:
    return str(value)[:MAX_TEXT] if isinstance(value, (str, int, float)) else None


def parse(raw: bytes, expected_hash: str) -> Document:
    if "0x" + keccak(raw).hex() != expected_hash.lower():
        return UNVERIFIED
    try:
        body = json.loads(raw)
    except ValueError:
        return UNVERIFIED
    if not isinstance(body, dict):
        return UNVERIFIED
    tiers = []
    for tier in body.get("tiers") or []:
        tier = tier if isinstance(tier, dict) else {}
        tiers.append(
            {"name": _text(tier.get("name")) or "", "description": _text(tier.get("description")) or ""}
        )
    return Document(True, _text(body.get("title")), _text(body.get("description")), tiers)


class Documents:
    """A document that could not be fetched is asked for again only after `retry_seconds`, so a dead host
    costs one page one timeout, not every page every time."""

    def __init__(self, size: int = 2_048, timeout: float = 2.0, retry_seconds: float = 300.0) -> None:
        self._cache: OrderedDict[str, tuple[Document, float]] = OrderedDict()  # and when to ask again
        self._size = size
        self._timeout = timeout
        self._retry_seconds = retry_seconds
        self._lock = threading.Lock()

    def get(self, uri: str, expected_hash: str) -> Document:
        key = expected_hash.lower() + " " + uri
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and time.monotonic() < hit[1]:
            return hit[0]
        try:
            with httpx.Client(timeout=self._timeout, follow_redirects=True) as client:
                document, expires = parse(fetch(uri, client), expected_hash), math.inf
        except Unreachable:
            document, expires = UNVERIFIED, time.monotonic() + self._retry_seconds
        with self._lock:
            self._cache[key] = (document, expires)
            self._cache.move_to_end(key)
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return document
