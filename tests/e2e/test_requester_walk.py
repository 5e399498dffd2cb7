"""A requester's walk on the task board, with two workers and a co-reviewer, each in their own browser: the
requester posts a contest from the form, both workers commit entries and reveal them after the deadline, the
requester proposes an award (70% / 30%), the co-reviewer confirms it and the first winner withdraws; then a
micro-task posted from the form, a worker takes a place and submits, the requester approves and the
co-reviewer confirms; a micro-task paid in a token (approved first); and two more contests, one whose award
the co-reviewer objects to and the arbiter decides, one whose award stands after the co-reviewer's silence
and is finalized by a bystander; an invite-only micro-task posted and taken with its invite list. In order:
the chain moves on as they go."""

import json
import re
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from brownie import Bounty, accounts, chain, web3
from playwright.sync_api import Browser, Page, expect

from crowdledger.wallet.merkle import InviteTree
from tests.e2e.conftest import DAY, DESKTOP, SCREENS, WALLET_SCRIPT, E, InjectedWallet, World

DONE = "#tx[data-state=done]"
ZONE = "Asia/Shanghai"
FEE_BPS = 250  # the demo deployment's platform fee
ZERO_HASH = "0x" + "00" * 32
ETH = "0x" + "00" * 20
posted: dict[str, int] = {}


@pytest.fixture(scope="module")
def people(browser: Browser, world: World) -> Iterator[dict[str, tuple[Page, object]]]:
    """A page (and its own browser context: a worker's secrets live in its localStorage) per participant."""
    roles = {
        "requester": accounts[3],
        "alice": accounts[4],
        "bob": accounts[5],
        "co-reviewer": accounts[6],
        "arbiter": accounts[7],
    }
    contexts = []
    pages = {}
    for role, account in roles.items():
        wallet = InjectedWallet(str(web3.provider.endpoint_uri), account.address)
        context = browser.new_context(
            viewport=DESKTOP, locale="en-US", timezone_id=ZONE, accept_downloads=True
        )
        context.expose_function("__testWallet", wallet.handle)
        context.add_init_script(WALLET_SCRIPT)
        contexts.append(context)
        pages[role] = (context.new_page(), account)
    yield pages
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def bounty(world: World):
    return Bounty.at(world.deployment["contracts"]["Bounty"]["address"])


def local(timestamp: int) -> str:
    """A chain time as a datetime-local field wants it, in the browser's time zone."""
    return datetime.fromtimestamp(timestamp, ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M")


def open_page(page: Page, world: World, path: str) -> None:
    page.goto(f"{world.base_url}{path}{'&' if '?' in path else '?'}lang=en")
    expect(page.locator("body[data-wallet=ready]")).to_be_attached()


def connect(page: Page) -> None:
    """Connect the wallet, as a person does before acting in a role: the page offers a role's forms (the
    co-reviewer's, the arbiter's) only to the account connected in that role."""
    page.click("#connect")
    expect(page.locator("#account")).to_contain_text("0x")


def submit(page: Page, flow: str) -> None:
    page.click(f"form[data-flow={flow}] button[type=submit]")
    expect(page.locator(DONE)).to_be_visible(timeout=20_000)


def post_from_the_form(page: Page, world: World, kind: str, fill: dict[str, str]) -> int:
    open_page(page, world, f"/t/new?kind={kind}")
    page.fill("#p-deadline", local(chain.time() + 2 * DAY))
    page.fill("#p-review", "3")
    page.fill("#p-co-reviewer", accounts[6].address)
    for selector, value in fill.items():
        page.fill(selector, value)
    expect(page.locator("output[name=metadataHash]")).to_have_text(re.compile(r"^0x[0-9a-f]{64}$"))
    page.click("form[data-flow=post-task] button[type=submit]")
    expect(page.locator(DONE)).to_contain_text("is posted", timeout=20_000)
    task_id = int(re.search(r"Task (\d+) is posted", page.locator("#tx").inner_text()).group(1))
    world.wait_indexed()
    return task_id


def test_requester_posts_a_contest_from_the_form(people, world: World, bounty):
    page, requester = people["requester"]
    task_id = post_from_the_form(
        page, world, "contest", {"#p-title": "A logo for the tool library", "#p-reward": "1"}
    )
    posted["contest"] = task_id
    task = bounty.task(task_id)
    assert task["requester"] == requester.address and task["coReviewer"] == accounts[6].address
    assert bounty.contest(task_id)["reward"] == E
    open_page(page, world, f"/t/{task_id}")
    expect(page.locator("h1")).to_have_text("A logo for the tool library")  # the document hashed in the page


def test_a_form_with_a_bad_address_is_refused_before_the_wallet_is_asked(people, world: World):
    page, _ = people["requester"]
    open_page(page, world, "/t/new")
    page.fill("#p-title", "Never posted")
    page.fill("#p-reward", "1")
    page.fill("#p-deadline", local(chain.time() + 2 * DAY))
    page.fill("#p-co-reviewer", "0x1234")
    page.click("form[data-flow=post-task] button[type=submit]")
    expect(page.locator("#tx[data-state=failed]")).to_contain_text("The co-reviewer must be an address")


def test_two_workers_commit_entries_from_the_page(people, world: World, bounty):
    for role, text in (("alice", "A hammer inside a book."), ("bob", "A ladder made of letters.")):
        page, worker = people[role]
        open_page(page, world, f"/t/{posted['contest']}")
        page.fill("#entry-text", text)
        page.fill("#entry-uri", f"ipfs://logo-by-{role}")
        with page.expect_download():
            page.click("form[data-flow=commit-entry] button[type=submit]")
        expect(page.locator(DONE)).to_be_visible(timeout=20_000)
        assert bounty.entryOf(posted["contest"], worker)["commitment"] != ZERO_HASH


def test_both_workers_reveal_after_the_deadline(people, world: World, bounty):
    chain.sleep(2 * DAY + 60)
    chain.mine()
    world.wait_indexed()
    for role in ("alice", "bob"):
        page, worker = people[role]
        open_page(page, world, f"/t/{posted['contest']}")
        submit(page, "reveal-entry")
        assert bounty.entryOf(posted["contest"], worker)["revealed"] is True
    world.wait_indexed()


def test_only_the_requester_is_offered_the_award_form(people, world: World):
    """Anyone else's award would be refused by the contract: the page does not offer it to them."""
    for role in ("requester", "alice", "co-reviewer"):
        page, _ = people[role]
        open_page(page, world, f"/t/{posted['contest']}")
        award = page.locator("form[data-flow=award]")
        expect(award).to_be_visible() if role == "requester" else expect(award).to_be_hidden()


def test_requester_proposes_an_award_among_the_revealed_entries(people, world: World, bounty):
    page, _ = people["requester"]
    open_page(page, world, f"/t/{posted['contest']}")
    shares = page.locator("form[data-flow=award] input[data-worker]")
    expect(shares).to_have_count(2)
    for i in range(2):
        worker = shares.nth(i).get_attribute("data-worker").lower()
        shares.nth(i).fill("70" if worker == accounts[4].address.lower() else "30")
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENS / "walk-contest-award-en-desktop.png", full_page=True)
    submit(page, "award")
    expect(page.locator(DONE)).to_contain_text("The co-reviewer confirms or objects next")
    assert bounty.awardProposal(posted["contest"])["decision"] != ZERO_HASH
    assert bounty.task(posted["contest"])["status"] == 0  # Open: the proposal waits for the co-reviewer


def test_shares_that_do_not_add_up_to_100_are_refused_in_the_page(people, world: World):
    page, _ = people["requester"]
    shares = page.locator("form[data-flow=award] input[data-worker]")
    shares.nth(0).fill("50")
    shares.nth(1).fill("20")
    page.click("form[data-flow=award] button[type=submit]")
    expect(page.locator("#tx[data-state=failed]")).to_contain_text("add up to 100% (now 70%)")


def test_co_reviewer_confirms_the_proposed_award_the_page_shows_from_the_index(people, world: World, bounty):
    world.wait_indexed()  # the page shows the proposal once the index holds it
    page, _ = people["co-reviewer"]
    open_page(page, world, f"/t/{posted['contest']}")
    connect(page)
    proposal = page.locator("form[data-flow=co-review-award] output[data-proposal]")
    alice = accounts[4].address.lower()  # as the index holds addresses
    expect(proposal).to_contain_text(f"{alice[:6]}…{alice[-4:]} 70%")  # what the confirmation carries out
    expect(proposal).to_contain_text("30%")
    submit(page, "co-review-award")
    assert bounty.task(posted["contest"])["status"] == 1  # Awarded
    net = E - E * FEE_BPS // 10_000
    assert bounty.withdrawable(posted["contest"], accounts[4]) == net * 7000 // 10_000
    world.wait_indexed()


def test_the_winner_withdraws_the_award(people, world: World, bounty):
    page, winner = people["alice"]
    owed = bounty.withdrawable(posted["contest"], winner)
    before = winner.balance()
    open_page(page, world, f"/t/{posted['contest']}")
    submit(page, "withdraw")
    tx_hash = re.search(r"0x[0-9a-f]{64}", page.locator("#tx [data-hash]").inner_text()).group(0)
    receipt = web3.eth.get_transaction_receipt(tx_hash)
    assert winner.balance() - before == owed - receipt["gasUsed"] * receipt["effectiveGasPrice"]
    assert bounty.withdrawable(posted["contest"], winner) == 0


def test_requester_posts_a_micro_task_from_the_form(people, world: World, bounty):
    page, _ = people["requester"]
    fill = {"#p-title": "Translate the lending rules", "#p-pay": "0.1", "#p-places": "2", "#p-work": "24"}
    task_id = post_from_the_form(page, world, "micro-task", fill)
    posted["micro"] = task_id
    micro = bounty.microTask(task_id)
    assert micro["pay"] == E // 10 and micro["places"] == 2 and micro["workWindow"] == DAY


def test_a_worker_takes_a_place_and_submits_work(people, world: World, bounty):
    page, worker = people["bob"]
    open_page(page, world, f"/t/{posted['micro']}")
    page.select_option("#take-place", "0")
    submit(page, "take")
    page.fill("#work-place", "0")
    page.fill("#work-text", "The rules, in Chinese.")
    submit(page, "submit-work")
    place = bounty.placeOf(posted["micro"], 0)
    assert place["worker"] == worker.address and place["status"] == 2  # Submitted
    world.wait_indexed()


def test_requester_approves_and_the_co_reviewer_confirms(people, world: World, bounty):
    page, _ = people["requester"]
    open_page(page, world, f"/t/{posted['micro']}")
    submit(page, "review-place")
    assert bounty.placeOf(posted["micro"], 0)["status"] == 2  # still Submitted: waiting for the co-reviewer
    world.wait_indexed()
    page, _ = people["co-reviewer"]
    open_page(page, world, f"/t/{posted['micro']}")
    connect(page)
    page.select_option("#co-review-place", "0")
    submit(page, "co-review-place")
    assert bounty.placeOf(posted["micro"], 0)["status"] == 3  # Approved
    pay = E // 10
    assert bounty.withdrawable(posted["micro"], accounts[5]) == pay - pay * FEE_BPS // 10_000


def test_requester_posts_a_micro_task_in_a_token_approving_the_escrow_first(people, world: World, bounty):
    page, requester = people["requester"]
    world.token.mint(requester, 100 * 10**6, {"from": accounts[0]})
    escrow_before = world.token.balanceOf(bounty)
    fill = {"#p-title": "Label the shelves", "#p-token": world.token.address, "#p-pay": "5", "#p-places": "2"}
    task_id = post_from_the_form(page, world, "micro-task", fill)
    expect(page.locator('#tx li[data-step="wallet.step.approve"]')).to_have_count(1)
    assert bounty.task(task_id)["token"] == world.token.address
    assert bounty.microTask(task_id)["pay"] == 5 * 10**6
    assert world.token.balanceOf(bounty) - escrow_before == 10 * 10**6


def test_a_token_post_beyond_the_requesters_balance_is_refused_before_any_approval(
    people, world: World, bounty
):
    """The approval was sent (and paid for) before the post was found to fail for want of the escrow."""
    page, requester = people["requester"]
    allowance = world.token.allowance(requester, bounty)
    open_page(page, world, "/t/new?kind=micro-task")
    page.fill("#p-deadline", local(chain.time() + 2 * DAY))
    page.fill("#p-review", "3")
    for selector, value in {
        "#p-title": "Too dear",
        "#p-token": world.token.address,
        "#p-pay": "1000000",
        "#p-places": "2",
    }.items():
        page.fill(selector, value)
    page.click("form[data-flow=post-task] button[type=submit]")
    expect(page.locator("#tx[data-state=failed]")).to_contain_text("is less than 2000000")
    expect(page.locator('#tx li[data-step="wallet.step.approve"]')).to_have_count(0)
    assert world.token.allowance(requester, bounty) == allowance


def test_an_objected_award_goes_to_the_arbiter_and_a_silent_co_reviewer_lets_it_stand(
    people, world: World, bounty
):
    page, _ = people["requester"]
    objected = post_from_the_form(
        page, world, "contest", {"#p-title": "A poster", "#p-reward": "1", "#p-arbiter": accounts[7].address}
    )
    silent = post_from_the_form(page, world, "contest", {"#p-title": "A flyer", "#p-reward": "1"})
    alice, worker = people["alice"]
    for task_id in (objected, silent):
        open_page(alice, world, f"/t/{task_id}")
        alice.fill("#entry-text", f"Entry for task {task_id}.")
        with alice.expect_download():
            alice.click("form[data-flow=commit-entry] button[type=submit]")
        expect(alice.locator(DONE)).to_be_visible(timeout=20_000)
    chain.sleep(2 * DAY + 60)
    chain.mine()
    world.wait_indexed()
    for task_id in (objected, silent):
        open_page(alice, world, f"/t/{task_id}")
        submit(alice, "reveal-entry")
    world.wait_indexed()
    for task_id in (objected, silent):
        open_page(page, world, f"/t/{task_id}")
        page.fill("form[data-flow=award] input[data-worker]", "100")
        submit(page, "award")
    world.wait_indexed()  # the co-reviewer's form is on the page once the index holds the proposal

    co_reviewer, _ = people["co-reviewer"]
    open_page(co_reviewer, world, f"/t/{objected}")
    connect(co_reviewer)
    co_reviewer.check("form[data-flow=co-review-award] input[value=object]")
    submit(co_reviewer, "co-review-award")
    assert bounty.awardProposal(objected)["objected"] is True
    world.wait_indexed()
    open_page(co_reviewer, world, f"/t/{objected}")
    expect(co_reviewer.locator("form[data-flow=arbitrate-award]")).to_be_hidden()  # the arbiter's alone
    arbiter, _ = people["arbiter"]
    open_page(arbiter, world, f"/t/{objected}")
    connect(arbiter)
    expect(arbiter.locator("dl.facts")).to_contain_text("objected to by the co-reviewer")
    arbiter.fill("form[data-flow=arbitrate-award] input[data-worker]", "100")
    submit(arbiter, "arbitrate-award")
    assert bounty.task(objected)["status"] == 1  # Awarded, by the arbiter

    chain.sleep(3 * DAY + 60)  # Bounty.CO_REVIEW_WINDOW passes without a word from the co-reviewer
    chain.mine()
    world.wait_indexed()
    bystander, _ = people["bob"]
    open_page(bystander, world, f"/t/{silent}")
    submit(bystander, "finalize-award")
    assert bounty.task(silent)["status"] == 1
    assert bounty.withdrawable(silent, worker) == E - E * FEE_BPS // 10_000


def test_requester_reclaims_the_pay_of_a_place_nobody_used_from_the_page(people, world: World, bounty):
    """Past the micro-task's deadline (the walk moved the chain on), its second place was never taken: the
    page offered no way to take that pay back, though it said the pay goes back to the requester."""
    page, requester = people["requester"]
    world.wait_indexed()
    open_page(page, world, f"/t/{posted['micro']}")
    expect(page.locator("[data-testid=reclaimable]")).to_have_text("0.1 ETH")
    before = requester.balance()
    submit(page, "reclaim")
    tx_hash = re.search(r"0x[0-9a-f]{64}", page.locator("#tx [data-hash]").inner_text()).group(0)
    receipt = web3.eth.get_transaction_receipt(tx_hash)
    assert requester.balance() - before == E // 10 - receipt["gasUsed"] * receipt["effectiveGasPrice"]
    world.wait_indexed()
    open_page(page, world, f"/t/{posted['micro']}")
    expect(page.locator("form[data-flow=reclaim]")).to_have_count(0)  # nothing left to reclaim


def test_a_rejected_worker_is_offered_their_own_place_to_appeal_and_appeals_it(people, world: World, bounty):
    """The appeal form listed every rejected place to every rejected worker: picking another's place sent an
    appeal the contract refused (NotPlaceHolder)."""
    _, requester = people["requester"]
    _, arbiter = people["arbiter"]
    (alice, alice_account), (_, bob_account) = people["alice"], people["bob"]
    params = (ETH, chain.time() + 3 * DAY, DAY, ETH, arbiter.address, 0, 0, b"\0" * 32, 0, "", b"\0" * 32)
    micro = bounty.postMicroTask(params, E // 10, 2, DAY, {"from": requester, "value": E // 5}).return_value
    for index, worker in enumerate((bob_account, alice_account)):
        bounty.take(micro, index, [], {"from": worker})
        bounty.submitWork(micro, index, b"\x01" * 32, {"from": worker})
        bounty.reject(micro, index, {"from": requester})  # held for an appeal: the task has an arbiter
    world.wait_indexed()
    open_page(alice, world, f"/t/{micro}")
    connect(alice)
    options = alice.locator("#appeal-place option:not([hidden])")
    expect(options).to_have_count(1)
    expect(options).to_have_text("1")  # hers; bob's place 0 is not offered
    submit(alice, "appeal-place")
    assert bounty.placeOf(micro, 1)["status"] == 5  # Appealed
    assert bounty.placeOf(micro, 0)["status"] == 4  # Rejected, still bob's to appeal


def test_an_invite_only_task_posted_from_the_page_is_taken_with_the_list_the_requester_gave(
    people, world: World, bounty
):
    """Invite lists needed the CLI at both ends: the post form had no list, and the take and entry forms sent
    no proof, so an invited worker was told they were not invited. The requester now pastes the list when
    posting (its Merkle root goes on chain) and an invited worker pastes it to take a place (the proof is
    built in the page); a list that is not the task's is refused in words before the wallet is asked."""
    page, _ = people["requester"]
    (alice, alice_account), (_, bob_account) = people["alice"], people["bob"]
    invited = [alice_account.address, bob_account.address]
    fill = {"#p-title": "Proofread the handbook", "#p-pay": "0.1", "#p-places": "1", "#p-work": "24"}
    task_id = post_from_the_form(page, world, "micro-task", fill | {"#p-invites": "\n".join(invited)})
    expect(page.locator(DONE)).to_contain_text("It is open to the 2 invited addresses")
    assert bounty.task(task_id)["accessRules"] == 2  # ACCESS_INVITED
    assert bounty.accessOf(task_id)["inviteRoot"] == "0x" + InviteTree.of(invited).root.hex()

    open_page(alice, world, f"/t/{task_id}")
    alice.select_option("#take-place", "0")
    alice.fill("#take-invites", alice_account.address)  # a list of her alone: another root
    alice.click("form[data-flow=take] button[type=submit]")
    expect(alice.locator("#tx[data-state=failed]")).to_contain_text("This is not this task's invite list")
    assert bounty.placeOf(task_id, 0)["status"] == 0  # Open: nothing was sent

    alice.fill("#take-invites", json.dumps([a.lower() for a in reversed(invited)]))  # as JSON, any order
    submit(alice, "take")
    assert bounty.placeOf(task_id, 0)["worker"] == alice_account.address
