"""The web pages against a real chain indexed into SQL (each test on SQLite and on PostgreSQL): what each page
shows, in whose words and units; the live fragment; languages; the security headers and the absence of any
inline script; the offline API docs; and the weight of a listing page."""

import base64
import gzip
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from brownie import Bounty, accounts, chain
from eth_utils import keccak
from fastapi.testclient import TestClient

from crowdledger.api.app import create_app
from crowdledger.chain.rpc import Rpc
from crowdledger.indexer.metadata import MetadataUnavailable, resolve_pending
from crowdledger.web import documents
from crowdledger.web.config import WebConfig, load_token_abi
from crowdledger.web.pages import campaigns as campaign_pages
from crowdledger.web.render import funded, points
from crowdledger.web.tokens import ETHER, Token, TokenBook, format_units
from tests.backend.conftest import deployment_of, make_indexer, rpc_url, simulate
from tests.conftest import DAY, launch_params
from tests.contracts.bounty.conftest import task_params

E = 10**18
ROOT = Path(__file__).resolve().parents[2]
STATIC_BUILD = ROOT / "backend" / "crowdledger" / "web" / "static" / "build"
PAGE_BUDGET = 100 * 1024  # JS and CSS of a listing page, compressed


def document(title: str, tiers: list[dict[str, str]] | None = None) -> tuple[str, bytes]:
    raw = json.dumps({"title": title, "description": f"about {title}", "tiers": tiers or []}).encode()
    return "data:application/json;base64," + base64.b64encode(raw).decode(), keccak(raw)


def launch(crowdfund, sender, title, *, texts=None, **params) -> int:
    """Launch a campaign from `launch_params(**params)` whose metadata document names `title` and its tiers'
    `texts`."""
    uri, digest = document(title, texts)
    fields = launch_params(**params)
    return crowdfund.launch(fields[:7] + (uri, digest) + fields[9:], {"from": sender}).return_value


@dataclass
class World:
    client: TestClient
    ids: dict[str, int]
    creator: str
    newcomer: str
    tasks: dict[str, int]


@pytest.fixture(scope="module")
def made(crowdfund, token, creator, backers, reputation, owner, treasury):
    """simulate's campaigns (every end state), a funding one with named tiers, a newcomer's risky one, a
    contest and a micro-task. Made once per module."""
    ids = simulate(crowdfund, token, creator, backers)
    ids["tiers"] = launch(
        crowdfund,
        creator,
        "Bicycle workshop",
        duration=10 * DAY,
        milestones=[5000, 5000],
        tiers=[(E // 10, 20), (E, 0)],
        texts=[
            {"name": "Thank-you card", "description": "Hand printed"},
            {"name": "Workshop pass", "description": "A year"},
        ],
    )
    for backer in backers[:3]:
        crowdfund.pledge(ids["tiers"], 1, E // 5, {"from": backer, "value": E // 5})
    newcomer = accounts[8]
    ids["risky"] = launch(crowdfund, newcomer, "Moon base", duration=10 * DAY, tiers=[(E, 100)])
    crowdfund.pledge(ids["risky"], 0, E // 2, {"from": backers[0], "value": E // 2})
    bounty = Bounty.deploy(owner, treasury, 250, reputation, {"from": owner})
    contest = bounty.postContest(
        task_params(duration=2 * DAY, review=2 * DAY), E, {"from": creator, "value": E}
    ).return_value
    micro = bounty.postMicroTask(
        task_params(duration=2 * DAY, review=2 * DAY, arbiter=backers[5].address),
        E // 10,
        3,
        DAY,
        {"from": creator, "value": 3 * E // 10},
    ).return_value
    bounty.submit(
        contest,
        bounty.commitmentOf(keccak(text="logo"), backers[1], keccak(text="salt")),
        [],
        {"from": backers[1]},
    )
    bounty.take(micro, 1, [], {"from": backers[2]})
    bounty.take(micro, 2, [], {"from": backers[3]})
    bounty.submitWork(micro, 2, keccak(text="translation"), {"from": backers[3]})
    # a contest past its deadline with one revealed entry and a co-reviewer: the award forms' case
    revealed = bounty.postContest(
        # two hours: at the one-hour minimum, a block mined a second later made the duration 3,599 s
        task_params(duration=2 * 3600, review=2 * DAY, co_reviewer=backers[5].address),
        E,
        {"from": creator, "value": E},
    ).return_value
    bounty.submit(
        revealed,
        bounty.commitmentOf(keccak(text="poster"), backers[4], keccak(text="salt")),
        [],
        {"from": backers[4]},
    )
    chain.sleep(2 * 3600 + 1)
    bounty.reveal(revealed, keccak(text="poster"), "ipfs://poster", keccak(text="salt"), {"from": backers[4]})
    tasks = {"contest": contest, "micro": micro, "revealed": revealed}
    return ids, tasks, bounty, newcomer.address.lower()


@pytest.fixture
def world(engine, made, crowdfund, creator) -> World:
    ids, tasks, bounty, newcomer = made
    make_indexer(engine, crowdfund, others=[bounty]).run(follow=False)
    resolve_pending(engine)
    config = WebConfig(
        deployment=deployment_of(crowdfund, bounty),
        public_rpc_url=rpc_url(),
        rpc=Rpc(rpc_url(), attempts=2, backoff=0.01),
        token_abi=load_token_abi(ROOT / "build" / "contracts"),
    )
    client = TestClient(create_app(engine, web_config=config), raise_server_exceptions=True)
    return World(client, ids, creator.address.lower(), newcomer, tasks)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ----------------------------------------------------------------------------- amounts


def test_amounts_read_in_the_tokens_symbol_and_decimals_rounded_down():
    dollar = Token("0x" + "11" * 20, "DUSD", 6)
    assert format_units(1_234_567_891, dollar) == "1,234.5678 DUSD"
    assert format_units(0, ETHER) == "0 ETH"
    assert format_units(E, ETHER) == "1 ETH"
    assert format_units(15 * E // 10, ETHER) == "1.5 ETH"
    assert format_units(1, ETHER) == "< 0.0001 ETH"
    assert format_units(10**40, ETHER) == "10,000,000,000,000,000,000,000 ETH"


def test_amounts_of_any_width_read_exactly_whatever_the_tokens_decimals():
    """A creator may set any uint256 goal in a token of few decimals; the page must show it, to the last
    digit shown, rounded down (Decimal's 28 digits of precision raised on it, a 500, or rounded it up)."""
    dollar = Token("0x" + "11" * 20, "DUSD", 6)
    whole = Token("0x" + "22" * 20, "PTS", 0)
    assert format_units(2**128 - 1, dollar) == "340,282,366,920,938,463,463,374,607,431,768.2114 DUSD"
    assert format_units(2**256 - 1, whole) == f"{2**256 - 1:,} PTS"
    assert format_units(10**29 - 1, ETHER) == "99,999,999,999.9999 ETH"
    assert format_units(10**24, whole) == f"{10**24:,} PTS"


def test_funded_percent_is_rounded_down_and_exact_at_any_width():
    """99.96% of the goal is not 100%: the page would say funded beside a Failed badge."""
    assert funded(9996) == "99%"
    assert funded(9996, 1) == "99.9%"
    assert funded(10_000, 1) == "100.0%"
    assert funded(0) == "0%"
    assert funded(10**30 + 1, 1) == f"{10**28:,}.0%"


def test_points_are_shown_to_the_hundredth_exactly():
    assert points(10**32 + 10**16) == "100,000,000,000,000.01"
    assert points(-(10**32 + 10**16)) == "-100,000,000,000,000.01"
    assert points(5 * 10**15) == "0.01"  # half a hundredth rounds up, as before
    assert points(4 * 10**15) == "0.00"
    assert points(-4 * 10**15) == "0.00"
    assert points(None) == "0.00"
    assert points(str(1234 * 10**18 + 5 * 10**17)) == "1,234.50"


def test_a_tokens_symbol_and_decimals_are_read_from_the_chain_once(token):
    calls = []
    rpc = Rpc(rpc_url())
    real_call = rpc.call
    rpc.call = lambda method, params: calls.append(method) or real_call(method, params)  # type: ignore[method-assign]
    book = TokenBook(rpc)
    assert book.format(2_500 * E, token.address) == "2,500 DUSD"
    assert book.format(E, token.address.upper().replace("0X", "0x")) == "1 DUSD"
    assert calls == ["eth_call", "eth_call"]


def test_a_token_the_chain_cannot_describe_shows_a_short_address_and_is_asked_again():
    book = TokenBook(Rpc(rpc_url(), attempts=1))
    not_a_token = "0x" + "ab" * 20
    assert book.format(E, not_a_token) == "1 0xabab…abab"
    assert not book.token(not_a_token).known


# ----------------------------------------------------------------------------- listing


def test_listing_shows_each_campaign_in_its_own_units_and_never_a_raw_wei_amount(world):
    html = world.client.get("/").text
    assert "ETH" in html and "DUSD" in html
    assert re.search(r"\d{13,}", text_of(html)) is None
    assert "Bicycle workshop" in html


def test_listing_filters_by_state_and_searches_titles(world):
    failed = world.client.get("/?state=Failed").text
    assert "Failed" in failed and "Bicycle workshop" not in failed
    found = world.client.get("/?q=Moon").text
    assert "Moon base" in found and "Bicycle workshop" not in found


def test_listing_pages_through_every_campaign_with_its_next_link(world, monkeypatch):
    monkeypatch.setattr(campaign_pages, "PAGE_SIZE", 2)
    seen, url = [], "/?sort=most_funded"
    while url:
        html = world.client.get(url).text
        seen += [int(i) for i in re.findall(r'href="/c/(\d+)"', html)]
        more = re.search(r'<nav class="pager"[^>]*><a href="([^"]+)"', html)
        url = more.group(1).replace("&amp;", "&") if more else None
    assert sorted(seen) == sorted(world.ids.values())


def test_a_filter_the_page_cannot_understand_gets_a_message_not_a_server_error(world):
    for query in ("creator=0xnot-an-address", "cursor=garbage", "q=%00"):
        response = world.client.get(f"/?{query}")
        assert response.status_code == 400
        assert "were not understood" in response.text


# ----------------------------------------------------------------------------- a campaign


def test_campaign_shows_goal_raised_percent_deadline_fee_and_state(world):
    page = text_of(world.client.get(f"/c/{world.ids['tiers']}").text)
    for expected in (
        "Raised 0.6 ETH",
        "Goal 1 ETH",
        "Funded 60.0%",
        "Backers 3",
        "Platform fee 2.5%",
        "Funding",
    ):
        assert expected in page
    assert re.search(r"\d+ d \d+ h left", page)


def test_campaign_shows_when_rewards_are_due_and_how_milestone_votes_count(world, crowdfund):
    html = world.client.get(f"/c/{world.ids['tiers']}").text
    due = datetime.fromtimestamp(crowdfund.campaign(world.ids["tiers"])["deliveryDate"], UTC)
    delivery = re.search(r'data-testid="delivery-date"><time datetime="([^"]+)"', html)
    assert delivery and delivery.group(1) == due.strftime("%Y-%m-%dT%H:%M:%SZ")
    page = text_of(html)
    assert "Rewards due" in page and "Weighted by pledge" in page and "Vote quorum 20%" in page


def test_a_funded_campaign_asks_its_backers_to_confirm_or_report_delivery_then_rate(world):
    flows = ('data-flow="confirm-delivery"', 'data-flow="report-not-delivered"', 'data-flow="rate-creator"')
    funded = world.client.get(f"/c/{world.ids['funded']}").text  # its delivery date has passed
    assert all(flow in funded for flow in flows)
    funding = world.client.get(f"/c/{world.ids['tiers']}").text
    assert not any(flow in funding for flow in flows)


def test_campaign_names_its_tiers_from_the_verified_metadata_document(world):
    page = text_of(world.client.get(f"/c/{world.ids['tiers']}").text)
    assert "Thank-you card Hand printed 0.1 ETH 17 of 20" in page
    assert "Workshop pass A year 1 ETH unlimited" in page


def test_a_failed_campaign_tells_its_backers_how_to_take_their_money_back(world):
    html = world.client.get(f"/c/{world.ids['failed']}").text
    assert "missed its goal" in html and "refund(" in html
    assert 'data-flow="refund"' in html
    assert 'data-flow="pledge"' not in html


def test_the_risk_notice_lists_what_the_chain_says_about_a_campaign(world):
    risky = text_of(world.client.get(f"/c/{world.ids['risky']}").text)
    assert "No milestones" in risky
    assert "The creator has no history here" in risky
    assert "One account holds 100% of the pledged amount" in risky
    assert "far below what the reward tiers promise" in risky
    assert "Before you pledge" not in text_of(world.client.get(f"/c/{world.ids['tiers']}").text)


def test_the_funds_chart_is_drawn_on_the_server_from_every_pledge(world):
    html = world.client.get(f"/c/{world.ids['tiers']}").text
    svg = re.search(r'<svg class="chart".*?</svg>', html, re.S).group(0)
    points = re.search(r'<polyline points="([^"]+)"', svg).group(1).split()
    assert len(points) == 2 + 2 * 3  # start, two corners per pledge, now
    assert "<script" not in svg and "style=" not in svg


def test_the_live_fragment_is_the_changing_part_of_the_page_alone(world):
    fragment = world.client.get(f"/c/{world.ids['tiers']}?fragment=live").text
    assert "<html" not in fragment and "<header" not in fragment
    assert 'data-testid="raised"' in fragment
    assert 'data-flow="pledge"' not in fragment  # forms stay put while the facts change around them


# ----------------------------------------------------------------------------- languages


def test_the_language_comes_from_the_query_then_the_cookie_then_the_browser(world):
    chosen = world.client.get("/?lang=zh")
    assert '<html lang="zh-CN">' in chosen.text and chosen.cookies.get("lang") == "zh"
    assert '<html lang="zh-CN">' in world.client.get("/statistics").text  # the cookie remembers
    world.client.cookies.clear()
    browser_says = world.client.get("/", headers={"Accept-Language": "fr;q=1, zh-CN;q=0.8, en;q=0.5"})
    assert "众筹项目" in browser_says.text
    assert '<html lang="en">' in world.client.get("/", headers={"Accept-Language": "fr"}).text


# ----------------------------------------------------------------------------- accounts and tasks


def test_an_account_shows_reputation_with_its_history_ratings_and_campaigns(world):
    page = text_of(world.client.get(f"/a/{world.creator}").text)
    assert "Creator:" in page and "funds released" in page and "reward delivered" in page
    assert "Bicycle workshop" in page
    assert "Tasks posted" in page


@pytest.fixture(scope="module")
def verified_forever(reputation, owner):
    """An identity attester, and an account it verified with no expiry (the largest uint64)."""
    attester, account = accounts[9], accounts.add()
    reputation.setAttester(attester, True, {"from": owner})
    reputation.attest(account, 2, 2**64 - 1, {"from": attester})
    return attester.address.lower(), account.address.lower()


def test_an_attestation_that_never_expires_is_shown_and_only_attesters_get_the_forms(verified_forever, world):
    """The natural "never" (2**64 - 1, past year 9999) made the page fail; the forms are the attester's."""
    attester, verified = verified_forever
    response = world.client.get(f"/a/{verified}")
    assert response.status_code == 200
    page = text_of(response.text)
    assert "verified (level 2)" in page and "never expires" in page
    assert f'data-flow="attest" data-only-for="{attester}"' in response.text
    assert f'data-flow="revoke-attestation" data-only-for="{attester}"' in response.text
    assert 'src="/static/build/wallet.js"' in response.text
    # an account nobody attested: the attester may attest it, there is nothing to revoke
    unverified = world.client.get(f"/a/{world.creator}").text
    assert 'data-flow="attest"' in unverified and 'data-flow="revoke-attestation"' not in unverified


def test_task_pages_show_phases_entries_and_places(world):
    board = text_of(world.client.get("/t").text)
    assert "Contest" in board and "Micro-task" in board
    contest = text_of(world.client.get(f"/t/{world.tasks['contest']}").text)
    assert "Entries (1, 0 revealed)" in contest and "Reward 1 ETH" in contest
    micro = text_of(world.client.get(f"/t/{world.tasks['micro']}").text)
    assert "0 open" in micro and "1 taken" in micro and "2 submitted" in micro


def test_a_tasks_arbiter_is_shown_on_its_page_and_in_the_api(world, backers):
    arbiter = backers[5].address.lower()
    micro = world.client.get(f"/t/{world.tasks['micro']}").text
    assert "arbiter, who hears appeals" in micro and f'href="/a/{arbiter}"' in micro
    assert world.client.get(f"/tasks/{world.tasks['micro']}").json()["arbiter"] == arbiter
    assert "arbiter" not in text_of(world.client.get(f"/t/{world.tasks['contest']}").text)
    assert world.client.get(f"/tasks/{world.tasks['contest']}").json()["arbiter"] is None


def test_submitted_work_can_be_reviewed_and_arbitrated_from_the_task_page(world, backers):
    micro = world.client.get(f"/t/{world.tasks['micro']}").text
    # place 2 is submitted; the form is for the requester alone (shown once connected)
    opening = f'<form data-flow="review-place" data-only-for="{world.creator}" hidden>'
    form = re.search(rf"{opening}.*?</form>", micro, re.S)
    assert form and re.findall(r'<option value="(\d+)"', form.group(0)) == ["2"]
    # the task has an arbiter, who has nothing to decide while the requester's review runs (the contract
    # refuses it: ReviewStillRunning)
    assert 'data-flow="arbitrate-place"' not in micro
    assert 'data-flow="co-review-place"' not in micro  # no co-reviewer
    assert 'data-flow="appeal-place"' not in micro  # nothing rejected
    contest = world.client.get(f"/t/{world.tasks['contest']}").text
    assert not re.search(r'data-flow="(review|co-review|appeal|arbitrate)-place"', contest)


def test_the_post_a_task_form_renders_in_english_and_chinese_with_both_kinds(world):
    english = world.client.get("/t/new?lang=en")
    chinese = world.client.get("/t/new?lang=zh")
    assert english.status_code == 200 and chinese.status_code == 200
    assert "Post a task" in english.text and "发布任务" in chinese.text
    form = re.search(r'<form data-flow="post-task".*?</form>', english.text, re.S)
    assert form
    names = "reward pay places workWindow deadline reviewPeriod coReviewer arbiter minWorkerScore"
    for name in (*names.split(), "minVerifiedLevel", "metadataURI"):
        assert f'name="{name}"' in form.group(0), name
    assert re.findall(r'name="kind" value="([\w-]+)"', form.group(0)) == ["contest", "micro-task"]


def test_the_task_board_links_to_the_post_a_task_form(world):
    assert 'href="/t/new"' in world.client.get("/t").text


def test_the_post_form_opens_with_the_kind_asked_for(world):
    html = world.client.get("/t/new?kind=micro-task").text
    assert re.search(r'value="micro-task" checked', html)
    assert re.search(r'<div data-kind="contest" hidden>', html)


def test_a_kind_of_task_that_does_not_exist_answers_400_with_a_message(world):
    response = world.client.get("/t/new?kind=lottery&lang=en")
    assert response.status_code == 400 and "That kind of task does not exist" in response.text


def test_a_contest_with_revealed_entries_offers_the_requester_the_award(world, backers):
    html = world.client.get(f"/t/{world.tasks['revealed']}").text
    opening = f'<form data-flow="award" data-only-for="{world.creator}" hidden>'  # the requester's alone
    form = re.search(rf"{opening}.*?</form>", html, re.S)
    assert form and re.findall(r'data-worker="(0x[0-9a-fA-F]{40})"', form.group(0)) == [
        backers[4].address.lower()
    ]
    # nothing proposed yet: nothing to co-review or finalize; and the contest has no arbiter
    assert not re.search(r'data-flow="(co-review-award|finalize-award|arbitrate-award)"', html)


def test_a_contest_without_revealed_entries_offers_no_award(world):
    html = world.client.get(f"/t/{world.tasks['contest']}").text
    assert not re.search(r'data-flow="(award|co-review-award|arbitrate-award|finalize-award)"', html)


def proposal_outputs(html: str) -> list[str]:
    return re.findall(r"<output data-proposal>(.*?)</output>", html)


def test_a_contest_without_a_proposal_hands_none_to_the_flows(world):
    html = world.client.get(f"/t/{world.tasks['revealed']}").text
    assert proposal_outputs(html) == []
    assert "data-proposal-winners" not in html


def test_a_pending_proposal_is_shown_and_handed_to_the_flows_by_the_page(
    world, made, engine, crowdfund, creator, backers
):
    """The co-review and finalize flows take the winners and shares from the page, not from logs."""
    _, tasks, bounty, _ = made
    bounty.award(tasks["revealed"], [backers[4]], [10_000], {"from": creator})
    make_indexer(engine, crowdfund, others=[bounty]).run(follow=False)
    html = world.client.get(f"/t/{tasks['revealed']}").text
    worker = backers[4].address.lower()
    assert f'data-proposal-winners="{worker}" data-proposal-shares="10000"' in html
    assert proposal_outputs(html) == [f"{worker[:6]}…{worker[-4:]} 100%"]  # the co-review form's
    assert f'data-worker="{worker}" inputmode="decimal" placeholder="0" value="100"' in html  # pre-filled


def test_an_objection_to_the_proposal_is_shown_on_the_page(world, made, engine, crowdfund, creator, backers):
    _, tasks, bounty, _ = made
    bounty.award(tasks["revealed"], [backers[4]], [10_000], {"from": creator})
    bounty.objectToAward(tasks["revealed"], {"from": backers[5]})
    make_indexer(engine, crowdfund, others=[bounty]).run(follow=False)
    html = world.client.get(f"/t/{tasks['revealed']}").text
    facts = re.search(r'<dl class="facts">.*?</dl>', html, re.S)
    assert facts and "objected to by the co-reviewer" in text_of(facts.group(0))


def test_a_page_that_does_not_exist_answers_404_in_html(world):
    for path in ("/c/999999", "/c/nope", "/t/999999", "/a/0x1234"):
        response = world.client.get(path)
        assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")


# ----------------------------------------------------------------------------- security and weight


def test_every_page_has_security_headers_and_no_inline_script_or_style(world):
    paths = [
        "/",
        f"/c/{world.ids['tiers']}",
        f"/c/{world.ids['failed']}",
        "/t",
        f"/t/{world.tasks['contest']}",
        f"/a/{world.creator}",
        "/statistics",
        "/leaderboards",
        "/launch",
        "/c/404040",
    ]
    for path in paths:
        response = world.client.get(path)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy and f"connect-src 'self' {rpc_url()}" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        assert re.search(r"<script(?![^>]*\bsrc=)", response.text) is None, path
        assert re.search(r"\s(style|on\w+)=", response.text) is None, path


def test_the_api_docs_are_served_with_their_assets_from_the_app(world):
    for path in ("/docs", "/redoc"):
        html = world.client.get(path).text
        assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
        assert assets and "http" not in "".join(re.findall(r'(?:src|href)="([^"]+)"', html))
        for asset in assets:
            assert world.client.get(asset).status_code == 200, asset


def test_a_listing_page_transfers_under_100_kb_of_script_and_style_compressed(world):
    html = world.client.get("/").text
    assets = re.findall(r'<script src="([^"]+)"', html) + re.findall(
        r'<link rel="stylesheet" href="([^"]+)"', html
    )
    assert len(assets) >= 2
    sent = 0
    for asset in assets:
        with world.client.stream("GET", asset, headers={"Accept-Encoding": "gzip"}) as response:
            assert response.status_code == 200
            body = b"".join(response.iter_raw())
            if len(body) > 1024:
                assert response.headers.get("content-encoding") == "gzip", asset
                gzip.decompress(body)
            sent += len(body)
    assert sent < PAGE_BUDGET
    assert (STATIC_BUILD / "wallet.js").exists()  # built, and not part of what a listing loads
    assert "/static/build/wallet.js" not in html


def test_an_unreachable_metadata_document_is_not_asked_for_on_every_page(monkeypatch):
    asked = []

    def unreachable(uri, policy):
        asked.append(uri)
        raise MetadataUnavailable("down")

    monkeypatch.setattr(documents, "fetch", unreachable)
    book = documents.Documents(retry_seconds=60)
    for _ in range(3):
        assert book.get("https://example.invalid/doc.json", "0x" + "00" * 32).verified is False
    assert asked == ["https://example.invalid/doc.json"]
