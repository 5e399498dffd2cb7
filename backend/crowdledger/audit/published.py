"""Reports published for the web app: `crowdledger audit --save` stores one, the API serves the newest."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from crowdledger.audit.report import Audit
from crowdledger.store.models import AuditReport


def save(engine: Engine, result: Audit) -> int:
    report = result.report
    with engine.begin() as conn:
        inserted = conn.execute(
            insert(AuditReport)
            .values(
                chain_id=report["chain_id"],
                block_number=report["block"]["number"],
                block_hash=report["block"]["hash"],
                passed=report["passed"],
                digest=report["digest"],
                root=report["merkle"]["root"],
                created_at=time.time(),
                report=json.dumps(report),
            )
            .returning(AuditReport.id)
        )
        return int(inserted.scalar_one())


def latest(db: Session) -> dict[str, Any] | None:
    row = db.execute(select(AuditReport.report).order_by(AuditReport.id.desc()).limit(1)).scalar()
    return None if row is None else dict(json.loads(row))
