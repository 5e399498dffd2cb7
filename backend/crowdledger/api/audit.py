"""The published audit report (`crowdledger audit --save`): as JSON, as a page, and per-account proofs.

The API serves the newest report as it was written; it does not audit anything itself. An auditor reruns the
audit (docs/AUDIT.md) and compares the digest and the root with what is served here.
"""

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from crowdledger.api.deps import AddressParam, Db
from crowdledger.audit import published
from crowdledger.audit.merkle import Leaf, SumTree
from crowdledger.audit.report import html

NO_REPORT = "no audit report has been published yet: run `crowdledger audit --save`"


class AuditBlock(BaseModel):
    number: int
    hash: str
    timestamp: int


class AuditReportOut(BaseModel):
    """The report as `crowdledger audit --json` prints it; docs/AUDIT.md describes every field."""

    format: str
    passed: bool
    chain_id: int
    block: AuditBlock
    deployment: dict[str, Any]
    digest: str
    merkle: dict[str, Any]
    checks: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    obligations: list[dict[str, str]]
    stats: dict[str, Any]
    rerun: dict[str, str]
    generated_at: str


class ProofOut(BaseModel):
    """Merkle sum proofs of what the audited contracts owe `account`; check them with
    `crowdledger audit verify PROOF --root ROOT`."""

    format: str
    chain_id: int
    block: AuditBlock
    digest: str
    root: str
    account: str
    proofs: list[dict[str, Any]]


_trees: dict[str, SumTree] = {}  # the newest report's tree by its root, rebuilt when a new one appears


def _tree(report: dict[str, Any]) -> SumTree:
    root = report["merkle"]["root"]
    if root not in _trees:
        leaves = [
            Leaf(o["contract"], o["holder"], o["asset"], int(o["amount"])) for o in report["obligations"]
        ]
        _trees.clear()
        _trees[root] = SumTree(leaves, report["merkle"]["contracts"])
    return _trees[root]


router = APIRouter(tags=["audit"])


def _newest(db: Db) -> dict[str, Any]:
    report = published.latest(db)
    if report is None:
        raise HTTPException(404, NO_REPORT)
    return report


@router.get("/audit", response_model=AuditReportOut)
def audit_report(db: Db) -> dict[str, Any]:
    """The newest published audit report: pass or fail per check, the block, the digest, the Merkle sum
    root, the findings and how to rerun it."""
    return _newest(db)


@router.get("/audit/report", response_class=HTMLResponse, include_in_schema=False)
def audit_page(db: Db) -> HTMLResponse:
    return HTMLResponse(html(_newest(db)))


@router.get("/audit/proofs/{address}", response_model=ProofOut)
def audit_proof(db: Db, address: AddressParam) -> dict[str, Any]:
    """What the audited contracts owe `address`, each claim with its proof against the report's root (an
    empty list when they owe it nothing)."""
    report = _newest(db)
    return {
        "format": "crowdledger-audit-proof/1",
        "chain_id": report["chain_id"],
        "block": report["block"],
        "digest": report["digest"],
        "root": report["merkle"]["root"],
        "account": address.lower(),
        "proofs": _tree(report).proofs(address.lower()),
    }
