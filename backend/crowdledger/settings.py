"""All settings in one place, read once from the environment (prefix CROWDLEDGER_) and passed down.

pydantic-settings would be the usual choice, but it needs python-dotenv >= 0.21 and brownie 1.22 pins 0.16, so
the few settings are parsed here by hand, with the same promise: every setting is checked at start-up, and a
bad one is a one-line message naming the variable and saying what it takes.
"""

import math
import os
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from crowdledger.errors import ConfigError

PREFIX = "CROWDLEDGER_"
DATABASE_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")


@dataclass(frozen=True)
class Settings:
    # ./dev up indexes into this file too, so `crowdledger status` and the commands find the same index
    database_url: str = "sqlite:///.data/index.db"
    rpc_url: str = "http://127.0.0.1:8545"
    deployment: Path = Path("deployments/development.json")
    confirmations: int = 0  # blocks behind the head the indexer stays, for chains that reorganise
    # Blocks after which this chain never reorganises: within it the indexer journals derived-row changes so
    # that a reorg is undone in proportion to its depth; a deeper one rebuilds the derived tables.
    finality_depth: int = 64
    batch_blocks: int = 10_000  # the largest log-query block range (ranges adapt below it)
    poll_seconds: float = 1.0  # how often live mode asks for new blocks
    rpc_timeout: float = 10.0
    rpc_attempts: int = 6  # per call, with exponential backoff, before RpcUnavailable
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    page_cache_seconds: float = 1.0  # how long a listing page is reused; 0 turns the cache off
    public_rpc_url: str = ""  # the RPC browsers' wallets are pointed at; empty: rpc_url
    artifacts: Path = Path("build/contracts")  # compiled contracts (the token ABI the wallet layer uses)
    # /ready answers 503 when the index is more than this many blocks behind the node's head...
    ready_max_blocks_behind: int = 10
    # ...or when the indexer has not shown a sign of life (a heartbeat) for this long.
    stall_seconds: float = 120.0
    indexer_restarts: int = 5  # under `run`: restarts of a crashed indexer thread before the process exits
    page_cache_bytes: int = 32 * 1024 * 1024  # per API process, bodies counted
    metadata_allow_private: bool = False  # fetch metadata from private/loopback addresses (local development)
    metadata_deadline: float = 10.0  # seconds per metadata fetch, everything included
    metadata_attempts: int = 8  # before a metadata document is called unreachable
    metadata_retry_seconds: float = 30.0  # the first retry's wait; it doubles after each failure
    metadata_workers: int = 4  # fetches at once
    # the commands that sign: brownie's keystores, the password (prompted for when empty), and where a contest
    # entry's secret is kept between `enter` and `reveal`
    keystore_dir: Path = Path("~/.brownie/accounts")
    account_password: str = field(default="", repr=False)
    entries_dir: Path = Path("~/.crowdledger/entries")
    receipt_timeout: float = 120.0  # seconds to wait for a sent transaction to be mined

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "Settings":
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = environ.get(PREFIX + f.name.upper())
            if raw is None:
                continue
            kind = type(getattr(cls, f.name))
            try:
                values[f.name] = _boolean(raw) if kind is bool else kind(raw)
            except ValueError:
                raise ConfigError(
                    f"{PREFIX}{f.name.upper()}={raw!r} is not a valid {kind.__name__}"
                ) from None
        settings = cls(**values)  # type: ignore[arg-type]
        settings.validate()
        return settings

    def validate(self) -> None:
        """Raise ConfigError, naming the variable, for the first setting that cannot work."""
        for name, ok, needs in _RULES:
            if not ok(getattr(self, name)):
                raise ConfigError(f"{PREFIX}{name.upper()}={getattr(self, name)!r}: {needs}")


def _finite(low: float, above: bool = False) -> Callable[[float], bool]:
    return lambda v: math.isfinite(v) and (v > low if above else v >= low)


def _database_url(url: str) -> bool:
    scheme = url.partition(":")[0]
    return scheme in DATABASE_SCHEMES and "://" in url


def _rpc_url(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


_RULES: list[tuple[str, Callable[..., bool], str]] = [
    (
        "database_url",
        _database_url,
        "crowdledger stores its index in SQLite (sqlite:///FILE) or PostgreSQL "
        "(postgresql://USER:PASSWORD@HOST/DATABASE); no other database driver is supported",
    ),
    ("rpc_url", _rpc_url, "needs an http:// or https:// JSON-RPC endpoint, e.g. http://127.0.0.1:8545"),
    ("confirmations", lambda v: v >= 0, "must be 0 or more blocks"),
    ("finality_depth", lambda v: v >= 0, "must be 0 or more blocks"),
    ("batch_blocks", lambda v: v >= 1, "must be at least 1 block"),
    ("poll_seconds", _finite(0, above=True), "must be a number of seconds above 0"),
    ("rpc_timeout", _finite(0, above=True), "must be a number of seconds above 0"),
    ("rpc_attempts", lambda v: v >= 1, "must be at least 1"),
    ("api_port", lambda v: 1 <= v <= 65535, "must be a TCP port, 1 to 65535"),
    ("page_cache_seconds", _finite(0), "must be 0 (off) or a number of seconds above 0"),
    ("ready_max_blocks_behind", lambda v: v >= 0, "must be 0 or more blocks"),
    ("stall_seconds", _finite(0, above=True), "must be a number of seconds above 0"),
    ("indexer_restarts", lambda v: v >= 0, "must be 0 or more"),
    ("page_cache_bytes", lambda v: v >= 1, "must be at least 1 byte"),
    ("metadata_deadline", _finite(0, above=True), "must be a number of seconds above 0"),
    ("metadata_attempts", lambda v: v >= 1, "must be at least 1"),
    ("metadata_retry_seconds", _finite(0, above=True), "must be a number of seconds above 0"),
    ("metadata_workers", lambda v: v >= 1, "must be at least 1"),
    ("receipt_timeout", _finite(0, above=True), "must be a number of seconds above 0"),
]


def _boolean(raw: str) -> bool:
    words = {"1": True, "true": True, "yes": True, "on": True}
    words |= {"0": False, "false": False, "no": False, "off": False}
    try:
        return words[raw.strip().lower()]
    except KeyError:
        raise ValueError(raw) from None
