"""The projections' batch read-modify-write (crowdledger.store.rows), on both stores: what was loaded and
changed is written back, at full width, and nothing else is written."""

import pytest
from sqlalchemy import func, select, update

from crowdledger.store import journal
from crowdledger.store.models import DERIVED_TABLES, Campaign, JournalEntry, Pledge
from crowdledger.store.rows import Rows

MAX_UINT256 = 2**256 - 1


def pledges() -> Rows:
    return Rows(Pledge.__table__, ("campaign_id", "backer"))  # type: ignore[arg-type]


def pledge(campaign_id: int, backer: str, amount: int = 1) -> dict:
    return {
        "campaign_id": campaign_id,
        "backer": backer,
        "amount": amount,
        "tier_id": 0,
        "refunded": 0,
        "first_block": 1,
        "delivery": None,
    }


def backer(i: int) -> str:
    return f"0x{i:040x}"


def test_only_the_rows_that_differ_from_what_was_loaded_are_written(engine):
    with engine.begin() as conn:
        rows = pledges()
        for i in range(3):
            rows.add(pledge(7, backer(i)))
        rows.flush(conn)
    with engine.begin() as conn:
        journal.install(conn, [model.__table__ for model in DERIVED_TABLES])  # type: ignore[misc]
        journal.record(conn, 100)  # every write to a derived row is now in the journal
        rows = pledges()
        rows.load(conn, [(7, backer(i)) for i in range(3)])
        rows.get((7, backer(0)))["amount"] = MAX_UINT256  # type: ignore[index]
        rows.get((7, backer(1)))["amount"] = 1  # type: ignore[index]  # set, but to what it was
        rows.flush(conn)
        journal.record(conn, None)
        written = conn.execute(select(JournalEntry.operation, JournalEntry.row)).all()
        stored = dict(conn.execute(select(Pledge.backer, Pledge.amount).where(Pledge.campaign_id == 7)).all())
    assert [(op, row["backer"]) for op, row in written] == [("U", backer(0))]
    assert stored == {backer(0): MAX_UINT256, backer(1): 1, backer(2): 1}


def test_a_batch_larger_than_a_query_loads_and_writes_every_row(engine):
    keys = [(MAX_UINT256 - i % 3, backer(i)) for i in range(1_234)]
    with engine.begin() as conn:
        rows = pledges()
        for campaign_id, who in keys:
            rows.add(pledge(campaign_id, who))
        rows.flush(conn)
    with engine.begin() as conn:
        rows = pledges()
        rows.load(conn, keys + [(1, backer(99_999))])  # one key that has no row
        assert len(list(rows.values())) == len(keys)
        for row in rows.values():
            row["amount"], row["delivery"] = row["campaign_id"], "confirmed"
        rows.flush(conn)
    with engine.connect() as conn:
        stored = conn.execute(select(Pledge.campaign_id, Pledge.amount, Pledge.delivery)).all()
    assert len(stored) == len(keys)
    assert all(amount == campaign_id and delivery == "confirmed" for campaign_id, amount, delivery in stored)


def test_json_and_null_columns_are_written_back_as_they_are(engine):
    campaign = {column.name: 0 for column in Campaign.__table__.columns}
    campaign.update(
        creator=backer(1),
        token=backer(0),
        vote_mode="pledge-weighted",
        milestone_bps=[5000, 5000],
        metadata_uri="ipfs://x",
        metadata_hash="0x" + "00" * 32,
        cancelled=False,
        rejected=False,
        failure_recorded=False,
        metadata_status="pending",
        title=None,
        description=None,
        image=None,
    )
    rows = Rows(Campaign.__table__, ("id",))  # type: ignore[arg-type]
    with engine.begin() as conn:
        rows.add(dict(campaign, id=1))
        rows.add(dict(campaign, id=2))
        rows.flush(conn)
    with engine.begin() as conn:
        rows = Rows(Campaign.__table__, ("id",))  # type: ignore[arg-type]
        rows.load(conn, [(1,), (2,)])
        rows.get((1,))["milestone_bps"] = [10_000]  # type: ignore[index]
        rows.get((2,))["raised"] = MAX_UINT256  # type: ignore[index]  # its JSON and NULL columns unchanged
        rows.flush(conn)
    with engine.connect() as conn:
        stored = {row.id: row for row in conn.execute(select(Campaign))}
        count = conn.execute(select(func.count()).select_from(Campaign)).scalar_one()
    assert count == 2
    assert stored[1].milestone_bps == [10_000] and stored[1].title is None
    assert stored[2].milestone_bps == [5000, 5000] and stored[2].raised == MAX_UINT256


# PostgreSQL only: SQLite serialises writers, so nobody can write between a batch's load and its write-back
@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_columns_no_event_changed_are_left_to_whoever_wrote_them_meanwhile(engine):
    """The metadata fetcher writes a campaign's title in its own transaction while a batch of its pledges is
    being applied: the batch's write-back must not put the title it loaded back."""
    with engine.begin() as conn:
        rows = pledges()
        rows.add(pledge(7, backer(1)))
        rows.flush(conn)
    with engine.begin() as conn:
        rows = pledges()
        rows.load(conn, [(7, backer(1))])
        with engine.begin() as other:  # the fetcher, in the meantime
            other.execute(update(Pledge).values(delivery="confirmed"))
        rows.get((7, backer(1)))["amount"] = 5  # type: ignore[index]
        rows.flush(conn)
    with engine.connect() as conn:
        assert conn.execute(select(Pledge.amount, Pledge.delivery)).one() == (5, "confirmed")
