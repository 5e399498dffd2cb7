"""What every route shares: a database session per request, and the validated shapes of path and query
parameters."""

from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from sqlalchemy.orm import Session

ADDRESS = r"^0x[0-9a-fA-F]{40}$"
MAX_ID = 2**63 - 1  # ids are stored as signed 64-bit integers


def _session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as db:
        yield db


Db = Annotated[Session, Depends(_session)]
AddressParam = Annotated[str, Path(pattern=ADDRESS, description="0x-prefixed, 40 hex digits")]
CampaignId = Annotated[int, Path(ge=1, le=MAX_ID)]
TaskId = Annotated[int, Path(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=100)]


class RoleName(StrEnum):
    creator = "creator"
    backer = "backer"
    requester = "requester"
    worker = "worker"
    reviewer = "reviewer"


def lower(address: str | None) -> str | None:
    return address.lower() if address is not None else None
