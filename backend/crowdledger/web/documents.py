"""The verified metadata documents behind campaigns and tasks, for what the index does not store: each tier's
name and description (document.tiers[i]) and a task's title. A document is used only when it hashes to the
hash committed on chain; documents are kept in memory by hash, so each is fetched once per process."""

import json
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any

from eth_utils.crypto import keccak

from crowdledger.errors import CrowdLedgerError
from crowdledger.indexer.metadata import DEFAULT_POLICY, FetchPolicy, fetch

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
    """Documents fetched by the indexer's guarded fetcher (public addresses only unless the policy allows
    private ones, 64 KiB, one deadline), with at most `timeout` seconds per page. A document that could not
    be fetched is asked for again only after `retry_seconds`, so a dead host costs one page one timeout, not
    every page every time."""

    def __init__(
        self,
        policy: FetchPolicy = DEFAULT_POLICY,
        size: int = 2_048,
        timeout: float = 2.0,
        retry_seconds: float = 300.0,
    ) -> None:
        self._cache: OrderedDict[str, tuple[Document, float]] = OrderedDict()  # and when to ask again
        self._size = size
        self._policy = replace(policy, deadline=min(policy.deadline, timeout))
        self._retry_seconds = retry_seconds
        self._lock = threading.Lock()

    def get(self, uri: str, expected_hash: str) -> Document:
        key = expected_hash.lower() + " " + uri
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and time.monotonic() < hit[1]:
            return hit[0]
        try:
            document, expires = parse(fetch(uri, self._policy), expected_hash), math.inf
        except CrowdLedgerError:  # refused, unreadable or unavailable: unverified, asked again later
            document, expires = UNVERIFIED, time.monotonic() + self._retry_seconds
        with self._lock:
            self._cache[key] = (document, expires)
            self._cache.move_to_end(key)
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return document
