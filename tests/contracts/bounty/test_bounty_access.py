"""Who may work on a task: anyone but its reviewers, or any combination of a minimum Worker score, an invite
list (a Merkle root over the invited addresses, a proof passed on submit or take) and a verified identity. The
ledger's answers come from the MockReputation, set by each test."""

import brownie

from tests.contracts.bounty.conftest import (
    ACCESS_INVITED,
    ACCESS_MIN_SCORE,
    ACCESS_VERIFIED,
    ROLE_WORKER,
    WAD,
    invite_tree,
    reason,
)

COMMITMENT = b"\x05" * 32


def give_score(reputation, worker, points):
    reputation.setScore(worker, ROLE_WORKER, points)


def test_a_public_task_takes_anyone(bounty, post_contest, post_micro, workers):
    contest = post_contest()
    micro = post_micro()
    bounty.submit(contest, COMMITMENT, [], {"from": workers[0]})
    bounty.take(micro, 0, [], {"from": workers[0]})


def test_no_reviewer_of_a_task_can_work_on_it(
    bounty, post_contest, post_micro, requester, co_reviewer, arbiter
):
    reviewers = {"co_reviewer": co_reviewer.address, "arbiter": arbiter.address}
    contest, micro = post_contest(**reviewers), post_micro(**reviewers)
    for reviewer in (requester, co_reviewer, arbiter):
        with brownie.reverts(reason("ReviewersCannotWork", reviewer.address)):
            bounty.submit(contest, COMMITMENT, [], {"from": reviewer})
        with brownie.reverts(reason("ReviewersCannotWork", reviewer.address)):
            bounty.take(micro, 0, [], {"from": reviewer})


def test_the_arbiter_of_one_task_may_work_on_another(bounty, post_contest, arbiter):
    post_contest(arbiter=arbiter.address)
    other = post_contest()
    bounty.submit(other, COMMITMENT, [], {"from": arbiter})


# ---------------------------------------------------------------------- minimum Worker score


def test_a_worker_below_the_minimum_score_is_refused(bounty, post_contest, reputation, workers):
    task_id = post_contest(rules=ACCESS_MIN_SCORE, min_score=5 * WAD)
    with brownie.reverts(reason("WorkerScoreTooLow", 0, 5 * WAD)):
        bounty.submit(task_id, COMMITMENT, [], {"from": workers[0]})
    give_score(reputation, workers[0], 10 * WAD)
    bounty.submit(task_id, COMMITMENT, [], {"from": workers[0]})


def test_the_score_rule_guards_places_too(bounty, post_micro, reputation, workers):
    task_id = post_micro(rules=ACCESS_MIN_SCORE, min_score=WAD)
    with brownie.reverts(reason("WorkerScoreTooLow", 0, WAD)):
        bounty.take(task_id, 0, [], {"from": workers[1]})
    give_score(reputation, workers[1], 2 * WAD)
    bounty.take(task_id, 0, [], {"from": workers[1]})


def test_a_negative_minimum_admits_newcomers_but_not_the_badly_rated(
    bounty, post_contest, reputation, workers
):
    task_id = post_contest(rules=ACCESS_MIN_SCORE, min_score=-WAD)
    bounty.submit(task_id, COMMITMENT, [], {"from": workers[0]})
    give_score(reputation, workers[1], -3 * WAD)
    with brownie.reverts(reason("WorkerScoreTooLow", -3 * WAD, -WAD)):
        bounty.submit(task_id, COMMITMENT, [], {"from": workers[1]})


# ---------------------------------------------------------------------- invite list


def test_only_invited_workers_enter_with_their_proof(bounty, post_contest, workers, outsider):
    invited = [workers[0], workers[1], workers[2]]
    root, proof_of = invite_tree(invited)
    task_id = post_contest(rules=ACCESS_INVITED, invite_root=root)
    for worker in invited:
        bounty.submit(task_id, COMMITMENT, proof_of(worker), {"from": worker})
    with brownie.reverts(reason("NotInvited", outsider.address)):
        bounty.submit(task_id, COMMITMENT, proof_of(workers[0]), {"from": outsider})
    with brownie.reverts(reason("NotInvited", outsider.address)):
        bounty.submit(task_id, COMMITMENT, [], {"from": outsider})


def test_an_invited_worker_needs_their_own_proof(bounty, post_micro, workers):
    invited = [workers[0], workers[1], workers[2], workers[3]]
    root, proof_of = invite_tree(invited)
    task_id = post_micro(rules=ACCESS_INVITED, invite_root=root)
    with brownie.reverts(reason("NotInvited", workers[0].address)):
        bounty.take(task_id, 0, proof_of(workers[2]), {"from": workers[0]})
    bounty.take(task_id, 0, proof_of(workers[0]), {"from": workers[0]})


def test_a_single_invitee_needs_no_proof(bounty, post_contest, workers):
    root, _ = invite_tree([workers[3]])
    task_id = post_contest(rules=ACCESS_INVITED, invite_root=root)
    bounty.submit(task_id, COMMITMENT, [], {"from": workers[3]})
    with brownie.reverts(reason("NotInvited", workers[2].address)):
        bounty.submit(task_id, COMMITMENT, [], {"from": workers[2]})


# ---------------------------------------------------------------------- verified identity


def test_only_workers_verified_at_the_level_enter(bounty, post_contest, reputation, workers):
    task_id = post_contest(rules=ACCESS_VERIFIED, min_level=2)
    with brownie.reverts(reason("NotVerified", workers[0].address, 2)):
        bounty.submit(task_id, COMMITMENT, [], {"from": workers[0]})
    reputation.setVerified(workers[0], 1)
    with brownie.reverts(reason("NotVerified", workers[0].address, 2)):
        bounty.submit(task_id, COMMITMENT, [], {"from": workers[0]})
    reputation.setVerified(workers[0], 2)
    bounty.submit(task_id, COMMITMENT, [], {"from": workers[0]})


def test_a_verification_the_ledger_no_longer_confirms_does_not_count(bounty, post_micro, reputation, workers):
    task_id = post_micro(rules=ACCESS_VERIFIED, min_level=1)
    reputation.setVerified(workers[0], 3)
    bounty.take(task_id, 0, [], {"from": workers[0]})
    reputation.clearVerified(workers[0])  # expired or revoked: the ledger's call
    with brownie.reverts(reason("NotVerified", workers[0].address, 1)):
        bounty.take(task_id, 1, [], {"from": workers[0]})


# ---------------------------------------------------------------------- combinations


def test_every_rule_that_is_on_must_hold(bounty, post_contest, reputation, workers):
    qualified, unverified, uninvited, unscored = workers[:4]
    root, proof_of = invite_tree([qualified, unverified, unscored])
    task_id = post_contest(
        rules=ACCESS_MIN_SCORE | ACCESS_INVITED | ACCESS_VERIFIED,
        min_score=WAD,
        invite_root=root,
        min_level=1,
    )
    for worker in (qualified, uninvited, unscored):
        reputation.setVerified(worker, 1)
    for worker in (qualified, unverified, uninvited):
        give_score(reputation, worker, 2 * WAD)
    bounty.submit(task_id, COMMITMENT, proof_of(qualified), {"from": qualified})
    with brownie.reverts(reason("NotVerified", unverified.address, 1)):
        bounty.submit(task_id, COMMITMENT, proof_of(unverified), {"from": unverified})
    with brownie.reverts(reason("NotInvited", uninvited.address)):
        bounty.submit(task_id, COMMITMENT, proof_of(qualified), {"from": uninvited})
    with brownie.reverts(reason("WorkerScoreTooLow", 0, WAD)):
        bounty.submit(task_id, COMMITMENT, proof_of(unscored), {"from": unscored})
    assert bounty.contest(task_id)["entryCount"] == 1
