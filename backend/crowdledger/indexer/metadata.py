"""Campaign metadata: fetch the document at each metadata URI and show it only if it is the one committed to.

The chain holds keccak256 of the document; a document that hashes to anything else is flagged "mismatch" and
none of its fields are stored, so a swapped title or image can never be shown as the creator's.

A metadata URI is chosen by whoever launched the campaign, so every fetch is made on a stranger's behalf:
- **Public addresses only.** A host name is resolved once, every address it resolves to is checked (private,
  loopback, link-local, shared, reserved, multicast and unspecified addresses are refused, IPv4 inside IPv6
  included), and the connection is made to the checked address itself, never to a second DNS answer (DNS
  rebinding). Redirects are followed by hand, at most `max_redirects`, each hop checked the same way.
  `allow_private` (CROWDLEDGER_METADATA_ALLOW_PRIVATE) lifts the address check for local development.
- **At most 64 KiB**, streamed and counted as it arrives; a larger Content-Length is refused unread, and a
  compressed body is inflated only up to the same limit.
- **One deadline per fetch** for everything (DNS, connect, TLS, redirects, body): each read waits only for
  what is left of it, so a host trickling a byte at a time is cut off on time.
- **Outside the indexing loop**: MetadataFetcher works in threads of its own, so no host can slow indexing.
- **Retries** for what may cure itself (timeouts, refused connections, any HTTP error status) with doubling
  delays; a document is called unreachable only after the last attempt.
- **Remembered**: each outcome is kept in metadata_documents by (URI, hash). That table is not derived from
  the chain, so a reorg's rebuild keeps it, and a campaign whose URI and hash did not change gets its status
  back from it without another request.

Statuses: pending (not decided yet, or waiting for a retry), verified, mismatch (not the committed document,
or not a JSON object), unreachable (no attempt could read it), refused (the fetcher will not read it: its
scheme, its address or its size). A refusal of an address is decided before any connection is made, so it is
the same whether or not anything listens there: the status cannot be used to scan ports.
"""

import base64
import binascii
import concurrent.futures
import hashlib
import ipaddress
import json
import logging
import socket
import ssl
import threading
import time
import urllib.parse
import zlib
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx
from eth_utils.crypto import keccak
from sqlalchemy import Engine, and_, bindparam, insert, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from crowdledger.errors import NotRetryableError, RetryableError
from crowdledger.store.models import MAX_DESCRIPTION, MAX_IMAGE, MAX_TITLE, Campaign, MetadataDocument

log = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 64 * 1024
IPFS_GATEWAY = "https://ipfs.io/ipfs/"
MAX_RETRY_SECONDS = 6 * 3600.0  # the longest wait between two attempts
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_USER_AGENT = b"CrowdLedger-metadata/1"
# 64:ff9b::/96 (NAT64) carries an IPv4 address in its last 32 bits, as ::ffff:0:0/96 does.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class MetadataRefused(NotRetryableError):
    """The fetcher will not read this URI: its scheme, its address, or its size is outside what it allows."""


class MetadataUnreadable(NotRetryableError):
    """The URI itself is malformed (a data: URI that is not base64, a URL with no host): no retry can help."""


class MetadataUnavailable(RetryableError):
    """The document could not be read this time (timeout, refused connection, an HTTP error status)."""


@dataclass(frozen=True)
class FetchPolicy:
    allow_private: bool = False  # fetch from private, loopback and link-local addresses (local development)
    deadline: float = 10.0  # seconds for one fetch, everything included
    max_bytes: int = MAX_DOCUMENT_BYTES
    max_redirects: int = 5
    attempts: int = 8  # before a document is called unreachable
    retry_seconds: float = 30.0  # the wait after the first failed attempt; it doubles after each later one

    def retry_delay(self, attempts: int) -> float:
        """How long to wait after `attempts` failed attempts."""
        return float(min(MAX_RETRY_SECONDS, self.retry_seconds * 2 ** min(attempts - 1, 30)))


DEFAULT_POLICY = FetchPolicy()


# ----------------------------------------------------------------------------- addresses


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether `address` is on the public internet (not private, loopback, link-local, shared, reserved,
    multicast or unspecified), looking through IPv4-mapped and NAT64 IPv6 addresses."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return is_public(address.ipv4_mapped)
        if address in _NAT64:
            return is_public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return address.is_global and not address.is_multicast


_RESOLVER = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="metadata-dns")


def _resolve(host: str, port: int, timeout: float) -> list[str]:
    """The addresses `host` resolves to, within `timeout` seconds (getaddrinfo itself has no timeout, so it
    runs in a thread that is left behind if it overruns)."""
    lookup = _RESOLVER.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        answers = lookup.result(timeout=max(timeout, 0.001))
    except concurrent.futures.TimeoutError:
        raise MetadataUnavailable(f"resolving {host} took longer than the deadline") from None
    except OSError as failure:
        raise MetadataUnavailable(f"cannot resolve {host}: {failure}") from None
    return list(dict.fromkeys(str(answer[4][0]) for answer in answers))


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds

    def left(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("the fetch deadline passed")
        return left


class _GuardedStream(httpcore.NetworkStream):
    """A connection whose every read and write waits at most until the fetch's deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _clamp(timeout, self._deadline.left()))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _clamp(timeout, self._deadline.left()))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        tls = self._stream.start_tls(ssl_context, server_hostname, _clamp(timeout, self._deadline.left()))
        return _GuardedStream(tls, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


def _clamp(timeout: float | None, left: float) -> float:
    return left if timeout is None else min(timeout, left)


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves each host once, refuses it unless every address is allowed, and connects to those addresses
    (not to the name, which the socket layer would resolve again)."""

    def __init__(self, policy: FetchPolicy, deadline: _Deadline) -> None:
        self.policy = policy
        self.deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = _resolve(host, port, self.deadline.left())
        if not self.policy.allow_private:
            for address in addresses:
                if not is_public(ipaddress.ip_address(address.split("%")[0])):
                    raise MetadataRefused(f"{host} is not a public address")
        failure: Exception = MetadataUnavailable(f"{host} resolves to no address")
        for address in addresses:
            try:
                stream = super().connect_tcp(
                    address, port, _clamp(timeout, self.deadline.left()), local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
                continue
            return _GuardedStream(stream, self.deadline)
        raise failure


# ----------------------------------------------------------------------------- one fetch


def fetch(uri: str, policy: FetchPolicy = DEFAULT_POLICY) -> bytes:
    """The document at `uri` (data:, ipfs:// through a public gateway, http:// or https://), within the
    policy's limits. Raises MetadataRefused, MetadataUnreadable or MetadataUnavailable."""
    if uri.startswith("data:"):
        return _data(uri, policy.max_bytes)
    if uri.startswith("ipfs://"):
        uri = IPFS_GATEWAY + uri.removeprefix("ipfs://")
    if not uri.startswith(("http://", "https://")):
        raise MetadataRefused(f"unsupported URI scheme: {uri[:16]!r}")
    try:
        url = httpx.URL(uri)
    except httpx.InvalidURL as bad:
        raise MetadataUnreadable(f"malformed URL: {bad}") from None
    deadline = _Deadline(policy.deadline)
    pool = httpcore.ConnectionPool(
        ssl_context=_ssl_context(),
        max_keepalive_connections=0,
        network_backend=_GuardedBackend(policy, deadline),
    )
    try:
        with pool:
            for _ in range(policy.max_redirects + 1):
                location = None
                with _get(pool, url, policy) as response:
                    if response.status in _REDIRECTS:
                        location = _header(response, b"location")
                    elif response.status != 200:
                        raise MetadataUnavailable(f"HTTP {response.status}")
                    else:
                        return _body(response, policy.max_bytes)
                if location is None:
                    raise MetadataUnavailable(f"HTTP {response.status} without a Location")
                url = url.join(location)
                if url.scheme not in ("http", "https"):
                    raise MetadataRefused(f"redirect to an unsupported scheme: {url.scheme!r}")
            raise MetadataUnavailable(f"more than {policy.max_redirects} redirects")
    except httpcore.TimeoutException:
        raise MetadataUnavailable(f"no document within {policy.deadline:g} s") from None
    except (httpcore.NetworkError, httpcore.ProtocolError) as failure:
        raise MetadataUnavailable(f"{type(failure).__name__}: {failure}") from None
    except (httpx.InvalidURL, httpcore.UnsupportedProtocol, UnicodeError, ValueError) as bad:
        raise MetadataUnreadable(f"malformed URL: {bad}") from None


def _data(uri: str, max_bytes: int) -> bytes:
    header, _, payload = uri[5:].partition(",")
    if len(payload) > 2 * max_bytes:  # even percent-encoded, a document within the limit is shorter
        raise MetadataRefused(f"data: URI longer than {max_bytes} bytes")
    try:
        raw = base64.b64decode(payload, validate=True) if header.endswith(";base64") else None
    except binascii.Error:
        raise MetadataUnreadable("bad base64 in data: URI") from None
    return raw if raw is not None else urllib.parse.unquote_to_bytes(payload)


_SSL: list[ssl.SSLContext] = []


def _ssl_context() -> ssl.SSLContext:
    if not _SSL:  # loading the CA bundle takes a few milliseconds: once per process
        _SSL.append(httpcore.default_ssl_context())
    return _SSL[0]


def _get(
    pool: httpcore.ConnectionPool, url: httpx.URL, policy: FetchPolicy
) -> AbstractContextManager[httpcore.Response]:
    target = url.raw_path or b"/"
    return pool.stream(
        "GET",
        httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=target),
        headers=[
            (b"Host", url.netloc),
            (b"User-Agent", _USER_AGENT),
            (b"Accept", b"application/json, */*;q=0.5"),
            (b"Accept-Encoding", b"identity"),
        ],
        # the network backend cuts each wait to what is left of the deadline
        extensions={"timeout": dict.fromkeys(("connect", "read", "write", "pool"), policy.deadline)},
    )


def _header(response: httpcore.Response, name: bytes) -> str | None:
    for key, value in response.headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _body(response: httpcore.Response, max_bytes: int) -> bytes:
    declared = _header(response, b"content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > max_bytes:
        raise MetadataRefused(f"document of {int(declared):,} bytes; at most {max_bytes:,} are read")
    encoding = (_header(response, b"content-encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "deflate"):
        raise MetadataUnreadable(f"unsupported Content-Encoding {encoding!r}")
    inflate = zlib.decompressobj(47) if encoding != "identity" else None  # 47: gzip or zlib, by header
    body = bytearray()
    for chunk in response.iter_stream():
        if inflate is not None:
            try:
                chunk = inflate.decompress(chunk, max_bytes + 1 - len(body))
            except zlib.error:
                raise MetadataUnreadable(f"a {encoding} body that does not inflate") from None
        body += chunk
        if len(body) > max_bytes:
            raise MetadataRefused(f"document longer than {max_bytes:,} bytes")
    return bytes(body)


# ----------------------------------------------------------------------------- checking a document


def check(document: bytes, expected_hash: str) -> dict[str, str | None] | None:
    """The document's fields if it is the committed one and a JSON object; None otherwise. Fields are cut
    to MAX_TITLE, MAX_DESCRIPTION and MAX_IMAGE characters, and made storable (no NUL, no lone surrogate)."""
    if "0x" + keccak(document).hex() != expected_hash.lower():
        return None
    try:
        fields = json.loads(document)
    except (ValueError, RecursionError):  # RecursionError: "[[[[..." nested deeper than the parser goes
        return None
    if not isinstance(fields, dict):
        return None
    limits = {"title": MAX_TITLE, "description": MAX_DESCRIPTION, "image": MAX_IMAGE}
    return {
        name: _storable(str(fields[name]), limit) if fields.get(name) is not None else None
        for name, limit in limits.items()
    }


def _storable(text: str, limit: int) -> str:
    text = text.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")
    return text[:limit]


def uri_digest(uri: str) -> str:
    """The key a URI is remembered by: a URI may be longer than any index entry can be."""
    return hashlib.sha256(uri.encode("utf-8", "surrogatepass")).hexdigest()


# ----------------------------------------------------------------------------- the fetcher


@dataclass(frozen=True)
class Outcome:
    status: str  # verified | mismatch | unreachable | refused | pending (a retry is due later)
    fields: dict[str, str | None] | None = None
    error: str | None = None


class MetadataFetcher:
    """Resolves pending campaign metadata in threads of its own: `start` it beside the indexer, `wake` it
    when new campaigns may have been indexed, `stop` it at the end. `run_once` is one synchronous pass.

    Only one fetcher should run per database (beside its one indexer). It writes campaign rows one per
    autocommitted statement, so it never holds a lock the indexer waits for while it waits for another; should
    the indexer's batch overwrite a result (it rewrites whole rows), the next pass restores it from
    metadata_documents without a request."""

    def __init__(
        self,
        engine: Engine,
        policy: FetchPolicy = DEFAULT_POLICY,
        workers: int = 4,
        poll_seconds: float = 1.0,
    ) -> None:
        self.engine = engine
        self.policy = policy
        self.workers = workers
        self.poll_seconds = poll_seconds
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._in_flight: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Work in the background until `stop`."""
        self._stopping.clear()
        self._pool = concurrent.futures.ThreadPoolExecutor(self.workers, thread_name_prefix="metadata")
        self._thread = threading.Thread(target=self._loop, name="metadata", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look for pending metadata now rather than at the next poll; returns at once."""
        self._wake.set()

    def stop(self) -> None:
        """Stop looking for work and wait for the fetches under way (each ends by its deadline)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def run_once(self) -> int:
        """Resolve everything that is due now, waiting for it; returns how many documents were fetched.
        (A retry scheduled during the pass is left for a later one.)"""
        fetched, started = 0, time.time()
        with concurrent.futures.ThreadPoolExecutor(self.workers, thread_name_prefix="metadata") as pool:
            self._adopt()
            while True:
                jobs = self._due(256, started)
                if not jobs:
                    return fetched
                for future in [pool.submit(self._resolve, *job) for job in jobs]:
                    future.result()
                fetched += len(jobs)

    # ------------------------------------------------------------------ the work

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                self._adopt()
                assert self._pool is not None
                for job in self._due(4 * self.workers, time.time()):
                    self._pool.submit(self._resolve, *job)
            except SQLAlchemyError as failure:  # the database is away: the next poll tries again
                log.warning("Metadata fetcher: the database failed (%s); trying again", failure)
            self._wake.wait(self.poll_seconds)
            self._wake.clear()

    def _adopt(self) -> None:
        """Give pending campaigns the outcome already known for their (URI, hash): after a reorg's rebuild,
        and whenever the indexer rewrote a campaign row under a result."""
        d = MetadataDocument
        query = (
            select(Campaign.id, Campaign.metadata_uri, Campaign.metadata_hash, d.status, d.title)
            .add_columns(d.description, d.image)
            .join(d, and_(d.hash == Campaign.metadata_hash, d.uri == Campaign.metadata_uri))
            .where(Campaign.metadata_status == "pending", d.status != "pending")
            .limit(1000)
        )
        for _ in range(100):  # bounded: should a row refuse the update, the next pass tries again
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
            self._set_campaigns(
                (r.id, r.metadata_uri, r.metadata_hash, Outcome(r.status, _fields(r))) for r in rows
            )
            if len(rows) < 1000:
                return

    def _due(self, limit: int, now: float) -> list[tuple[str, str]]:
        """(URI, hash) pairs of pending campaigns never tried or whose retry is due by `now`, not already in
        flight."""
        d = MetadataDocument
        query = (
            select(Campaign.metadata_uri, Campaign.metadata_hash)
            .distinct()
            .outerjoin(d, and_(d.hash == Campaign.metadata_hash, d.uri == Campaign.metadata_uri))
            .where(
                Campaign.metadata_status == "pending",
                or_(d.hash.is_(None), and_(d.status == "pending", d.next_attempt_at <= now)),
            )
            .limit(limit + len(self._in_flight))
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        jobs: list[tuple[str, str]] = []
        with self._lock:
            for uri, digest in rows:
                if (uri, digest) not in self._in_flight and len(jobs) < limit:
                    self._in_flight.add((uri, digest))
                    jobs.append((uri, digest))
        return jobs

    def _resolve(self, uri: str, expected_hash: str) -> None:
        try:
            outcome = self._attempt(uri, expected_hash)
            self._record(uri, expected_hash, outcome)
        except Exception:  # a worker must outlive any one document; the next pass tries it again
            log.exception("Metadata fetcher: resolving %.100s failed", uri)
        finally:
            with self._lock:
                self._in_flight.discard((uri, expected_hash))

    def _attempt(self, uri: str, expected_hash: str) -> Outcome:
        try:
            fields = check(fetch(uri, self.policy), expected_hash)
        except MetadataRefused as refusal:
            return Outcome("refused", error=str(refusal))
        except MetadataUnreadable as unreadable:
            return Outcome("unreachable", error=str(unreadable))
        except MetadataUnavailable as failure:
            return Outcome("pending", error=str(failure))  # _record decides: retry later, or give up
        return Outcome("verified", fields) if fields is not None else Outcome("mismatch")

    def _record(self, uri: str, expected_hash: str, outcome: Outcome) -> None:
        d = MetadataDocument
        key = and_(d.hash == expected_hash, d.uri_digest == uri_digest(uri))
        now = time.time()
        with self.engine.begin() as conn:
            attempts = (conn.execute(select(d.attempts).where(key)).scalar() or 0) + 1
            next_attempt = None
            if outcome.status == "pending":
                if attempts >= self.policy.attempts:
                    outcome = Outcome("unreachable", error=outcome.error)
                else:
                    next_attempt = now + self.policy.retry_delay(attempts)
            fields = outcome.fields or {}
            values = {
                "uri": uri,
                "status": outcome.status,
                "title": fields.get("title"),
                "description": fields.get("description"),
                "image": fields.get("image"),
                "attempts": attempts,
                "next_attempt_at": next_attempt,
                "last_error": (outcome.error or "")[:200] or None,
                "checked_at": now,
            }
            if attempts == 1:
                conn.execute(insert(d).values(hash=expected_hash, uri_digest=uri_digest(uri), **values))
            else:
                conn.execute(update(d).where(key).values(**values))
        if outcome.status == "pending":
            limit = self.policy.attempts
            log.info("Metadata at %.100s: %s (attempt %d of %d)", uri, outcome.error, attempts, limit)
            return
        if outcome.error:
            log.info("Metadata at %.100s is %s: %s", uri, outcome.status, outcome.error)
        # The read's connection is closed before the updates: on SQLite an open read holds the write lock
        # (BEGIN IMMEDIATE), and the updates' own connection would wait for it until the busy timeout.
        with self.engine.connect() as conn:
            ids = (
                conn.execute(
                    select(Campaign.id).where(
                        Campaign.metadata_status == "pending",
                        Campaign.metadata_hash == expected_hash,
                        Campaign.metadata_uri == uri,
                    )
                )
                .scalars()
                .all()
            )
        self._set_campaigns((campaign_id, uri, expected_hash, outcome) for campaign_id in ids)

    def _set_campaigns(self, rows: Iterable[tuple[int, str, str, Outcome]]) -> None:
        """One autocommitted single-row UPDATE per campaign, only while it is still pending with that
        document (a reorg may have given its id to another campaign meanwhile)."""
        statement = (
            update(Campaign)
            .where(
                Campaign.id == bindparam("campaign_id"),
                Campaign.metadata_status == "pending",
                Campaign.metadata_uri == bindparam("uri"),
                Campaign.metadata_hash == bindparam("digest"),
            )
            .values(
                metadata_status=bindparam("status"),
                title=bindparam("title"),
                description=bindparam("description"),
                image=bindparam("image"),
            )
        )
        params = []
        for campaign_id, uri, expected_hash, outcome in rows:
            fields = outcome.fields or {}
            params.append(
                {
                    "campaign_id": campaign_id,
                    "uri": uri,
                    "digest": expected_hash,
                    "status": outcome.status,
                    "title": fields.get("title"),
                    "description": fields.get("description"),
                    "image": fields.get("image"),
                }
            )
        if params:
            with self._autocommit.connect() as conn:
                for one in params:  # not executemany: on PostgreSQL that is one pipeline, one transaction
                    conn.execute(statement, one)


def _fields(row: Any) -> dict[str, str | None]:
    return {"title": row.title, "description": row.description, "image": row.image}


def resolve_pending(engine: Engine, policy: FetchPolicy = DEFAULT_POLICY) -> int:
    """One synchronous pass over every campaign whose metadata is pending and due; returns how many documents
    were fetched."""
    return MetadataFetcher(engine, policy).run_once()
