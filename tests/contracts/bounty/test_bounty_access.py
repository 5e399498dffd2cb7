"""Who may work on a task: anyone, or any combination of a minimum Worker score, an invite list (a Merkle root
over the invited addresses, a proof passed on submit or take) and a verified identity."""

import brownie
import pytest
from brownie import accounts

from tests.contracts.bounty.conftest import (
    ACCESS_INVITED,
    ACCESS_MIN_SCORE,
    ACCESS_VERIFIED,
    DAY,
    ROLE_WORKER,
    WAD,
    invite_tree,
    now,
    reason,
)

COMMITMENT = b"\x05" * 32


@pytest.fixture(scope="module")
def registrar(owner, reputation):
    """An account registered as a reputation module (to give workers scores directly) and as an attester;
    scores do not fade here, so the thresholds compare exact values."""
    account = accounts[8]
    reputation.setModule(account, True, {"from": owner})
    reputation.setAttester(account, True, {"from": owner})
    reputation.setHalfLife(0, {"from": owner})
    return account


def give_score(reputation, registrar, worker, points):
    reputation.record(worker, ROLE_WORKER, points, b"test".ljust(32, b"\x00"), 0, {"from": registrar})


def test_a_public_task_takes_anyone(bounty, post_contest, post_micro, workers):
    contest = post_contest()
    micro = post_micro()
    bounty.submit(contest, COMMITMENT, [], {"from": workers[0]})
    bounty.take(micro, 0, [], {"from": workers[0]})


# ---------------------------------------------------------------------- minimum Worker score


def test_a_worker_below_the_minimum_score_is_refused(bounty, post_contest, reputation, registrar, workers):
    task_id = post_contest(rules=ACCESS_MIN_SCORE, min_score=5 * WAD)
    with brownie.reverts(reason("WorkerScoreTooLow", 0, 5 * WAD)):
        bounty.submit(task_id, COMMITMENT, [], {"from": workers[0]})
    give_score(reputation, registrar, workers[0], 10 * WAD)
    bounty.submit(task_id, COMMITMENT, [], {"from": workers[0]})


def test_the_score_rule_guards_places_too(bounty, post_micro, reputation, registrar, workers):
    task_id = post_micro(rules=ACCESS_MIN_SCORE, min_score=WAD)
    with brownie.reverts(reason("WorkerScoreTooLow", 0, WAD)):
        bounty.take(task_id, 0, [], {"from": workers[1]})
    give_score(reputation, registrar, workers[1], 2 * WAD)
    bounty.take(task_id, 0, [], {"from": workers[1]})


def test_a_negative_minimum_admits_newcomers_but_not_the_badly_rated(
    bounty, post_contest, reputation, registrar, workers
):
    task_id = post_contest(rules=ACCESS_MIN_SCORE, min_score=-WAD)
    bounty.submit(task_id, COMMITMENT, [], {"from": workers[0]})
    give_score(reputation, registrar, workers[1], -3 * WAD)
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


def test_only_workers_verified_at_the_level_enter(bounty, post_contest, reputation, registrar, workers):
    task_id = post_contest(rules=ACCESS_VERIFIED, min_level=2)
    with brownie.reverts(reason("NotVerified", workers[0].address, 2)):
        bounty.submit(task_id, COMMITMENT, [], {"from": workers[0]})
    reputation.attest(workers[0], 1, now() + 30 * DAY, {"from": registrar})
    with brownie.reverts(reason("NotVerified", workers[0].address, 2)):
        bounty.submit(task_id, COMMITMENT, [], {"from": workers[0]})
    reputation.attest(workers[0], 2, now() + 30 * DAY, {"from": registrar})
    bounty.submit(task_id, COMMITMENT, [], {"from": workers[0]})


def test_an_expired_verification_does_not_count(bounty, post_micro, reputation, registrar, workers):
    task_id = post_micro(rules=ACCESS_VERIFIED, min_level=1)
    reputation.attest(workers[0], 3, now() + 60, {"from": registrar})
    bounty.take(task_id, 0, [], {"from": workers[0]})
    brownie.chain.sleep(120)
    with brownie.reverts(reason("NotVerified", workers[0].address, 1)):
        bounty.take(task_id, 1, [], {"from": workers[0]})


# ---------------------------------------------------------------------- combinations


def test_every_rule_that_is_on_must_hold(bounty, post_contest, reputation, registrar, workers):
    qualified, unverified, uninvited, unscored = workers[:4]
    root, proof_of = invite_tree([qualified, unverified, unscored])
    task_id = post_contest(
        rules=ACCESS_MIN_SCORE | ACCESS_INVITED | ACCESS_VERIFIED,
        min_score=WAD,
        invite_root=root,
        min_level=1,
    )
    for worker in (qualified, uninvited, unscored):
        reputation.attest(worker, 1, now() + 30 * DAY, {"from": registrar})
    for worker in (qualified, unverified, uninvited):
        give_score(reputation, registrar, worker, 2 * WAD)
    bounty.submit(task_id, COMMITMENT, proof_of(qualified), {"from": qualified})
    with brownie.reverts(reason("NotVerified", unverified.address, 1)):
        bounty.submit(task_id, COMMITMENT, proof_of(unverified), {"from": unverified})
    with brownie.reverts(reason("NotInvited", uninvited.address)):
        bounty.submit(task_id, COMMITMENT, proof_of(qualified), {"from": uninvited})
    with brownie.reverts(reason("WorkerScoreTooLow", 0, WAD)):
        bounty.submit(task_id, COMMITMENT, proof_of(unscored), {"from": unscored})
    assert bounty.contest(task_id)["entryCount"] == 1
