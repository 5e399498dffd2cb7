"""Issue 10's first attack, as a visitor sees it: a creator who launches a 1-wei campaign, backs it from a
second account, claims, confirms delivery and rates themselves five stars earns nothing a leaderboard or an
account page shows, while a creator who raised 3 ETH from three backers leads. On both stores."""

from brownie import chain
from fastapi.testclient import TestClient

from crowdledger.api.app import create_app
from tests.backend.conftest import DELIVERY_DAYS, launch_campaign, make_indexer

DAY = 86400
E = 10**18


def deliver_and_rate(crowdfund, reputation, campaign: int, creator, backers) -> None:
    """Each backer confirms delivery and rates the creator five stars (the deadline and the delivery date
    have passed)."""
    for backer in backers:
        crowdfund.confirmDelivery(campaign, {"from": backer})
        reputation.rate(crowdfund, campaign, creator, 5, {"from": backer})


def test_a_one_wei_campaign_with_a_self_rating_earns_nothing_a_page_shows(
    engine, crowdfund, reputation, creator, backers
):
    honest, faker, sock = creator, backers[4], backers[5]
    real = launch_campaign(crowdfund, honest, goal=3 * E, title="Real")
    dust = launch_campaign(crowdfund, faker, goal=1, title="Dust")
    for backer in backers[:3]:
        crowdfund.pledge(real, 0, E, {"from": backer, "value": E})
    crowdfund.pledge(dust, 0, 1, {"from": sock, "value": 1})
    chain.sleep(11 * DAY)
    chain.mine()
    crowdfund.claim(real, honest, {"from": honest})
    crowdfund.claim(dust, faker, {"from": faker})
    chain.sleep(DELIVERY_DAYS * DAY)
    chain.mine()
    deliver_and_rate(crowdfund, reputation, real, honest, backers[:3])
    deliver_and_rate(crowdfund, reputation, dust, faker, [sock])

    make_indexer(engine, crowdfund).run(follow=False)
    client = TestClient(create_app(engine), raise_server_exceptions=False)

    board = client.get("/leaderboards/creator").json()["entries"]
    scores = {entry["account"].lower(): int(entry["score"]) for entry in board}
    assert board[0]["account"].lower() == honest.address.lower() and scores[honest.address.lower()] > 0
    assert scores.get(faker.address.lower(), 0) == 0, "a 1-wei campaign earned creator points"

    account = client.get(f"/accounts/{faker.address}").json()
    scores_of_faker = account["reputation"]["scores"]
    assert sum(int(s["score"]) for s in scores_of_faker if s["role"].lower() == "creator") == 0
    assert all(int(r["points"]) == 0 for r in account["reputation"]["ratings_received"])

    page = client.get("/leaderboards")
    assert page.status_code == 200
    creators = page.text.lower()
    assert honest.address.lower() in creators
    if faker.address.lower() in creators:  # listed at all, then below the honest creator
        assert creators.index(honest.address.lower()) < creators.index(faker.address.lower())
