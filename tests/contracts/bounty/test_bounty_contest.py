"""Contests: commitments before the deadline, reveals after it (recording whether the worker is verified), an
award by the requester or the default split among verified entries first, and the requester's reclaim only
when no valid entry exists."""

import brownie
import pytest

from tests.contracts.bounty.conftest import (
    ACCESS_VERIFIED,
    AWARDED,
    BPS,
    BY_REQUESTER,
    ETH,
    LEDGER_REFUSES,
    RECLAIMED,
    REWARD,
    SPLIT_BY_DEFAULT,
    commitment,
    deadline_of,
    deliverable,
    fee_of,
    fresh_accounts,
    net_of,
    next_block_at,
    pass_deadline,
    pass_review,
    plain,
    reason,
    review_end_of,
    salt_of,
    task_params,
)

# ---------------------------------------------------------------------- submitting


def test_an_entry_is_recorded_as_a_commitment(bounty, post_contest, enter, workers):
    task_id = post_contest()
    tx = enter(task_id, workers[0])
    expected = commitment(deliverable(workers[0]), workers[0], salt_of(workers[0]))
    submitted = tx.events["EntrySubmitted"]
    assert (submitted["taskId"], submitted["worker"]) == (task_id, workers[0])
    assert submitted["commitment"] == "0x" + expected.hex()
    assert submitted["entryCount"] == 1
    assert bounty.entryOf(task_id, workers[0])["commitment"] == "0x" + expected.hex()
    assert (
        bounty.commitmentOf(deliverable(workers[0]), workers[0], salt_of(workers[0])) == "0x" + expected.hex()
    )
    enter(task_id, workers[1])
    assert bounty.contest(task_id)["entryCount"] == 2


def test_submitting_again_replaces_the_commitment_without_a_new_entry(bounty, post_contest, enter, workers):
    task_id = post_contest()
    enter(task_id, workers[0], n=0)
    tx = enter(task_id, workers[0], n=1)
    assert tx.events["EntrySubmitted"]["entryCount"] == 1
    assert bounty.contest(task_id)["entryCount"] == 1
    pass_deadline(bounty, task_id)
    with brownie.reverts():
        bounty.reveal(task_id, deliverable(workers[0], 0), "x", salt_of(workers[0], 0), {"from": workers[0]})
    bounty.reveal(task_id, deliverable(workers[0], 1), "x", salt_of(workers[0], 1), {"from": workers[0]})


def test_entries_close_at_the_deadline(bounty, post_contest, enter, workers):
    task_id = post_contest()
    deadline = deadline_of(bounty, task_id)
    next_block_at(deadline - 1)
    enter(task_id, workers[0])
    next_block_at(deadline)
    with brownie.reverts(reason("DeadlinePassed", deadline)):
        enter(task_id, workers[1])


def test_an_empty_commitment_is_refused(bounty, post_contest, workers):
    task_id = post_contest()
    with brownie.reverts(reason("EmptyHash")):
        bounty.submit(task_id, b"\x00" * 32, [], {"from": workers[0]})


def test_entering_a_task_that_does_not_exist_is_refused(bounty, workers):
    with brownie.reverts(reason("TaskNotFound", 9)):
        bounty.submit(9, b"\x01" * 32, [], {"from": workers[0]})


def test_a_micro_task_takes_no_contest_entries(bounty, post_micro, workers):
    task_id = post_micro()
    with brownie.reverts(reason("NotAContest", task_id)):
        bounty.submit(task_id, b"\x01" * 32, [], {"from": workers[0]})


def test_the_reviewers_cannot_enter_their_own_contest(bounty, post_contest, requester, co_reviewer):
    task_id = post_contest(co_reviewer=co_reviewer.address)
    for reviewer in (requester, co_reviewer):
        with brownie.reverts(reason("ReviewersCannotWork", reviewer.address)):
            bounty.submit(task_id, b"\x01" * 32, [], {"from": reviewer})


# ---------------------------------------------------------------------- revealing


def test_a_reveal_records_the_deliverable(bounty, post_contest, enter, workers):
    task_id = post_contest()
    enter(task_id, workers[0])
    pass_deadline(bounty, task_id)
    tx = bounty.reveal(
        task_id, deliverable(workers[0]), "ipfs://mine", salt_of(workers[0]), {"from": workers[0]}
    )
    revealed = tx.events["EntryRevealed"]
    assert revealed["worker"] == workers[0]
    assert revealed["deliverableHash"] == "0x" + deliverable(workers[0]).hex()
    assert revealed["deliverableURI"] == "ipfs://mine"
    assert revealed["revealedCount"] == 1
    assert (revealed["verified"], revealed["verifiedCount"]) == (False, 0)
    assert bounty.entryOf(task_id, workers[0])["revealed"] is True
    assert bounty.contest(task_id)["revealedCount"] == 1


def test_a_reveal_records_that_the_worker_is_verified(
    bounty, reputation, post_contest, enter, reveal, workers
):
    task_id = post_contest()
    for worker in workers[:3]:
        enter(task_id, worker)
    reputation.setVerified(workers[1], 0)
    reputation.setVerified(workers[2], 3)
    pass_deadline(bounty, task_id)
    flags = [
        (e["verified"], e["verifiedCount"])
        for e in (reveal(task_id, w).events["EntryRevealed"] for w in workers[:3])
    ]
    assert flags == [(False, 0), (True, 1), (True, 2)]
    assert [bounty.entryOf(task_id, w)["verified"] for w in workers[:3]] == [False, True, True]
    assert (bounty.contest(task_id)["revealedCount"], bounty.contest(task_id)["verifiedCount"]) == (3, 2)


def test_a_verified_contest_counts_entries_verified_at_its_own_level(
    bounty, reputation, post_contest, enter, reveal, workers
):
    task_id = post_contest(rules=ACCESS_VERIFIED, min_level=2)
    for worker in workers[:2]:
        reputation.setVerified(worker, 2)
        enter(task_id, worker)
    reputation.setVerified(workers[1], 1)  # the attestation was downgraded after the entry
    pass_deadline(bounty, task_id)
    assert reveal(task_id, workers[0]).events["EntryRevealed"]["verified"] is True
    assert reveal(task_id, workers[1]).events["EntryRevealed"]["verified"] is False


def test_the_verification_is_taken_when_revealing_not_later(bounty, reputation, revealed_contest, workers):
    reputation.setVerified(workers[0], 0)  # too late: the entries are revealed
    assert bounty.contest(revealed_contest)["verifiedCount"] == 0
    assert bounty.entryOf(revealed_contest, workers[0])["verified"] is False


def test_a_ledger_that_cannot_answer_leaves_the_entry_unverified_but_revealed(
    bounty, reputation, post_contest, enter, reveal, workers
):
    task_id = post_contest()
    enter(task_id, workers[0])
    reputation.setVerified(workers[0], 0)
    reputation.setMode(LEDGER_REFUSES)
    pass_deadline(bounty, task_id)
    revealed = reveal(task_id, workers[0]).events["EntryRevealed"]
    assert (revealed["revealedCount"], revealed["verified"], revealed["verifiedCount"]) == (1, False, 0)


def test_reveals_open_at_the_deadline(bounty, post_contest, enter, reveal, workers):
    task_id = post_contest()
    enter(task_id, workers[0])
    deadline = deadline_of(bounty, task_id)
    next_block_at(deadline - 1)
    with brownie.reverts(reason("RevealNotOpenYet", deadline)):
        reveal(task_id, workers[0])
    next_block_at(deadline)
    reveal(task_id, workers[0])


def test_reveals_close_when_the_review_period_ends(bounty, post_contest, enter, reveal, workers):
    task_id = post_contest()
    enter(task_id, workers[0])
    enter(task_id, workers[1])
    end = review_end_of(bounty, task_id)
    next_block_at(end - 1)
    reveal(task_id, workers[0])
    next_block_at(end)
    with brownie.reverts(reason("ReviewPeriodOver", end)):
        reveal(task_id, workers[1])


def test_revealing_without_an_entry_is_refused(bounty, post_contest, reveal, workers):
    task_id = post_contest()
    pass_deadline(bounty, task_id)
    with brownie.reverts(reason("NoEntry", workers[0].address)):
        reveal(task_id, workers[0])


def test_an_entry_is_revealed_once(bounty, post_contest, enter, reveal, workers):
    task_id = post_contest()
    enter(task_id, workers[0])
    pass_deadline(bounty, task_id)
    reveal(task_id, workers[0])
    with brownie.reverts(reason("AlreadyRevealed")):
        reveal(task_id, workers[0])
    assert bounty.contest(task_id)["revealedCount"] == 1


def test_a_reveal_that_does_not_match_the_commitment_is_refused(bounty, post_contest, enter, workers):
    task_id = post_contest()
    enter(task_id, workers[0])
    pass_deadline(bounty, task_id)
    committed = commitment(deliverable(workers[0]), workers[0], salt_of(workers[0]))
    wrong_salt = b"\x09" * 32
    computed = commitment(deliverable(workers[0]), workers[0], wrong_salt)
    with brownie.reverts(reason("CommitmentMismatch", committed, computed)):
        bounty.reveal(task_id, deliverable(workers[0]), "x", wrong_salt, {"from": workers[0]})


def test_a_copied_commitment_cannot_be_revealed_by_the_copier(bounty, post_contest, enter, reveal, workers):
    author, copier = workers[0], workers[1]
    task_id = post_contest()
    tx = enter(task_id, author)
    bounty.submit(task_id, tx.events["EntrySubmitted"]["commitment"], [], {"from": copier})
    pass_deadline(bounty, task_id)
    reveal(task_id, author)
    # the copier learns the deliverable and salt from the author's reveal, but the commitment binds the author
    with brownie.reverts():
        bounty.reveal(task_id, deliverable(author), "x", salt_of(author), {"from": copier})
    assert bounty.entryOf(task_id, copier)["revealed"] is False


def test_a_decided_contest_takes_no_more_reveals(bounty, post_contest, enter, reveal, requester, workers):
    task_id = post_contest()
    enter(task_id, workers[0])
    enter(task_id, workers[1])
    pass_deadline(bounty, task_id)
    reveal(task_id, workers[0])
    bounty.award(task_id, [workers[0]], [BPS], {"from": requester})
    with brownie.reverts(reason("NotOpen", AWARDED)):
        reveal(task_id, workers[1])


# ---------------------------------------------------------------------- awarding


def test_awarding_a_single_winner_credits_the_reward_less_the_fee(
    bounty, revealed_contest, requester, workers, treasury
):
    tx = bounty.award(revealed_contest, [workers[1]], [BPS], {"from": requester})
    awarded = tx.events["Awarded"]
    assert (awarded["taskId"], awarded["worker"], awarded["shareBps"]) == (revealed_contest, workers[1], BPS)
    assert (awarded["amount"], awarded["fee"]) == (net_of(REWARD), fee_of(REWARD))
    assert awarded["decidedBy"] == BY_REQUESTER
    assert bounty.task(revealed_contest)["status"] == AWARDED
    assert bounty.entryOf(revealed_contest, workers[1])["owed"] == net_of(REWARD)
    assert bounty.withdrawable(revealed_contest, workers[1]) == net_of(REWARD)
    assert bounty.withdrawable(revealed_contest, workers[0]) == 0
    assert bounty.feesAccrued("0x" + "00" * 20) == fee_of(REWARD)
    assert bounty.balance() == REWARD  # nothing moves until withdrawn


def test_the_winner_withdraws_to_a_recipient_of_their_choice(
    bounty, revealed_contest, requester, workers, outsider
):
    bounty.award(revealed_contest, [workers[1]], [BPS], {"from": requester})
    before = outsider.balance()
    tx = bounty.withdraw(revealed_contest, outsider, {"from": workers[1]})
    assert outsider.balance() - before == net_of(REWARD)
    withdrawn = tx.events["Withdrawn"]
    assert (withdrawn["worker"], withdrawn["to"], withdrawn["amount"]) == (
        workers[1],
        outsider,
        net_of(REWARD),
    )
    assert bounty.balance() == fee_of(REWARD)
    with brownie.reverts(reason("NothingToWithdraw")):
        bounty.withdraw(revealed_contest, outsider, {"from": workers[1]})


def test_shares_are_rounded_down_and_the_last_winner_takes_the_rest(
    bounty, post_contest, enter, reveal, requester, workers
):
    reward = 10**6 + 7
    task_id = post_contest(reward=reward)
    for worker in workers[:3]:
        enter(task_id, worker)
    pass_deadline(bounty, task_id)
    for worker in workers[:3]:
        reveal(task_id, worker)
    shares = [3333, 3333, 3334]
    tx = bounty.award(task_id, list(workers[:3]), shares, {"from": requester})
    gross = [reward * 3333 // BPS, reward * 3333 // BPS]
    gross.append(reward - sum(gross))
    for event, share, amount in zip(tx.events["Awarded"], shares, gross, strict=True):
        assert event["shareBps"] == share
        assert (event["amount"], event["fee"]) == (net_of(amount), fee_of(amount))
    assert sum(e["amount"] + e["fee"] for e in tx.events["Awarded"]) == reward
    assert bounty.feesAccrued("0x" + "00" * 20) == sum(fee_of(amount) for amount in gross)
    # what each was paid, gross, the last with the rounding remainder
    assert [bounty.grossPaid(task_id, w) for w in workers[:3]] == gross
    assert [bounty.entryOf(task_id, w)["remainder"] for w in workers[:3]] == [
        0,
        0,
        gross[2] - reward * 3334 // BPS,
    ]


def test_only_the_requester_can_award(bounty, revealed_contest, requester, workers, outsider):
    with brownie.reverts(reason("NotRequester", outsider.address, requester.address)):
        bounty.award(revealed_contest, [workers[0]], [BPS], {"from": outsider})


def test_awards_close_when_the_review_period_ends(bounty, revealed_contest, requester, workers):
    end = review_end_of(bounty, revealed_contest)
    next_block_at(end)
    with brownie.reverts(reason("ReviewPeriodOver", end)):
        bounty.award(revealed_contest, [workers[0]], [BPS], {"from": requester})


def test_the_last_second_of_review_still_takes_an_award(bounty, revealed_contest, requester, workers):
    next_block_at(review_end_of(bounty, revealed_contest) - 1)
    bounty.award(revealed_contest, [workers[0]], [BPS], {"from": requester})


@pytest.mark.parametrize("count", [0, 51])
def test_the_number_of_winners_is_bounded(bounty, revealed_contest, requester, workers, count):
    winners = [workers[0]] * count
    with brownie.reverts(reason("WinnerCountOutOfRange", count, 50)):
        bounty.award(revealed_contest, winners, [1] * count, {"from": requester})


def test_each_winner_needs_a_share(bounty, revealed_contest, requester, workers):
    with brownie.reverts(reason("SharesDoNotMatchWinners", 2, 1)):
        bounty.award(revealed_contest, workers[:2], [BPS], {"from": requester})


def test_a_zero_share_is_refused(bounty, revealed_contest, requester, workers):
    with brownie.reverts(reason("ShareIsZero", workers[1].address)):
        bounty.award(revealed_contest, workers[:2], [BPS, 0], {"from": requester})


@pytest.mark.parametrize("shares", [[5000, 4999], [5000, 5001]])
def test_shares_must_sum_to_the_whole_reward(bounty, revealed_contest, requester, workers, shares):
    with brownie.reverts(reason("SharesMustSumTo100Percent", sum(shares))):
        bounty.award(revealed_contest, workers[:2], shares, {"from": requester})


def test_winners_must_be_revealed_entries(bounty, revealed_contest, requester, workers):
    # workers[3] never entered
    with brownie.reverts(reason("WinnerNotRevealed", workers[3].address)):
        bounty.award(revealed_contest, [workers[3]], [BPS], {"from": requester})


def test_an_unrevealed_entry_cannot_win(bounty, post_contest, enter, reveal, requester, workers):
    task_id = post_contest()
    enter(task_id, workers[0])
    enter(task_id, workers[1])
    pass_deadline(bounty, task_id)
    reveal(task_id, workers[0])
    with brownie.reverts(reason("WinnerNotRevealed", workers[1].address)):
        bounty.award(task_id, [workers[1]], [BPS], {"from": requester})


def test_a_winner_is_named_once(bounty, revealed_contest, requester, workers):
    with brownie.reverts(reason("DuplicateWinner", workers[0].address)):
        bounty.award(revealed_contest, [workers[0], workers[0]], [5000, 5000], {"from": requester})
    with brownie.reverts(reason("DuplicateWinner", workers[0].address)):
        bounty.award(
            revealed_contest, [workers[0], workers[1], workers[0]], [3000, 3000, 4000], {"from": requester}
        )


def test_a_contest_is_awarded_once(bounty, revealed_contest, requester, workers):
    bounty.award(revealed_contest, [workers[0]], [BPS], {"from": requester})
    with brownie.reverts(reason("NotOpen", AWARDED)):
        bounty.award(revealed_contest, [workers[1]], [BPS], {"from": requester})


def test_awarding_a_micro_task_is_refused(bounty, post_micro, requester, workers):
    task_id = post_micro()
    with brownie.reverts(reason("NotAContest", task_id)):
        bounty.award(task_id, [workers[0]], [BPS], {"from": requester})


# ---------------------------------------------------------------------- the default split


def test_without_a_decision_anyone_splits_the_reward_among_revealed_entries(
    bounty, revealed_contest, outsider, workers
):
    pass_review(bounty, revealed_contest)
    tx = bounty.splitByDefault(revealed_contest, {"from": outsider})
    split = tx.events["ContestSplitByDefault"]
    assert (split["recipients"], split["share"], split["verifiedOnly"]) == (3, REWARD // 3, False)
    assert bounty.task(revealed_contest)["status"] == SPLIT_BY_DEFAULT
    share = REWARD // 3
    first = REWARD - 2 * share
    assert bounty.withdrawable(revealed_contest, workers[0]) == net_of(first)
    paid = []
    for worker in workers[:3]:
        before = worker.balance()
        tx = bounty.withdraw(revealed_contest, worker, {"from": worker})
        credited = tx.events["DefaultShareCredited"]
        paid.append(credited["amount"] + credited["fee"])
        assert worker.balance() - before == credited["amount"]
    # rounded down for each; the first to collect takes the remainder, so the reward is paid out exactly
    assert paid == [first, share, share]
    assert sum(paid) == REWARD
    assert bounty.balance() == bounty.feesAccrued("0x" + "00" * 20) == sum(fee_of(p) for p in paid)
    with brownie.reverts(reason("NothingToWithdraw")):
        bounty.withdraw(revealed_contest, workers[0], {"from": workers[0]})


def test_the_default_split_goes_to_verified_entries_only_when_there_are_some(
    bounty, reputation, post_contest, enter, reveal, workers, outsider
):
    task_id = post_contest()
    for worker in workers[:4]:
        enter(task_id, worker)
    reputation.setVerified(workers[1], 0)
    reputation.setVerified(workers[3], 0)
    pass_deadline(bounty, task_id)
    for worker in workers[:4]:
        reveal(task_id, worker)
    pass_review(bounty, task_id)
    split = bounty.splitByDefault(task_id, {"from": outsider}).events["ContestSplitByDefault"]
    assert (split["recipients"], split["share"], split["verifiedOnly"]) == (2, REWARD // 2, True)
    for worker in (workers[0], workers[2]):
        assert bounty.withdrawable(task_id, worker) == 0
        with brownie.reverts(reason("NothingToWithdraw")):
            bounty.withdraw(task_id, worker, {"from": worker})
    paid = [
        bounty.withdraw(task_id, w, {"from": w}).events["DefaultShareCredited"]
        for w in (workers[3], workers[1])
    ]
    assert sum(credit["amount"] + credit["fee"] for credit in paid) == REWARD
    assert bounty.balance() == bounty.feesAccrued(ETH)


def test_nine_unverified_junk_entries_cannot_dilute_a_verified_entry_when_the_requester_is_silent(
    bounty, reputation, post_contest, enter, reveal, workers, outsider
):
    """The issue's attack on a late requester: 9 entries from accounts without an identity attestation and one
    honest verified entry; before, the default split paid the honest entry a tenth of the reward."""
    reward = 10 * REWARD
    task_id = post_contest(reward=reward)
    honest, junk = workers[0], fresh_accounts(9)
    reputation.setVerified(honest, 0)
    for worker in [honest, *junk]:
        enter(task_id, worker)
    pass_deadline(bounty, task_id)
    for worker in [honest, *junk]:
        reveal(task_id, worker)
    pass_review(bounty, task_id)
    split = bounty.splitByDefault(task_id, {"from": outsider}).events["ContestSplitByDefault"]
    assert (split["recipients"], split["share"], split["verifiedOnly"]) == (1, reward, True)
    before = honest.balance()
    bounty.withdraw(task_id, honest, {"from": honest})
    assert honest.balance() - before == net_of(reward)
    for worker in junk:
        assert bounty.withdrawable(task_id, worker) == 0
    assert bounty.balance() == fee_of(reward)


def test_when_no_entry_is_verified_the_default_split_goes_to_every_revealed_entry(
    bounty, revealed_contest, workers, outsider
):
    """The residual case PROTOCOL.md names: without any verified entry, fakes do dilute the default."""
    pass_review(bounty, revealed_contest)
    split = bounty.splitByDefault(revealed_contest, {"from": outsider}).events["ContestSplitByDefault"]
    assert (split["recipients"], split["verifiedOnly"]) == (3, False)
    assert all(bounty.withdrawable(revealed_contest, w) > 0 for w in workers[:3])


def test_an_unrevealed_entry_takes_no_share_of_the_default(bounty, post_contest, enter, reveal, workers):
    task_id = post_contest()
    enter(task_id, workers[0])
    enter(task_id, workers[1])
    pass_deadline(bounty, task_id)
    reveal(task_id, workers[0])
    pass_review(bounty, task_id)
    bounty.splitByDefault(task_id, {"from": workers[1]})
    assert bounty.withdrawable(task_id, workers[1]) == 0
    with brownie.reverts(reason("NothingToWithdraw")):
        bounty.withdraw(task_id, workers[1], {"from": workers[1]})
    tx = bounty.withdraw(task_id, workers[0], {"from": workers[0]})
    assert tx.events["Withdrawn"]["amount"] == net_of(REWARD)


def test_the_default_waits_for_the_review_period(bounty, revealed_contest, outsider):
    end = review_end_of(bounty, revealed_contest)
    next_block_at(end - 1)
    with brownie.reverts(reason("ReviewStillRunning", end)):
        bounty.splitByDefault(revealed_contest, {"from": outsider})
    next_block_at(end)
    bounty.splitByDefault(revealed_contest, {"from": outsider})


def test_no_default_without_revealed_entries(bounty, post_contest, enter, workers):
    task_id = post_contest()
    enter(task_id, workers[0])
    pass_review(bounty, task_id)
    with brownie.reverts(reason("NoRevealedEntries")):
        bounty.splitByDefault(task_id, {"from": workers[0]})


def test_no_default_after_an_award(bounty, revealed_contest, requester, workers):
    bounty.award(revealed_contest, [workers[0]], [BPS], {"from": requester})
    pass_review(bounty, revealed_contest)
    with brownie.reverts(reason("NotOpen", AWARDED)):
        bounty.splitByDefault(revealed_contest, {"from": workers[1]})


def test_a_default_share_collected_is_what_the_worker_was_paid(bounty, post_contest, enter, reveal, workers):
    reward = 10**6 + 2
    task_id = post_contest(reward=reward)
    for worker in workers[:3]:
        enter(task_id, worker)
    pass_deadline(bounty, task_id)
    for worker in workers[:3]:
        reveal(task_id, worker)
    pass_review(bounty, task_id)
    bounty.splitByDefault(task_id, {"from": workers[0]})
    assert bounty.grossPaid(task_id, workers[2]) == 0  # credited only when collected
    bounty.withdraw(task_id, workers[2], {"from": workers[2]})
    bounty.withdraw(task_id, workers[0], {"from": workers[0]})
    assert bounty.grossPaid(task_id, workers[2]) == reward - 2 * (reward // 3)  # the first collector's
    assert bounty.grossPaid(task_id, workers[0]) == reward // 3
    assert bounty.entryOf(task_id, workers[2])["remainder"] == reward - 3 * (reward // 3)


def test_the_default_happens_once(bounty, revealed_contest, outsider):
    pass_review(bounty, revealed_contest)
    bounty.splitByDefault(revealed_contest, {"from": outsider})
    with brownie.reverts(reason("NotOpen", SPLIT_BY_DEFAULT)):
        bounty.splitByDefault(revealed_contest, {"from": outsider})


# ---------------------------------------------------------------------- reclaiming


def test_without_entries_the_requester_reclaims_from_the_deadline(bounty, post_contest, requester, outsider):
    task_id = post_contest()
    deadline = deadline_of(bounty, task_id)
    next_block_at(deadline - 1)
    with brownie.reverts(reason("TooEarlyToReclaim", deadline)):
        bounty.reclaim(task_id, requester, {"from": requester})
    next_block_at(deadline)
    before = outsider.balance()
    tx = bounty.reclaim(task_id, outsider, {"from": requester})
    assert outsider.balance() - before == REWARD
    reclaimed = tx.events["RewardReclaimed"]
    assert (reclaimed["requester"], reclaimed["to"], reclaimed["amount"]) == (requester, outsider, REWARD)
    assert reclaimed["placesReclaimed"] == 0
    assert bounty.task(task_id)["status"] == RECLAIMED
    assert bounty.balance() == 0
    with brownie.reverts(reason("NotOpen", RECLAIMED)):
        bounty.reclaim(task_id, requester, {"from": requester})


def test_with_unrevealed_entries_the_requester_reclaims_after_the_review_period(
    bounty, post_contest, enter, requester, workers
):
    task_id = post_contest()
    enter(task_id, workers[0])
    end = review_end_of(bounty, task_id)
    pass_deadline(bounty, task_id)
    with brownie.reverts(reason("TooEarlyToReclaim", end)):
        bounty.reclaim(task_id, requester, {"from": requester})
    next_block_at(end)
    bounty.reclaim(task_id, requester, {"from": requester})
    assert bounty.balance() == 0


def test_once_an_entry_is_revealed_the_requester_cannot_take_the_reward_back(
    bounty, revealed_contest, requester
):
    for moment in (None, "after review"):
        if moment:
            pass_review(bounty, revealed_contest)
        with brownie.reverts(reason("EntriesRevealed", 3)):
            bounty.reclaim(revealed_contest, requester, {"from": requester})
    assert bounty.balance() == REWARD


def test_only_the_requester_reclaims(bounty, post_contest, requester, outsider):
    task_id = post_contest()
    pass_deadline(bounty, task_id)
    with brownie.reverts(reason("NotRequester", outsider.address, requester.address)):
        bounty.reclaim(task_id, outsider, {"from": outsider})


def test_a_reclaim_needs_a_recipient(bounty, post_contest, requester):
    task_id = post_contest()
    pass_deadline(bounty, task_id)
    with brownie.reverts(reason("ZeroAddress")):
        bounty.reclaim(task_id, "0x" + "00" * 20, {"from": requester})


def test_reclaiming_a_task_that_does_not_exist_is_refused(bounty, requester):
    with brownie.reverts(reason("TaskNotFound", 3)):
        bounty.reclaim(3, requester, {"from": requester})


def test_no_award_after_a_reclaim(bounty, post_contest, enter, requester, workers):
    task_id = post_contest()
    enter(task_id, workers[0])
    pass_review(bounty, task_id)
    bounty.reclaim(task_id, requester, {"from": requester})
    with brownie.reverts(reason("NotOpen", RECLAIMED)):
        bounty.splitByDefault(task_id, {"from": workers[0]})


# ---------------------------------------------------------------------- withdrawing


def test_a_withdrawal_needs_a_recipient(bounty, revealed_contest, requester, workers):
    bounty.award(revealed_contest, [workers[0]], [BPS], {"from": requester})
    with brownie.reverts(reason("ZeroAddress")):
        bounty.withdraw(revealed_contest, "0x" + "00" * 20, {"from": workers[0]})


def test_withdrawing_from_a_task_that_does_not_exist_is_refused(bounty, workers):
    with brownie.reverts(reason("TaskNotFound", 4)):
        bounty.withdraw(4, workers[0], {"from": workers[0]})


def test_a_loser_has_nothing_to_withdraw(bounty, revealed_contest, requester, workers):
    bounty.award(revealed_contest, [workers[0]], [BPS], {"from": requester})
    with brownie.reverts(reason("NothingToWithdraw")):
        bounty.withdraw(revealed_contest, workers[1], {"from": workers[1]})


def test_a_token_contest_pays_in_the_token(bounty, usd, requester, workers, enter, reveal):
    task_id = bounty.postContest(task_params(token=usd.address), REWARD, {"from": requester}).return_value
    enter(task_id, workers[0])
    pass_deadline(bounty, task_id)
    reveal(task_id, workers[0])
    bounty.award(task_id, [workers[0]], [BPS], {"from": requester})
    bounty.withdraw(task_id, workers[0], {"from": workers[0]})
    assert usd.balanceOf(workers[0]) == net_of(REWARD)
    assert usd.balanceOf(bounty) == bounty.feesAccrued(usd) == fee_of(REWARD)
    assert plain(bounty.contest(task_id)) == (REWARD, 1, 1, 0, 0)


def test_a_reward_smaller_than_the_entries_goes_whole_to_the_first_collector(
    bounty, post_contest, enter, reveal, workers, outsider
):
    """Each share rounds down to 0; the workers with nothing to collect never collect, and the reward must not
    wait for them."""
    task_id = post_contest(reward=2)
    for worker in workers[:3]:
        enter(task_id, worker)
    pass_deadline(bounty, task_id)
    for worker in workers[:3]:
        reveal(task_id, worker)
    pass_review(bounty, task_id)
    bounty.splitByDefault(task_id, {"from": outsider})
    tx = bounty.withdraw(task_id, workers[2], {"from": workers[2]})
    credited = tx.events["DefaultShareCredited"]
    assert credited["amount"] + credited["fee"] == 2
    for worker in workers[:2]:
        with brownie.reverts(reason("NothingToWithdraw")):
            bounty.withdraw(task_id, worker, {"from": worker})
