"""The HTTP API against a real anvil chain indexed into SQL, on both stores (every test runs on SQLite and on
PostgreSQL): listings, sorts and cursors, details, accounts, statistics, service endpoints, metadata checks,
and every parameter fed bad values, which must answer a 4xx in the one error shape, never a 500."""

import base64
import gc
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from brownie import Crowdfund, chain, web3
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine

from crowdledger.api.app import create_app
from crowdledger.indexer.metadata import resolve_pending
from tests.backend.conftest import make_indexer, metadata, simulate
from tests.conftest import DAY, ETH, launch_params

E = 10**18
STATES = ("Upcoming", "Funding", "Succeeded", "Failed", "Cancelled", "Rejected")  # the contract's enum order
SORTS = ("newest", "ending_soon", "most_funded", "most_backers", "percent_funded")


# ----------------------------------------------------------------------------- helpers


def launch(
    crowdfund,
    sender,
    *,
    days=10.0,
    title="Untitled",
    description="",
    uri=None,
    digest=None,
    **params,
) -> int:
    """Launch a campaign of `launch_params(**params)` running `days`; its metadata document is a data: URI
    committing to `title` and `description` unless `uri` and `digest` are given (no campaign here points to
    the network)."""
    document_uri, document_hash = metadata(title, description)
    fields = launch_params(duration=int(days * DAY), **params)
    # LaunchParams fields 7 and 8 are the metadata URI and hash
    return crowdfund.launch(
        fields[:7] + (uri or document_uri, digest or document_hash) + fields[9:], {"from": sender}
    ).return_value


def index(engine: Engine, crowdfund) -> None:
    make_indexer(engine, crowdfund).run(follow=False)
    resolve_pending(engine)


def client_for(engine: Engine) -> TestClient:
    return TestClient(create_app(engine), raise_server_exceptions=False)


def error_of(response: Response, status: int) -> dict[str, Any]:
    """The error body, after checking the response has the one error shape and the given status."""
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["error"], body
    error = body["error"]
    assert set(error) == {"status", "code", "message", "details"}, error
    assert error["status"] == status
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)
    return error


def walk(
    client: TestClient, params: dict[str, Any], between: Callable[[], None] = lambda: None
) -> list[dict]:
    """Every item of a campaign listing, page by page (calling `between` before each further page)."""
    items: list[dict] = []
    page = client.get("/campaigns", params=params)
    while True:
        assert page.status_code == 200, page.text
        body = page.json()
        assert len(body["items"]) <= params["limit"]
        items += body["items"]
        if body["next_cursor"] is None:
            return items
        assert len(body["items"]) == params["limit"]
        between()
        page = client.get("/campaigns", params={**params, "cursor": body["next_cursor"]})


def ids_of(items: list[dict]) -> list[int]:
    return [item["id"] for item in items]


def sort_key(sort: str) -> Callable[[dict], tuple]:
    """The order each sort promises, as an ascending key: its column, ties broken by id the same way."""
    return {
        "newest": lambda c: (-c["id"],),
        "ending_soon": lambda c: (c["deadline"], c["id"]),
        "most_funded": lambda c: (-int(c["raised"]), -c["id"]),
        "most_backers": lambda c: (-c["backer_count"], -c["id"]),
        "percent_funded": lambda c: (-c["percent_funded"], -c["id"]),
    }[sort]


# ----------------------------------------------------------------------------- the world


@dataclass
class World:
    client: TestClient
    ids: dict[str, int]
    crowdfund: Any
    token: Any
    creator: Any
    backers: Any
    other_creator: Any  # backers[5], who launches two campaigns and backs none


@pytest.fixture(scope="module")
def campaigns(crowdfund, token, creator, backers) -> dict[str, int]:
    """`simulate`'s campaigns (Succeeded, Failed, Cancelled, Succeeded with an approved milestone, Rejected)
    plus one with a vote open, two Funding ones with tiers and texts to search, an Upcoming one, one whose
    metadata document is not the committed one and one whose document cannot be read. Made on the chain once
    per module: every test starts from this chain state (brownie's isolation reverts to it)."""
    ids = simulate(crowdfund, token, creator, backers)
    ids["voting"] = launch(crowdfund, creator, days=2, milestones=[5000, 5000], title="Voting")
    crowdfund.pledge(ids["voting"], 0, 2 * E, {"from": backers[3], "value": 2 * E})
    chain.sleep(3 * DAY)
    chain.mine()
    crowdfund.claim(ids["voting"], creator, {"from": creator})
    crowdfund.openVote(ids["voting"], {"from": creator})
    crowdfund.vote(ids["voting"], True, {"from": backers[3]})

    ids["solar"] = launch(
        crowdfund,
        creator,
        goal=10 * E,
        days=20,
        milestones=[5000, 5000],
        tiers=[(E, 0), (2 * E, 3)],
        title="Solar 100% pure",
        description="snake_case LAMPS",
    )
    crowdfund.pledge(ids["solar"], 2, 3 * E, {"from": backers[0], "value": 3 * E})
    crowdfund.pledge(ids["solar"], 1, E, {"from": backers[1], "value": E})
    crowdfund.pledge(ids["solar"], 0, E, {"from": backers[2], "value": E})
    # The decoys: what "100% pure", "snake_case" and "k\s" would match if %, _ and \ were wildcards.
    ids["decoy"] = launch(
        crowdfund,
        creator,
        token=token.address,
        goal=2 * E,
        days=15,
        title="snakeXcase decoy",
        description="100 lamps, pure backslash",
    )
    crowdfund.pledge(ids["decoy"], 0, E, {"from": backers[2]})
    ids["upcoming"] = launch(
        crowdfund, backers[5], starts_in=10 * DAY, days=10, title="Upcoming back\\slash road"
    )
    ids["mismatch"] = launch(
        crowdfund,
        creator,
        days=30,
        uri=metadata("Secret title", "a swapped document")[0],
        digest=metadata("Honest title", "the committed document")[1],
    )
    ids["unreachable"] = launch(
        crowdfund, backers[5], days=30, uri="data:application/json;base64,%%%", digest=b"\x07" * 32
    )
    return ids


@pytest.fixture
def world(engine, campaigns, crowdfund, token, creator, backers) -> World:
    """The campaigns above, indexed into this test's store."""
    index(engine, crowdfund)
    return World(client_for(engine), campaigns, crowdfund, token, creator, backers, backers[5])


def on_chain_state(crowdfund, campaign_id: int) -> str:
    return STATES[crowdfund.stateOf(campaign_id)]


# ----------------------------------------------------------------------------- listing: filters


def test_every_state_filter_returns_exactly_the_campaigns_in_that_state(world):
    cf = world.crowdfund
    all_ids = range(1, cf.campaignCount() + 1)
    for state in STATES:
        expected = sorted((i for i in all_ids if on_chain_state(cf, i) == state), reverse=True)
        assert expected, f"the world has no {state} campaign"
        items = world.client.get("/campaigns", params={"state": state, "limit": 100}).json()["items"]
        assert ids_of(items) == expected, state
        assert {item["state"] for item in items} == {state}


def test_every_listed_campaign_matches_the_chain(world):
    cf = world.crowdfund
    items = world.client.get("/campaigns", params={"limit": 100}).json()["items"]
    assert ids_of(items) == list(range(cf.campaignCount(), 0, -1))
    for item in items:
        c = cf.campaign(item["id"])
        assert item["state"] == on_chain_state(cf, item["id"])
        assert item["creator"] == c["creator"].lower() and item["token"] == c["token"].lower()
        assert (item["goal"], item["raised"], item["released"]) == (
            str(c["goal"]),
            str(c["raised"]),
            str(c["released"]),
        )
        assert (item["starts_at"], item["deadline"], item["fee_bps"]) == (
            c["startsAt"],
            c["deadline"],
            c["feeBps"],
        )
        assert item["percent_funded"] == c["raised"] * 10_000 // c["goal"] / 100


def test_every_listed_campaign_equals_its_detail_in_every_sort_and_filter(world):
    """The listing is written by its own fast path; each item must say exactly what the detail says."""
    summary_fields = set(world.client.get("/campaigns", params={"limit": 1}).json()["items"][0])
    details = {}
    for params in [{"sort": sort} for sort in SORTS] + [{"state": state} for state in STATES]:
        for item in walk(world.client, {**params, "limit": 3}):
            if item["id"] not in details:
                detail = world.client.get(f"/campaigns/{item['id']}").json()
                details[item["id"]] = {name: detail[name] for name in summary_fields}
            assert item == details[item["id"]], params
    assert len(details) == world.crowdfund.campaignCount()


def test_creator_filter_takes_any_letter_case_and_returns_only_their_campaigns(world):
    w = world
    newest_first = range(w.crowdfund.campaignCount(), 0, -1)
    for account, count in ((w.creator, 9), (w.other_creator, 2), (w.backers[0], 0)):
        expected = [i for i in newest_first if w.crowdfund.campaign(i)["creator"] == account.address]
        assert len(expected) == count
        for spelling in (account.address, account.address.lower(), "0x" + account.address[2:].upper()):
            items = w.client.get("/campaigns", params={"creator": spelling, "limit": 100}).json()["items"]
            assert ids_of(items) == expected, spelling


def test_token_filter_separates_eth_from_erc20_campaigns(world):
    w = world
    in_token = [w.ids["decoy"], w.ids["rejected"], w.ids["failed"]]
    eth = [i for i in range(w.crowdfund.campaignCount(), 0, -1) if i not in in_token]
    for token, expected in ((w.token.address, in_token), (ETH, eth)):
        items = w.client.get("/campaigns", params={"token": token, "limit": 100}).json()["items"]
        assert ids_of(items) == expected
    both = {"token": w.token.address, "state": "Funding", "creator": w.creator.address}
    assert ids_of(w.client.get("/campaigns", params=both).json()["items"]) == [w.ids["decoy"]]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("solar", ["solar"]),  # title, any case
        ("lamps", ["decoy", "solar"]),  # description, any case
        ("100% pure", ["solar"]),  # % is a character: "100 lamps, pure" does not match
        ("%", ["solar"]),
        ("snake_case", ["solar"]),  # _ is a character: "snakeXcase" does not match
        ("_", ["solar"]),
        ("k\\s", ["upcoming"]),  # \ is a character: "backslash" does not match
        ("about", ["rejected", "approved", "cancelled", "failed", "funded"]),
        ("Secret", []),  # only in the mismatched document, which is never shown
        ("Honest", []),  # the committed document, which the URI does not serve
        ("nowhere to be found", []),
    ],
)
def test_text_search_matches_title_and_description_literally(world, text, expected):
    items = world.client.get("/campaigns", params={"q": text, "limit": 100}).json()["items"]
    assert ids_of(items) == [world.ids[name] for name in expected]


def test_text_search_combines_with_the_other_filters(world):
    w = world
    assert ids_of(w.client.get("/campaigns", params={"q": "about", "state": "Failed"}).json()["items"]) == [
        w.ids["failed"]
    ]
    assert ids_of(w.client.get("/campaigns", params={"q": "lamps", "token": ETH}).json()["items"]) == [
        w.ids["solar"]
    ]


# ----------------------------------------------------------------------------- listing: sorts and cursors


def test_every_sort_lists_every_campaign_in_its_order_page_by_page(world):
    cf = world.crowdfund
    chain_time = world.client.get("/status").json()["chain_time"]
    everything = set(range(1, cf.campaignCount() + 1))
    not_ended = {i for i in everything if cf.campaign(i)["deadline"] > chain_time}
    for sort in SORTS:
        items = walk(world.client, {"sort": sort, "limit": 2})
        ids = ids_of(items)
        assert len(ids) == len(set(ids)), sort
        assert set(ids) == (not_ended if sort == "ending_soon" else everything), sort
        assert items == sorted(items, key=sort_key(sort)), sort
        assert items == world.client.get("/campaigns", params={"sort": sort, "limit": 100}).json()["items"]
    # The sorts have ties to break (several campaigns share a backer count and a percentage).
    counts = [i["backer_count"] for i in walk(world.client, {"sort": "most_backers", "limit": 100})]
    assert len(set(counts)) < len(counts)


def test_sort_default_is_newest_and_ending_soon_leaves_out_ended_campaigns(world):
    w = world
    default = w.client.get("/campaigns").json()
    assert ids_of(default["items"]) == list(range(w.crowdfund.campaignCount(), 0, -1))
    ending = w.client.get("/campaigns", params={"sort": "ending_soon"}).json()
    assert {i["state"] for i in ending["items"]} == {"Funding", "Upcoming"}
    assert all(i["deadline"] > ending["chain_time"] for i in ending["items"])
    assert ids_of(ending["items"])[0] == w.ids["decoy"]  # 15 days, before Solar's 20 and the others' 30


def test_a_filtered_listing_pages_through_its_matches_only(world):
    w = world
    items = walk(w.client, {"sort": "most_funded", "limit": 2, "token": ETH, "state": "Succeeded"})
    assert ids_of(items) == [w.ids["approved"], w.ids["funded"], w.ids["voting"]]  # 4e, 4e, 2e raised


def test_pages_stay_stable_while_new_campaigns_are_indexed_between_requests(world, engine):
    w = world
    launched: list[int] = []

    def launcher(count: int) -> Callable[[], None]:
        """A new campaign on each of the first `count` page turns; amounts, backer counts and deadlines
        spread so that new campaigns land before, among and after the old ones in every sort."""
        left = [count]

        def launch_and_index() -> None:
            if left[0] == 0:
                return
            left[0] -= 1
            n = len(launched)
            new = launch(
                w.crowdfund, w.creator, goal=2 * E, days=[3, 12, 17, 25, 40][n % 5], title=f"New {n}"
            )
            for backer in w.backers[: n % 4]:
                amount = (n % 3 + 1) * E
                w.crowdfund.pledge(new, 0, amount, {"from": backer, "value": amount})
            launched.append(new)
            index(engine, w.crowdfund)

        return launch_and_index

    for walks, sort in enumerate(SORTS, start=1):
        before = ids_of(walk(w.client, {"sort": sort, "limit": 100}))
        items = walk(w.client, {"sort": sort, "limit": 2}, between=launcher(3))
        ids = ids_of(items)
        assert len(ids) == len(set(ids)), f"{sort}: a campaign was listed twice"
        assert [i for i in ids if i in before] == before, f"{sort}: an old campaign was skipped or moved"
        assert items == sorted(items, key=sort_key(sort)), sort
        assert len(launched) == 3 * walks  # the pages really were interleaved with new campaigns


# ----------------------------------------------------------------------------- one campaign


def test_campaign_detail_shows_tiers_with_places_left(world):
    w = world
    solar = w.client.get(f"/campaigns/{w.ids['solar']}").json()
    assert solar["tiers"] == [
        {"tier_id": 1, "price": str(E), "supply": 0, "taken": 1, "left": None},
        {"tier_id": 2, "price": str(2 * E), "supply": 3, "taken": 1, "left": 2},
    ]
    # Funded: a place freed by an unpledge and taken again; the tier is full.
    funded = w.client.get(f"/campaigns/{w.ids['funded']}").json()
    assert funded["tiers"] == [{"tier_id": 1, "price": str(E // 10), "supply": 2, "taken": 2, "left": 0}]
    for campaign_id, detail in ((w.ids["solar"], solar), (w.ids["funded"], funded)):
        for tier in detail["tiers"]:
            price, supply, taken = w.crowdfund.tiers(campaign_id, tier["tier_id"])
            assert (tier["price"], tier["supply"], tier["taken"]) == (str(price), supply, taken)


def test_campaign_detail_shows_each_milestone_and_its_vote(world):
    w = world
    cf = w.crowdfund

    def milestones(name: str) -> list[tuple]:
        detail = w.client.get(f"/campaigns/{w.ids[name]}").json()
        return [
            (
                m["milestone"],
                m["bps"],
                m["status"],
                m["vote_ends_at"],
                m["approve_weight"],
                m["reject_weight"],
            )
            for m in detail["milestones"]
        ]

    ends = {name: cf.campaign(w.ids[name])["voteEndsAt"] for name in ("approved", "rejected", "voting")}
    assert milestones("approved") == [
        (0, 5000, "released-on-success", None, None, None),
        (1, 5000, "approved", ends["approved"], str(3 * E), "0"),
    ]
    assert milestones("rejected") == [
        (0, 2000, "released-on-success", None, None, None),
        (1, 8000, "rejected", ends["rejected"], "0", str(6 * E)),
    ]
    assert milestones("voting") == [
        (0, 5000, "released-on-success", None, None, None),
        (1, 5000, "voting", ends["voting"], str(2 * E), "0"),
    ]
    assert milestones("solar") == [
        (0, 5000, "pending", None, None, None),
        (1, 5000, "pending", None, None, None),
    ]
    assert milestones("funded") == [(0, 10_000, "released-on-success", None, None, None)]
    approved = w.client.get(f"/campaigns/{w.ids['approved']}").json()
    assert (approved["milestones_approved"], approved["quorum_bps"]) == (1, 2000)


def test_campaign_detail_shows_the_refund_pool_of_a_rejected_campaign(world):
    w = world
    rejected = w.client.get(f"/campaigns/{w.ids['rejected']}").json()
    # 10 raised, 2 released before the rejection: 8 to share; backer 0 (1 of 10) took 0.8 back.
    assert (
        rejected["refund_pool"]
        == str(8 * E - 8 * E // 10)
        == str(w.crowdfund.refundPools(w.ids["rejected"])[0])
    )
    assert rejected["state"] == "Rejected" and rejected["milestones_approved"] == 0
    assert w.client.get(f"/campaigns/{w.ids['approved']}").json()["refund_pool"] == "0"


def test_campaign_detail_shows_the_delivery_date_and_how_votes_count(world):
    cf = world.crowdfund
    for campaign_id in range(1, cf.campaignCount() + 1):
        detail = world.client.get(f"/campaigns/{campaign_id}").json()
        c = cf.campaign(campaign_id)
        assert (detail["delivery_date"], detail["quorum_bps"], detail["min_attestation_level"]) == (
            c["deliveryDate"],
            c["quorumBps"],
            c["minAttestationLevel"],
        )
        assert detail["vote_mode"] == ("pledge-weighted", "one-per-verified-identity")[c["voteMode"]]


def test_pledges_show_whether_each_backer_confirmed_or_reported_delivery(world):
    w = world

    def delivery(name: str) -> dict[str, str | None]:
        items = w.client.get(f"/campaigns/{w.ids[name]}/pledges").json()["items"]
        return {p["backer"]: p["delivery"] for p in items}

    confirmed = {b.address.lower() for b in w.backers[2:4]}  # simulate: two backers of Funded confirm
    assert {b for b, d in delivery("funded").items() if d} == confirmed
    assert set(delivery("funded").values()) == {"confirmed", None}
    assert delivery("approved")[w.backers[1].address.lower()] == "not-delivered"  # one of Approved reports
    assert [d for d in delivery("approved").values() if d] == ["not-delivered"]


def test_an_unknown_campaign_is_a_404_in_the_error_shape(world):
    for path in ("/campaigns/999", "/campaigns/999/pledges", f"/campaigns/{2**63 - 1}"):
        error = error_of(world.client.get(path), 404)
        assert error["code"] == "not_found"
        assert path.split("/")[2] in error["message"]


def test_pledges_page_through_every_backer_once_in_address_order(world):
    w = world
    campaign_id = w.ids["funded"]
    seen, after = [], None
    while True:
        params = {"limit": 2, **({"after": after} if after else {})}
        page = w.client.get(f"/campaigns/{campaign_id}/pledges", params=params).json()
        assert len(page["items"]) <= 2
        seen += page["items"]
        after = page["next_after"]
        if after is None:
            break
    backers = [p["backer"] for p in seen]
    assert backers == sorted({b.address.lower() for b in w.backers[:5]})
    for pledge in seen:
        amount, tier_id = w.crowdfund.pledges(campaign_id, pledge["backer"])[:2]
        assert (pledge["amount"], pledge["tier_id"], pledge["campaign_id"]) == (
            str(amount),
            tier_id,
            campaign_id,
        )
    assert {p["backer"]: p["amount"] for p in seen}[w.backers[0].address.lower()] == "0"  # unpledged


def test_pledges_show_what_was_refunded(world):
    w = world
    items = w.client.get(f"/campaigns/{w.ids['cancelled']}/pledges").json()["items"]
    by_backer = {p["backer"]: p for p in items}
    refunded = by_backer[w.backers[1].address.lower()]
    assert (refunded["amount"], refunded["refunded"]) == ("0", str(E // 2))
    others = [p for b, p in by_backer.items() if b != w.backers[1].address.lower()]
    assert len(others) == 3 and all((p["amount"], p["refunded"]) == (str(E // 2), "0") for p in others)


# ----------------------------------------------------------------------------- accounts


def test_account_shows_a_creators_campaigns_newest_first(world):
    w = world
    account = w.client.get(f"/accounts/{w.other_creator.address}").json()
    assert account["address"] == w.other_creator.address.lower()
    assert ids_of(account["campaigns"]) == [w.ids["unreachable"], w.ids["upcoming"]]
    assert account["campaigns"][1]["state"] == "Upcoming"
    assert account["pledges"] == [] and account["history"] != []


def test_account_shows_a_backers_pledges_and_history(world):
    w = world
    backer = w.backers[0].address.lower()
    account = w.client.get(f"/accounts/{backer.upper().replace('0X', '0x')}").json()
    assert account["address"] == backer and account["campaigns"] == []
    pledged_to = [w.ids[n] for n in ("solar", "rejected", "approved", "cancelled", "failed", "funded")]
    assert [p["campaign_id"] for p in account["pledges"]] == pledged_to
    for pledge in account["pledges"]:
        assert pledge["backer"] == backer
        assert pledge["amount"] == str(w.crowdfund.pledges(pledge["campaign_id"], backer)[0])

    history = account["history"]
    assert sorted(h["event"] for h in history) == sorted(
        ["Pledged"] * 6 + ["Unpledged", "Voted", "Voted", "Refunded"]
    )
    places = [(h["block_number"], h["log_index"]) for h in history]
    assert places == sorted(places, reverse=True) and len(set(places)) == len(places)
    for item in history:
        assert item["contract"] == "Crowdfund" and item["args"]["backer"] == backer
        receipt = web3.eth.get_transaction_receipt(item["tx_hash"])
        assert receipt["blockNumber"] == item["block_number"]
        assert item["timestamp"] == web3.eth.get_block(item["block_number"])["timestamp"]
    refund = next(h for h in history if h["event"] == "Refunded")
    assert refund["args"]["amount"] == str(8 * E // 10)  # uint256 arguments come as decimal strings
    assert refund["args"]["campaignId"] == str(w.ids["rejected"])


def test_account_history_includes_the_creators_own_cancel_and_vote_opening(world):
    """The creator cancelled a campaign and opened three votes: those are things the account did."""
    events = [h["event"] for h in world.client.get(f"/accounts/{world.creator.address}").json()["history"]]
    assert events.count("CampaignLaunched") == 9 and events.count("Claimed") == 5
    assert events.count("CampaignCancelled") == 1
    assert events.count("VoteOpened") == 3


def test_an_account_with_no_activity_is_empty_not_missing(world):
    nobody = "0x" + "ab" * 20
    account = world.client.get(f"/accounts/{nobody}").json()
    assert (account["address"], account["campaigns"], account["pledges"], account["history"]) == (
        nobody,
        [],
        [],
        [],
    )


# ----------------------------------------------------------------------------- statistics


def test_statistics_add_up_to_what_moved_on_chain(world):
    w = world
    response = w.client.get("/stats")
    assert response.status_code == 200, response.text
    stats = response.json()
    assert stats["campaigns"] == w.crowdfund.campaignCount() == 11
    assert stats["campaigns_by_state"] == {
        "Upcoming": 1,
        "Funding": 4,
        "Succeeded": 3,
        "Failed": 1,
        "Cancelled": 1,
        "Rejected": 1,
    }
    assert stats["backers"] == 5  # backers 0-4; backer 5 only launched and closed votes
    assert stats["pledges"] == 21 + 1 + 3 + 1  # simulate's, Voting's, Solar's, the decoy's
    logs = web3.eth.get_logs({"fromBlock": 0, "toBlock": "latest", "address": w.crowdfund.address})
    assert stats["events"] == len(logs)

    # simulate: funded 4+1, cancelled 4 x 0.5, approved 4 (ETH); failed 4, rejected 1+2+3+4 (token).
    # Fees are 2.5% of each claim: funded 4, approved 2 + 2, voting 1 (ETH); rejected 2 (token).
    fee = lambda gross: gross * 250 // 10_000  # noqa: E731
    expected = {
        ETH: {
            "pledged": 11 * E + 2 * E + 5 * E,
            "unpledged": E,
            "refunded": E // 2,
            "claimed": sum(g - fee(g) for g in (4 * E, 2 * E, 2 * E, E)),
            "fees": sum(fee(g) for g in (4 * E, 2 * E, 2 * E, E)),
        },
        w.token.address.lower(): {
            "pledged": 14 * E + E,
            "unpledged": 0,
            "refunded": E + 8 * E // 10,
            "claimed": 2 * E - fee(2 * E),
            "fees": fee(2 * E),
        },
    }
    tokens = {t["token"]: {k: int(v) for k, v in t.items() if k != "token"} for t in stats["tokens"]}
    assert tokens == expected
    # And against the contract itself: it holds what came in and did not go out, fees included.
    holdings = {
        ETH: web3.eth.get_balance(w.crowdfund.address),
        w.token.address.lower(): w.token.balanceOf(w.crowdfund),
    }
    for token, t in tokens.items():
        assert t["fees"] == w.crowdfund.feesAccrued(token)
        assert t["pledged"] - t["unpledged"] - t["refunded"] - t["claimed"] == holdings[token]


# ----------------------------------------------------------------------------- metadata


def test_a_document_that_does_not_hash_to_the_commitment_is_flagged_and_hidden(world):
    w = world
    detail = w.client.get(f"/campaigns/{w.ids['mismatch']}").json()
    assert detail["metadata"] == {
        "uri": metadata("Secret title", "a swapped document")[0],
        "hash": "0x" + metadata("Honest title", "the committed document")[1].hex(),
        "status": "mismatch",
        "title": None,
        "description": None,
        "image": None,
    }
    listed = w.client.get("/campaigns", params={"state": "Funding", "limit": 100}).json()["items"]
    assert next(i for i in listed if i["id"] == w.ids["mismatch"])["metadata"] == detail["metadata"]


def test_a_verified_document_shows_its_fields_and_an_unreadable_one_shows_none(world):
    w = world
    solar = w.client.get(f"/campaigns/{w.ids['solar']}").json()["metadata"]
    uri, digest = metadata("Solar 100% pure", "snake_case LAMPS")
    assert solar == {
        "uri": uri,
        "hash": "0x" + digest.hex(),
        "status": "verified",
        "title": "Solar 100% pure",
        "description": "snake_case LAMPS",
        "image": None,
    }
    unreadable = w.client.get(f"/campaigns/{w.ids['unreachable']}").json()["metadata"]
    assert (unreadable["status"], unreadable["title"], unreadable["description"]) == (
        "unreachable",
        None,
        None,
    )
    listed = {
        i["id"]: i["metadata"]["status"]
        for i in w.client.get("/campaigns", params={"limit": 100}).json()["items"]
    }
    assert listed == {i: "verified" for i in listed} | {
        w.ids["mismatch"]: "mismatch",
        w.ids["unreachable"]: "unreachable",
    }


# ----------------------------------------------------------------------------- service endpoints


def test_health_answers_whatever_the_index_holds(engine):
    assert client_for(engine).get("/health").json() == {"status": "ok"}


def test_ready_and_status_are_503_before_anything_is_indexed(engine):
    client = client_for(engine)
    for path in ("/ready", "/status"):
        error = error_of(client.get(path), 503)
        assert error["code"] == "not_ready" and error["details"] == []


def test_an_empty_index_lists_nothing_and_counts_zero(engine, owner, treasury):
    empty = Crowdfund.deploy(owner, treasury, 250, {"from": owner})  # a contract with no campaign yet
    make_indexer(engine, empty).run(follow=False)
    client = client_for(engine)
    assert client.get("/campaigns").json()["items"] == []
    error_of(client.get("/campaigns/1"), 404)
    response = client.get("/stats")
    assert response.status_code == 200, response.text
    stats = response.json()
    assert (stats["campaigns"], stats["backers"], stats["pledges"], stats["tokens"]) == (0, 0, 0, [])
    assert set(stats["campaigns_by_state"].values()) == {0}


def test_listed_amounts_are_exact_to_the_wei_and_so_are_cursors_through_them(
    engine, owner, treasury, creator, backers
):
    """Amounts past 2**53 wei (any above 0.009 ETH) are listed to the wei, and a cursor through one finds the
    next page: on PostgreSQL the listing's fast path once bound and read them through floats, which listed
    5 ETH + 1 wei as 5 ETH and lost the second page below."""
    crowdfund = Crowdfund.deploy(owner, treasury, 250, {"from": owner})  # only these two campaigns
    goal = 5 * E + 1
    first = launch(crowdfund, creator, goal=goal)
    second = launch(crowdfund, creator, goal=goal)
    crowdfund.pledge(first, 0, E + 3, {"from": backers[0], "value": E + 3})
    crowdfund.pledge(second, 0, E + 2, {"from": backers[1], "value": E + 2})
    make_indexer(engine, crowdfund).run(follow=False)
    client = client_for(engine)
    page = client.get("/campaigns?sort=most_funded&limit=1").json()
    assert [(c["id"], c["goal"], c["raised"]) for c in page["items"]] == [(first, str(goal), str(E + 3))]
    rest = client.get("/campaigns", params={"sort": "most_funded", "limit": 1, "cursor": page["next_cursor"]})
    assert [(c["id"], c["goal"], c["raised"]) for c in rest.json()["items"]] == [
        (second, str(goal), str(E + 2))
    ]


def test_the_widest_goal_and_a_1_wei_pledge_read_exactly_in_the_listing_the_detail_and_the_page(
    engine, owner, treasury, creator, backers
):
    """The extremes LaunchParams admits: a goal of 2**128 - 1 wei and a pledge of 1 wei (0 bps funded)."""
    crowdfund = Crowdfund.deploy(owner, treasury, 250, {"from": owner})
    widest = launch(crowdfund, creator, goal=2**128 - 1)
    crowdfund.pledge(widest, 0, 1, {"from": backers[0], "value": 1})
    make_indexer(engine, crowdfund).run(follow=False)
    client = client_for(engine)
    [listed] = client.get("/campaigns?sort=most_funded").json()["items"]
    detail = client.get(f"/campaigns/{widest}").json()
    for item in (listed, detail):
        assert (item["goal"], item["raised"], item["percent_funded"]) == (str(2**128 - 1), "1", 0.0)
    page = client.get(f"/c/{widest}?lang=en")
    assert page.status_code == 200
    assert "340,282,366,920,938,463,463.3746 ETH" in page.text and "&lt; 0.0001 ETH" in page.text


def test_a_cursor_through_a_percent_funded_past_64_bits_finds_the_next_page(
    engine, owner, treasury, creator, backers
):
    """A goal of 1 wei funded with 0.001 ETH is 10**19 basis points: the cursor of a page ending there was
    refused as not issued by this API, so nobody could page past it (in the API or on the web listing)."""
    crowdfund = Crowdfund.deploy(owner, treasury, 250, {"from": owner})  # only these two campaigns
    tiny_goal = launch(crowdfund, creator, goal=1)
    ordinary = launch(crowdfund, creator, goal=2 * E)
    crowdfund.pledge(tiny_goal, 0, 10**15, {"from": backers[0], "value": 10**15})
    crowdfund.pledge(ordinary, 0, E, {"from": backers[1], "value": E})
    make_indexer(engine, crowdfund).run(follow=False)
    client = client_for(engine)
    page = client.get("/campaigns?sort=percent_funded&limit=1").json()
    assert [c["id"] for c in page["items"]] == [tiny_goal]
    rest = client.get(
        "/campaigns", params={"sort": "percent_funded", "limit": 1, "cursor": page["next_cursor"]}
    )
    assert rest.status_code == 200, rest.text
    assert [c["id"] for c in rest.json()["items"]] == [ordinary]
    web = client.get("/", params={"sort": "percent_funded", "cursor": page["next_cursor"]})
    assert web.status_code == 200


def test_ready_is_503_and_status_says_why_until_the_first_range_is_committed(engine, crowdfund):
    """The indexer has recorded its cursor (check_chain) but indexed no block: nothing is known yet."""
    make_indexer(engine, crowdfund).check_chain()
    client = client_for(engine)
    error = error_of(client.get("/ready"), 503)
    assert error["code"] == "not_ready" and "has not indexed anything yet" in error["message"]
    status = client.get("/status").json()
    assert status["ready"] is False and "the indexer has not indexed anything yet" in status["problems"]


def test_status_counts_the_blocks_the_index_has_not_reached(engine, crowdfund, creator):
    launch(crowdfund, creator)
    index(engine, crowdfund)
    client = client_for(engine)
    head = web3.eth.block_number
    status = client.get("/status").json()
    ready = client.get("/ready").json()
    clocks = {"seconds_since_update": 0, "heartbeat_age": 0, "last_error_age": 0}
    assert ready | clocks == status | clocks
    assert (status["chain_id"], status["indexed_block"], status["chain_head"], status["blocks_behind"]) == (
        chain.id,
        head,
        head,
        0,
    )
    assert status["chain_time"] == web3.eth.get_block(head)["timestamp"]
    assert 0 <= status["seconds_since_update"] < 30

    # The chain moves on; an indexer waiting for 3 confirmations looks at the head but indexes nothing.
    for _ in range(3):
        chain.mine()
    make_indexer(engine, crowdfund, confirmations=3).run(follow=False)
    status = client.get("/status").json()
    assert (status["indexed_block"], status["chain_head"], status["blocks_behind"]) == (head, head + 3, 3)
    time.sleep(0.3)
    assert client.get("/status").json()["seconds_since_update"] >= 0.3

    index(engine, crowdfund)
    status = client.get("/status").json()
    assert (status["indexed_block"], status["blocks_behind"]) == (head + 3, 0)


# ----------------------------------------------------------------------------- bad input


def check_all(client: TestClient, cases: list[tuple[str, str, int, str]]) -> None:
    """(method, path with query, expected status, what the message must name): every case answers so."""
    wrong = []
    for method, path, status, names in cases:
        response = client.request(method, path)
        try:
            error = error_of(response, status)
            assert names.lower() in error["message"].lower(), f"message does not name {names!r}"
        except AssertionError as failure:
            wrong.append(
                f"{method} {path}: {failure}".splitlines()[0]
                + f" -> {response.status_code} {response.text[:200]}"
            )
    assert not wrong, "\n".join(wrong)


BAD_ADDRESSES = [
    "0x1234",  # short
    "0x" + "g" * 40,  # not hex
    "ab" * 20,  # no 0x
    "00" + "ab" * 20,  # 42 characters, but no 0x
    "0x" + "ab" * 20 + "a",  # long
    "0x" + "ab" * 19 + "a ",  # a space
]


def test_bad_addresses_are_refused_naming_the_parameter(world):
    cases = []
    for bad in BAD_ADDRESSES:
        cases += [
            ("GET", f"/accounts/{bad}", 422, "address"),
            ("GET", f"/campaigns?creator={bad}", 422, "creator"),
            ("GET", f"/campaigns?token={bad}", 422, "token"),
            ("GET", f"/campaigns/1/pledges?after={bad}", 422, "after"),
        ]
    cases += [("GET", "/campaigns?creator=", 422, "creator"), ("GET", "/campaigns?token=", 422, "token")]
    check_all(world.client, cases)


BAD_IDS = ["0", "-1", str(2**63), str(10**30), "abc", "1.5", "0x1", "1e3"]


def test_bad_campaign_ids_are_refused_naming_the_parameter(world):
    cases = []
    for bad in BAD_IDS:
        cases += [
            ("GET", f"/campaigns/{bad}", 422, "campaign_id"),
            ("GET", f"/campaigns/{bad}/pledges", 422, "campaign_id"),
        ]
    check_all(world.client, cases)


BAD_LIMITS = ["0", "101", "-1", "ten", "", "2.5", str(2**64)]


def test_bad_limits_are_refused_naming_the_parameter(world):
    cases = []
    for bad in BAD_LIMITS:
        cases += [
            ("GET", f"/campaigns?limit={bad}", 422, "limit"),
            ("GET", f"/campaigns/1/pledges?limit={bad}", 422, "limit"),
        ]
    check_all(world.client, cases)
    # The bounds themselves are fine.
    assert len(world.client.get("/campaigns?limit=100").json()["items"]) == world.crowdfund.campaignCount()
    assert len(world.client.get("/campaigns?limit=1").json()["items"]) == 1


def forge(*parts: Any) -> str:
    """A cursor in the API's own encoding, with whatever inside."""
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


def test_bad_cursors_are_refused_naming_the_parameter(world):
    real = world.client.get("/campaigns", params={"limit": 1}).json()["next_cursor"]
    funded = world.client.get("/campaigns", params={"limit": 1, "sort": "most_funded"}).json()["next_cursor"]
    assert real and funded
    tampered = [  # (sort, cursor)
        ("newest", "garbage!!"),
        ("newest", "%00"),
        ("newest", real[:-3]),  # truncated
        ("newest", real[:5] + ("A" if real[5] != "A" else "B") + real[6:]),  # one character changed
        ("newest", base64.urlsafe_b64encode(b"not json").decode()),
        ("newest", base64.urlsafe_b64encode(b'{"newest": 1}').decode()),
        ("newest", forge("newest", 2)),  # too short
        ("newest", forge("newest", 2, 2, 2)),  # too long
        ("newest", forge("newest", "2", 2)),  # a value of the wrong type
        ("newest", forge("newest", 2.5, 2)),
        ("newest", forge("newest", True, 2)),
        ("newest", forge("newest", None, 2)),
        ("newest", forge("newest", [2], 2)),
        ("newest", forge("newest", 2, "2")),
        ("newest", forge("oldest", 2, 2)),  # a sort that does not exist
        # Values no row can hold: beyond a 64-bit id or time, negative, beyond a uint256.
        ("newest", forge("newest", 2**64, 2)),
        ("newest", forge("newest", 2, 2**64)),
        ("newest", forge("newest", -(2**64), 2)),
        ("ending_soon", forge("ending_soon", 10**40, 1)),
        ("most_backers", forge("most_backers", 2**70, 1)),
        ("percent_funded", forge("percent_funded", 2**256, 1)),
        ("most_funded", forge("most_funded", 2**300, 1)),
        ("most_funded", forge("most_funded", -1, 1)),
    ]
    cases = [("GET", f"/campaigns?limit=1&sort={sort}&cursor={c}", 400, "cursor") for sort, c in tampered]
    cases += [
        ("GET", f"/campaigns?limit=1&sort=most_funded&cursor={real}", 400, "cursor"),  # another sort's
        ("GET", f"/campaigns?limit=1&cursor={funded}", 400, "cursor"),
        ("GET", f"/campaigns?limit=1&cursor={'A' * 301}", 422, "cursor"),  # over-long
    ]
    check_all(world.client, cases)
    assert world.client.get("/campaigns", params={"limit": 1, "cursor": real}).status_code == 200


def test_unknown_states_and_sorts_are_refused_naming_the_parameter(world):
    cases = []
    for bad in ("funding", "FUNDING", "Closed", "", "0"):
        cases.append(("GET", f"/campaigns?state={bad}", 422, "state"))
    for bad in ("oldest", "Newest", "", "id", "newest;drop"):
        cases.append(("GET", f"/campaigns?sort={bad}", 422, "sort"))
    check_all(world.client, cases)


def test_bad_search_texts_are_refused_naming_the_parameter_or_find_nothing(world):
    check_all(
        world.client,
        [
            ("GET", f"/campaigns?q={'x' * 201}", 422, "q"),  # over-long
            ("GET", "/campaigns?q=", 422, "q"),  # empty
        ],
    )
    assert (
        world.client.get("/campaigns", params={"q": "x" * 200}).json()["items"] == []
    )  # the longest allowed
    # What a database may choke on, as sent on the wire: NUL bytes, invalid UTF-8, quotes, pattern syntax.
    # Each finds nothing (no campaign holds them) or is refused as a bad q; never a 500, never everything.
    for raw in (
        "%00",
        "a%00b",
        "%ff%fe",
        "%27%3B%20drop%20table%20campaigns%3B%20--",
        "%5Ba-z%5D*",
        "%5C%25",  # a lone backslash is searched for as itself: see the search-text cases
    ):
        response = world.client.get(f"/campaigns?q={raw}")
        if response.status_code == 200:
            assert response.json()["items"] == [], f"q={raw} found {ids_of(response.json()['items'])}"
        else:
            assert "q" in error_of(response, 422)["message"], raw
    assert ids_of(world.client.get("/campaigns", params={"q": "solar"}).json()["items"]) == [
        world.ids["solar"]
    ]


def test_unknown_paths_and_methods_answer_in_the_error_shape(world):
    cases = [
        ("GET", "/nowhere", 404, "not found"),
        ("GET", "/campaigns/1/nowhere", 404, "not found"),
        ("GET", "/accounts", 404, "not found"),
        ("POST", "/campaigns", 405, "method not allowed"),
        ("DELETE", "/campaigns/1", 405, "method not allowed"),
        ("PUT", "/stats", 405, "method not allowed"),
        ("PATCH", f"/accounts/0x{'ab' * 20}", 405, "method not allowed"),
        ("POST", "/health", 405, "method not allowed"),
    ]
    check_all(world.client, cases)
    assert error_of(world.client.get("/nowhere"), 404)["code"] == "not_found"
    assert error_of(world.client.post("/campaigns"), 405)["code"] == "method_not_allowed"


def test_a_405_says_which_methods_are_allowed(world):
    """HTTP requires an Allow header on every 405 (RFC 9110, 15.5.6)."""
    response = world.client.post("/campaigns")
    assert response.status_code == 405
    assert "GET" in response.headers.get("allow", ""), dict(response.headers)


def test_the_app_freezes_what_it_built_before_serving(engine):
    """Long-lived objects stay out of the collector's full walks (the slowest requests waited on them)."""
    gc.unfreeze()
    try:
        with TestClient(create_app(engine)) as client:  # runs the app's startup, as a server does
            assert client.get("/health").status_code == 200
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # the test process goes on collecting as before
