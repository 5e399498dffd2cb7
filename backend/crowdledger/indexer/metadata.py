"""Campaign metadata: fetch the document at each metadata URI and show it only if it is the one committed to.

The chain holds keccak256 of the document; a document that hashes to anything else is flagged "mismatch" and
none of its fields are stored, so a swapped title or image can never be shown as the creator's.
"""

import base64
import binascii
import json
import logging
import urllib.parse

import httpx
from eth_utils.crypto import keccak
from sqlalchemy import Engine, select, update

from crowdledger.store.models import Campaign

log = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 64 * 1024
IPFS_GATEWAY = "https://ipfs.io/ipfs/"


class Unreachable(Exception):
    pass


def fetch(uri: str, client: httpx.Client) -> bytes:
    if uri.startswith("data:"):
        header, _, payload = uri[5:].partition(",")
        try:
            raw = base64.b64decode(payload, validate=True) if header.endswith(";base64") else None
        except binascii.Error:
            raise Unreachable("bad base64 in data: URI") from None
        return raw if raw is not None else urllib.parse.unquote_to_bytes(payload)
    if uri.startswith("ipfs://"):
        uri = IPFS_GATEWAY + uri.removeprefix("ipfs://")
    if not uri.startswith(("http://", "https://")):
        raise Unreachable(f"unsupported URI scheme: {uri[:16]}")
    try:
        response = client.get(uri)
    except httpx.HTTPError as failure:
        raise Unreachable(str(failure)) from None
    if response.status_code != 200:
        raise Unreachable(f"HTTP {response.status_code}")
    return response.content[:MAX_DOCUMENT_BYTES]


def check(document: bytes, expected_hash: str) -> dict[str, str | None] | None:
    """The document's fields if it is the committed one and well-formed JSON; None otherwise."""
    if "0x" + keccak(document).hex() != expected_hash.lower():
        return None
    try:
        fields = json.loads(document)
    except ValueError:
        return None
    if not isinstance(fields, dict):
        return None
    return {
        name: str(fields[name])[:4000] if fields.get(name) is not None else None
        for name in ("title", "description", "image")
    }


def resolve_pending(engine: Engine, limit: int = 200, timeout: float = 5.0) -> int:
    """Resolve up to `limit` campaigns whose metadata is still pending; returns how many were resolved."""
    with engine.connect() as conn:
        pending = conn.execute(
            select(Campaign.id, Campaign.metadata_uri, Campaign.metadata_hash)
            .where(Campaign.metadata_status == "pending")
            .limit(limit)
        ).all()
    if not pending:
        return 0
    updates = []
    with httpx.Client(timeout=timeout, follow_redirects=True) as client:
        for campaign_id, uri, digest in pending:
            try:
                fields = check(fetch(uri, client), digest)
            except Unreachable as why:
                log.info("Campaign %d metadata unreachable: %s", campaign_id, why)
                updates.append({"key_id": campaign_id, "metadata_status": "unreachable"})
                continue
            if fields is None:
                updates.append({"key_id": campaign_id, "metadata_status": "mismatch"})
            else:
                updates.append({"key_id": campaign_id, "metadata_status": "verified", **fields})
    with engine.begin() as conn:
        for values in updates:  # few per pass, and their keys differ, so one statement each
            key = values.pop("key_id")
            conn.execute(update(Campaign).where(Campaign.id == key).values(**values))
    return len(updates)
