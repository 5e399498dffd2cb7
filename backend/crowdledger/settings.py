"""All settings in one place, read once from the environment (prefix CROWDLEDGER_) and passed down.

pydantic-settings would be the usual choice, but it needs python-dotenv >= 0.21 and brownie 1.22 pins 0.16, so
the few settings are parsed here by hand, with the same promise: a clear message naming the variable at fault.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from crowdledger.errors import ConfigError

PREFIX = "CROWDLEDGER_"


@dataclass(frozen=True)
class Settings:
    # ./dev up indexes into this file too, so `crowdledger status` and the commands find the same index
    database_url: str = "sqlite:///.data/index.db"
    rpc_url: str = "http://127.0.0.1:8545"
    deployment: Path = Path("deployments/development.json")
    confirmations: int = 0  # blocks behind the head the indexer stays, for chains that reorganise
    batch_blocks: int = 10_000  # the largest log-query block range (ranges adapt below it)
    poll_seconds: float = 1.0  # how often live mode asks for new blocks
    rpc_timeout: float = 10.0
    rpc_attempts: int = 6  # per call, with exponential backoff, before RpcUnavailable
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    page_cache_seconds: float = 1.0  # how long a listing page is reused; 0 turns the cache off
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
                values[f.name] = kind(raw)
            except ValueError:
                raise ConfigError(
                    f"{PREFIX}{f.name.upper()}={raw!r} is not a valid {kind.__name__}"
                ) from None
        settings = cls(**values)  # type: ignore[arg-type]
        if settings.confirmations < 0 or settings.batch_blocks < 1 or settings.rpc_attempts < 1:
            raise ConfigError(
                f"{PREFIX}CONFIRMATIONS must be >= 0, {PREFIX}BATCH_BLOCKS and {PREFIX}RPC_ATTEMPTS >= 1"
            )
        return settings
