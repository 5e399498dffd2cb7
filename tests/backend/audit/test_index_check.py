"""The indexer's database against the replay, on both stores: an honest index agrees; a tampered row, a lost
event and an invented one are each reported as what they are."""

from brownie import chain, web3
from sqlalchemy import delete, insert, select, update

from crowdledger.store.models import AwardProposal, Pledge, RawEvent, SyncState, Task
from tests.backend.audit.conftest import E, check, entry, run_audit, task_params
from tests.backend.conftest import make_indexer
from tests.conftest import DAY


def indexed(engine, crowdfund, bounty) -> None:
    make_indexer(engine, crowdfund, others=(bounty,)).run(follow=False)


def test_an_index_the_indexer_built_agrees_with_the_replay(
    engine, deployment, honest_world, crowdfund, bounty
):
    indexed(engine, crowdfund, bounty)
    index = check(run_audit(deployment, index=engine), "index")
    assert index["status"] == "pass", index["mismatches"]
    assert "events and" in index["summary"] and "rows of derived tables" in index["summary"]


def test_a_tampered_pledge_row_is_reported_altered_with_the_events_behind_it(
    engine, deployment, honest_world, crowdfund, bounty, backers
):
    indexed(engine, crowdfund, bounty)
    campaign, backer = honest_world.campaigns["approved"], backers[0].address.lower()
    where = (Pledge.campaign_id == campaign) & (Pledge.backer == backer)
    with engine.begin() as conn:
        amount = conn.execute(select(Pledge.amount).where(where)).scalar_one()
        conn.execute(update(Pledge).where(where).values(amount=amount + 1))
    result = run_audit(deployment, index=engine)
    index = check(result, "index")
    assert index["status"] == "fail" and not result.passed
    [altered] = index["mismatches"]
    assert altered["subject"] == f"pledges row ({campaign}, '{backer}')"
    assert altered["message"] == f"altered: amount: index {amount + 1}, replay {amount}"
    assert {e["event"] for e in altered["events"]} >= {"Pledged"}


def test_a_lost_event_is_missing_and_an_invented_one_extra(
    engine, deployment, honest_world, crowdfund, bounty
):
    indexed(engine, crowdfund, bounty)
    with engine.begin() as conn:
        lost = conn.execute(select(RawEvent).order_by(RawEvent.block_number.desc()).limit(1)).one()
        conn.execute(
            delete(RawEvent).where(
                RawEvent.block_number == lost.block_number, RawEvent.log_index == lost.log_index
            )
        )
        conn.execute(
            insert(RawEvent).values(
                block_number=lost.block_number,
                log_index=lost.log_index + 100,
                timestamp=lost.timestamp,
                tx_hash=lost.tx_hash,
                contract="Crowdfund",
                name="Refunded",
                actor=None,
                args={"campaignId": 1, "backer": "0x" + "ee" * 20, "to": "0x" + "ee" * 20, "amount": 10**18},
            )
        )
    messages = [m["message"] for m in check(run_audit(deployment, index=engine), "index")["mismatches"]]
    assert any(m.startswith(f"missing: {lost.contract}.{lost.name}") for m in messages)
    assert "extra: the index holds a Crowdfund.Refunded the chain does not have" in messages


def test_an_index_behind_the_chain_compares_its_events_and_says_why_tables_were_left_out(
    engine, deployment, honest_world, crowdfund, bounty, backers
):
    indexed(engine, crowdfund, bounty)
    with engine.connect() as conn:
        at = conn.execute(select(SyncState.next_block)).scalar_one() - 1
    crowdfund.pledge(honest_world.campaigns["funding"], 0, 5, {"from": backers[3], "value": 5})
    index = check(run_audit(deployment, index=engine, block=web3.eth.block_number), "index")
    assert index["status"] == "pass"
    assert f"the index stands at block {at:,}" in index["summary"]


def test_a_pending_award_proposal_and_a_tasks_arbiter_are_checked_against_the_replay(
    engine, deployment, crowdfund, bounty, backers
):
    """An objected proposal waiting for the arbiter agrees as indexed; a proposal and an arbiter altered in
    the index are each reported with the events behind them."""
    requester, workers, co_reviewer, arbiter = backers[5], backers[:2], backers[3], backers[4]
    deadline = chain.time() + 2 * DAY
    task_id = bounty.postContest(
        task_params(deadline, co_reviewer.address, arbiter.address), E, {"from": requester, "value": E}
    ).return_value
    for worker in workers:
        bounty.submit(task_id, entry(worker)[2], [], {"from": worker})
    chain.sleep(2 * DAY + 60)
    chain.mine()
    for worker in workers:
        deliverable, salt, _ = entry(worker)
        bounty.reveal(task_id, deliverable, f"ipfs://{worker.address[:8]}", salt, {"from": worker})
    bounty.award(task_id, [workers[0], workers[1]], [6_000, 4_000], {"from": requester})
    bounty.objectToAward(task_id, {"from": co_reviewer})
    indexed(engine, crowdfund, bounty)
    assert check(run_audit(deployment, index=engine), "index")["status"] == "pass"

    with engine.begin() as conn:
        conn.execute(update(AwardProposal).values(shares_bps=[4_000, 6_000], objected=False))
        conn.execute(update(Task).where(Task.id == task_id).values(arbiter=None))
    mismatches = check(run_audit(deployment, index=engine), "index")["mismatches"]
    by_subject = {m["subject"]: m for m in mismatches}
    assert set(by_subject) == {f"award_proposals row {task_id}", f"tasks row {task_id}"}
    proposal = by_subject[f"award_proposals row {task_id}"]
    assert proposal["message"] == (
        "altered: shares_bps: index [4000, 6000], replay [6000, 4000]; objected: index False, replay True"
    )
    assert {e["event"] for e in proposal["events"]} == {"AwardProposed", "AwardObjected"}
    assert by_subject[f"tasks row {task_id}"]["message"] == (
        f"altered: arbiter: index None, replay '{arbiter.address.lower()}'"
    )
