"""Requesters, workers and reviewers from the command line: post from a file (with an invite list), take a
place with a Merkle proof, submit, approve or reject, enter and reveal with the kept secret, award (four eyes
with a co-reviewer), the defaults, withdraw, reclaim and rate."""

import json
import shutil

import pytest

from crowdledger.wallet.merkle import InviteTree
from tests.cli.conftest import DAY, ROOT, WAD, enter_directly, post_contest, reveal_directly


@pytest.fixture
def micro_task_file(world):
    """examples/micro-task.json with an invite list naming `worker` and `worker2`."""
    shutil.copy(ROOT / "examples" / "micro-task.json", world.home / "micro-task.json")
    (world.home / "invites.txt").write_text(
        f"# invited\n{world.addresses['worker']}\n{world.addresses['worker2']}\n"
    )
    return world.home / "micro-task.json"


@pytest.fixture
def micro_task(world, micro_task_file):
    out = world.ok("post", micro_task_file, "--account", "creator")
    return int(out.split("Posted task ")[1].split(",")[0])


def submit_directly(world, task, place, worker="worker"):
    """Take `place` and submit work for it without the command line (both are tested on their own)."""
    bounty = world.contracts["Bounty"]
    proof = InviteTree.of([world.addresses["worker"], world.addresses["worker2"]]).proof(
        world.addresses[worker]
    )
    world.transact(bounty, "take", task, place, proof, sender=worker)
    world.transact(bounty, "submitWork", task, place, b"\x09" * 32, sender=worker)


def deliverable(world, name="work.txt", text="the work"):
    path = world.home / name
    path.write_text(text)
    return path


def test_post_a_contest_from_the_example_file_escrows_the_reward(world):
    bounty = world.contracts["Bounty"]
    before = world.balance(bounty.address)
    out = world.ok("post", ROOT / "examples" / "contest.json", "--account", "creator")
    assert "a contest: 1.5 ETH escrowed" in out
    assert world.balance(bounty.address) == before + 3 * WAD // 2


def test_post_a_token_contest_approves_the_escrow_first(world):
    spec = json.loads((ROOT / "examples" / "contest.json").read_text())
    spec.update(token=world.token.address, reward="300")
    path = world.home / "token-contest.json"
    path.write_text(json.dumps(spec))
    out = world.ok("post", path, "--account", "creator")
    assert "Approving" in out and "a contest: 300 DUSD escrowed" in out


@pytest.mark.parametrize(
    "change, complaint",
    [
        ({"arbiter": "nobody"}, "arbiter must be an address (0x and 40 hex digits), got 'nobody'"),
        (
            {"arbiter": "0x" + "ab" * 20, "co_reviewer": "0x" + "ab" * 20},
            "someone other than the co_reviewer",
        ),
        ({"review_days": 0}, "review_days must be more than 0"),
    ],
)
def test_a_task_file_with_a_mistake_says_what_to_fix(world, change, complaint):
    spec = json.loads((ROOT / "examples" / "contest.json").read_text())
    spec.update(change)
    path = world.home / "bad-task.json"
    path.write_text(json.dumps(spec))
    assert complaint in world.refused("post", path, "--account", "creator")


def test_a_task_file_naming_the_requester_as_arbiter_is_refused_by_the_contract(world):
    spec = json.loads((ROOT / "examples" / "contest.json").read_text())
    spec["arbiter"] = world.addresses["creator"]
    path = world.home / "self-arbiter.json"
    path.write_text(json.dumps(spec))
    line = world.refused("post", path, "--account", "creator")
    assert "ArbiterIsRequester: the arbiter must be someone other than the requester" in line


def test_an_invite_only_micro_task_puts_the_lists_merkle_root_on_chain(world, micro_task):
    access = world.contracts["Bounty"].functions.accessOf(micro_task).call()
    expected = InviteTree.of([world.addresses["worker"], world.addresses["worker2"]]).root
    assert access[1] == expected


def test_an_invite_list_of_the_requester_alone_is_refused_before_posting(world, micro_task_file):
    """The contract lets no reviewer of a task work on it: such a list posted a task nobody could take, its
    reward locked until the deadline."""
    (world.home / "invites.txt").write_text(f"{world.addresses['creator']}\n")
    nonce = world.nonce("creator")
    line = world.refused("post", micro_task_file, "--account", "creator")
    assert "the invite list names only you and the task's reviewers" in line
    assert world.nonce("creator") == nonce
    (world.home / "invites.txt").write_text("0x" + "00" * 20 + "\n")
    assert "the invite list names the zero address" in world.refused(
        "post", micro_task_file, "--account", "creator"
    )


def test_an_invited_worker_takes_a_place_with_the_list_and_others_are_refused(world, micro_task):
    invites = world.home / "invites.txt"
    out = world.ok("take", micro_task, "--invites", invites, "--account", "worker")
    assert f"Took place 0 of task {micro_task}" in out
    assert "NotInvited: " in world.refused("take", micro_task, "--account", "worker2")  # no list given
    assert "is not on the invite list" in world.refused(
        "take", micro_task, "--invites", invites, "--account", "backer"
    )


def test_submitted_work_records_the_deliverables_hash(world, micro_task):
    world.ok("take", micro_task, 2, "--invites", world.home / "invites.txt", "--account", "worker")
    out = world.ok("submit-work", micro_task, 2, deliverable(world), "--account", "worker")
    assert f"Submitted work for place 2 of task {micro_task}; the review ends " in out
    assert world.contracts["Bounty"].functions.placeOf(micro_task, 2).call()[2] == 2  # Submitted


def test_approved_work_pays_the_worker_less_the_fee(world, micro_task):
    submit_directly(world, micro_task, 3)
    out = world.ok("approve", micro_task, 3, "--account", "creator")
    assert f"Approved place 3 of task {micro_task}: 0.04875 ETH to {world.addresses['worker']}" in out
    before = world.balance("worker2")
    out = world.ok("withdraw", micro_task, "--to", world.addresses["worker2"], "--account", "worker")
    assert world.balance("worker2") == before + 4875 * 10**13
    assert "NothingToWithdraw: " in world.refused("withdraw", micro_task, "--account", "worker")
    assert "Rated" in world.ok("rate", "task", micro_task, 5, "--account", "worker")  # the requester
    rated = world.ok(
        "rate", "task", micro_task, 4, "--subject", world.addresses["worker"], "--account", "creator"
    )
    assert f"Rated {world.addresses['worker']} 4 stars" in rated


def test_rejected_work_reopens_the_place(world, micro_task):
    submit_directly(world, micro_task, 0)
    assert "the place is open again" in world.ok("reject", micro_task, 0, "--account", "creator")
    assert "PlaceNotSubmitted: place 0 of task" in world.refused(
        "approve", micro_task, 0, "--account", "creator"
    )


def test_work_left_unreviewed_is_approved_by_default_after_the_review_period(world, micro_task):
    submit_directly(world, micro_task, 1)
    assert "ReviewStillRunning: " in world.refused("approve-by-default", micro_task, 1, "--account", "backer")
    world.travel(3 * DAY)
    assert "Approved place 1" in world.ok("approve-by-default", micro_task, 1, "--account", "backer")


def test_enter_keeps_the_secret_where_it_says_and_reveal_finds_it_after_the_deadline(world):
    contest = post_contest(world)
    out = world.ok("enter", contest, deliverable(world), "--uri", "ipfs://entry", "--account", "worker")
    kept = out.split("Kept the entry's secret in ")[1].splitlines()[0]
    assert kept.startswith(str(world.entries)) and json.loads(open(kept).read())["entries"][0]["salt"]
    assert f"crowdledger reveal {contest} --account worker" in out
    assert "RevealNotOpenYet: entries of task" in world.refused("reveal", contest, "--account", "worker")
    world.travel(3 * DAY + 60)
    out = world.ok("reveal", contest, "--account", "worker")
    assert f"Revealed the entry of {world.addresses['worker']} in task {contest}: ipfs://entry" in out
    out = world.ok("award", contest, world.addresses["worker"], "--account", "creator")
    assert f"Awarded 100% of task {contest} to {world.addresses['worker']}: 0.975 ETH to withdraw" in out
    assert "Withdrew 0.975 ETH" in world.ok("withdraw", contest, "--account", "worker")


def test_reveal_without_the_kept_secret_says_where_it_looked(world):
    contest = post_contest(world)
    world.ok("enter", contest, deliverable(world), "--uri", "ipfs://entry", "--account", "worker")
    world.travel(3 * DAY + 60)
    line = world.refused(
        "reveal", contest, "--account", "worker", CROWDLEDGER_ENTRIES_DIR=str(world.home / "empty")
    )
    assert "no entry secret at " in line and "empty" in line


def test_with_a_co_reviewer_the_award_waits_for_the_co_reviewers_confirmation(world):
    contest = post_contest(world, co_reviewer=world.addresses["reviewer"])
    for worker in ("worker", "worker2"):
        world.ok(
            "enter",
            contest,
            deliverable(world, text=worker),
            "--uri",
            f"ipfs://{worker}",
            "--account",
            worker,
        )
    world.travel(3 * DAY + 60)
    for worker in ("worker", "worker2"):
        world.ok("reveal", contest, "--account", worker)
    winners = (f"{world.addresses['worker']}=60", f"{world.addresses['worker2']}=40")
    out = world.ok("award", contest, *winners, "--account", "creator")
    assert "the co-reviewer confirms it, or it stands from " in out and "Awarded" not in out
    out = world.ok("co-review", "confirm", contest, "--account", "reviewer")
    assert f"Awarded 60% of task {contest}" in out and f"Awarded 40% of task {contest}" in out
    assert "decided by the requester and the co-reviewer" in out


def test_an_award_whose_shares_miss_100_percent_is_refused(world):
    contest = post_contest(world)
    salt = enter_directly(world, contest, "worker")
    world.travel(3 * DAY + 60)
    reveal_directly(world, contest, "worker", salt)
    line = world.refused("award", contest, f"{world.addresses['worker']}=90", "--account", "creator")
    assert "SharesMustSumTo100Percent: the shares add up to 90%" in line


def test_a_contest_nobody_awarded_is_split_by_default(world):
    contest = post_contest(world)
    salt = enter_directly(world, contest, "worker")
    world.travel(3 * DAY + 60)
    reveal_directly(world, contest, "worker", salt)
    world.travel(2 * DAY)
    assert "Split task" in world.ok("split-by-default", contest, "--account", "backer")
    assert "Withdrew 0.975 ETH" in world.ok("withdraw", contest, "--account", "worker")


def test_the_requester_reclaims_a_contest_nobody_entered_after_its_deadline(world):
    contest = post_contest(world)
    assert "TooEarlyToReclaim: " in world.refused("reclaim", contest, "--account", "creator")
    world.travel(3 * DAY + 60)
    assert f"Reclaimed 1 ETH from task {contest}" in world.ok("reclaim", contest, "--account", "creator")
    assert "NotRequester: " in world.refused("reclaim", contest, "--account", "worker")
