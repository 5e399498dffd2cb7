"""The pages' own queries, on both stores."""

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from crowdledger.store.models import Pledge, RawEvent
from crowdledger.web import queries

BACKER = "0x" + "b0" * 20


def pledged(block: int, campaign_id: int, raised: int) -> dict:
    args = {
        "campaignId": campaign_id,
        "backer": BACKER,
        "tierId": 0,
        "amount": 1,
        "pledgeTotal": 1,
        "raised": raised,
    }
    return {
        "block_number": block,
        "log_index": 0,
        "timestamp": 1_700_000_000 + block,
        "tx_hash": "0x" + "00" * 32,
        "contract": "Crowdfund",
        "name": "Pledged",
        "actor": BACKER,
        "args": args,
        "exact": None,
    }


@pytest.mark.parametrize("campaign_id", [2, 2**63 - 1, 2**256 - 1])  # SQLite's largest integer; past it
def test_a_chart_counts_its_own_campaigns_pledges_toward_its_limit(engine, monkeypatch, campaign_id):
    """The chart reads pledges through its backers' index; a backer busy in other campaigns must not use up
    the events a chart may read (it showed no pledge at all when its backers had HISTORY_LIMIT elsewhere)."""
    monkeypatch.setattr(queries, "HISTORY_LIMIT", 5)
    elsewhere = [pledged(block, 1, block) for block in range(1, 9)]
    here = [pledged(block, campaign_id, 100 * block) for block in range(20, 23)]
    with engine.begin() as conn:
        conn.execute(insert(RawEvent), elsewhere + here)
        for campaign in (1, campaign_id):
            conn.execute(
                insert(Pledge).values(
                    campaign_id=campaign, backer=BACKER, amount=1, tier_id=0, refunded=0, first_block=1
                )
            )
    with Session(engine) as db:
        history = queries.raised_history(db, campaign_id)
    expected = [(1_700_000_020, 2000), (1_700_000_021, 2100), (1_700_000_022, 2200)]
    # past 2**63 SQLite cannot pick the campaign's events out in SQL: the limit is then shared, as before
    assert history == (expected if campaign_id < 2**63 or engine.dialect.name == "postgresql" else [])
