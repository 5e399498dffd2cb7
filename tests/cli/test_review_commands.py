"""Reviews after the requester's decision from the command line: the co-reviewer objects and the arbiter
awards, a decision nobody confirmed is carried out once its window ends, a rejected worker appeals and the
arbiter approves, a rejection left standing reopens the place; the co-reviewer and the arbiter never type the
proposed award again (it is read from the chain)."""

import json

import pytest

from tests.cli.conftest import DAY, ROOT, enter_directly, post_contest, reveal_directly

CO_REVIEW_DAYS = 3  # Bounty.CO_REVIEW_WINDOW
APPEAL_DAYS = 3  # Bounty.APPEAL_WINDOW


@pytest.fixture
def awarded_for_review(world):
    """A contest with a co-reviewer and an arbiter, one revealed entry, and the requester's award proposed."""
    contest = post_contest(world, co_reviewer=world.addresses["reviewer"], arbiter=world.addresses["arbiter"])
    salt = enter_directly(world, contest, "worker")
    world.travel(3 * DAY + 60)
    reveal_directly(world, contest, "worker", salt)
    world.ok("award", contest, world.addresses["worker"], "--account", "creator")
    return contest


@pytest.fixture
def arbitrated_micro_task(world):
    """A public micro-task posted from a file naming an arbiter; place 0 taken and submitted by `worker`."""
    spec = json.loads((ROOT / "examples" / "micro-task.json").read_text())
    del spec["access"]
    spec["arbiter"] = world.addresses["arbiter"]
    path = world.home / "arbitrated.json"
    path.write_text(json.dumps(spec))
    out = world.ok("post", path, "--account", "creator")
    task = int(out.split("Posted task ")[1].split(",")[0])
    bounty = world.contracts["Bounty"]
    world.transact(bounty, "take", task, 0, [], sender="worker")
    world.transact(bounty, "submitWork", task, 0, b"\x09" * 32, sender="worker")
    return task


def test_a_task_file_puts_its_arbiter_on_chain(world, arbitrated_micro_task):
    posted = world.contracts["Bounty"].functions.task(arbitrated_micro_task).call()
    assert posted[11] == world.addresses["arbiter"]  # task.arbiter


def test_after_the_co_reviewers_objection_the_arbiter_awards(world, awarded_for_review):
    contest = awarded_for_review
    out = world.ok("co-review", "object", contest, "--account", "reviewer")
    assert "objected to the award proposed for task" in out and "the arbiter may decide until" in out
    line = world.refused("co-review", "confirm", contest, "--account", "reviewer")
    assert "AlreadyObjected: the co-reviewer objected to the decision on the award of task" in line
    out = world.ok("arbitrate", contest, world.addresses["worker"], "--account", "arbiter")
    assert f"Awarded 100% of task {contest}" in out and "decided by the arbiter" in out


def test_only_the_co_reviewer_confirms(world, awarded_for_review):
    line = world.refused("co-review", "confirm", awarded_for_review, "--account", "arbiter")
    assert (
        f"NotCoReviewer: {world.addresses['arbiter']} is not task {awarded_for_review}'s co-reviewer" in line
    )


def test_an_award_nobody_confirmed_is_carried_out_after_the_co_review_window(world, awarded_for_review):
    contest = awarded_for_review
    assert "NotFinalYet: " in world.refused("finalize", contest, "--account", "backer")
    world.travel(CO_REVIEW_DAYS * DAY)
    out = world.ok("finalize", contest, "--account", "backer")
    assert f"Awarded 100% of task {contest}" in out and "decided by the requester" in out


def test_a_rejected_worker_appeals_and_the_arbiter_approves(world, arbitrated_micro_task):
    task = arbitrated_micro_task
    out = world.ok("reject", task, 0, "--account", "creator")
    assert "the worker may appeal to the arbiter until" in out
    out = world.ok("appeal", task, 0, "--account", "worker")
    assert f"appealed the rejection of place 0 of task {task}" in out
    assert "AlreadyAppealed: place 0 of task" in world.refused("appeal", task, 0, "--account", "worker")
    out = world.ok("arbitrate", task, 0, "approve", "--account", "arbiter")
    assert f"Approved place 0 of task {task}" in out and "decided by the arbiter" in out


def test_a_rejection_nobody_appealed_reopens_the_place_once_final(world, arbitrated_micro_task):
    task = arbitrated_micro_task
    world.ok("reject", task, 0, "--account", "creator")
    world.travel(APPEAL_DAYS * DAY + 60)
    line = world.refused("appeal", task, 0, "--account", "worker")
    assert f"AppealWindowOver: the time to appeal the rejection of place 0 of task {task} ended on" in line
    out = world.ok("finalize", task, 0, "--account", "backer")
    assert f"Place 0 of task {task} is open again" in out


def test_arbitrating_a_micro_task_needs_a_place_and_a_verdict(world, arbitrated_micro_task):
    line = world.refused("arbitrate", arbitrated_micro_task, "0", "--account", "arbiter")
    assert "is a micro-task: give PLACE and approve or reject" in line


def test_show_task_names_the_arbiter_and_the_objected_proposal(world, awarded_for_review):
    world.ok("co-review", "object", awarded_for_review, "--account", "reviewer")
    out = world.ok("show", "task", awarded_for_review)
    assert f"arbiter      {world.addresses['arbiter']}" in out
    assert "award        proposed " in out and "; the co-reviewer objected" in out
