"""Reputation indexed from events alone equals the contract: every stored score, every faded score across a
half-life change, the leaderboard order, each score's explanation, each rating's price and each backer's
delivery, on both stores."""

from alembic import command
from brownie import chain
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from crowdledger.api.app import create_app
from crowdledger.reputation import Role
from crowdledger.store.db import alembic_config
from crowdledger.store.models import Campaign, Pledge, Rating, RawEvent, ReputationScore
from tests.backend.conftest import launch_campaign, make_indexer, simulate

DAY = 86400


def rate_and_attest(reputation, crowdfund, owner, creator, backers, funded: int) -> dict[str, int]:
    """Backers 1 to 3 rate the funded campaign's creator (backer 1 confirms delivery first; `simulate` had 2
    and 3 confirm); returns each rater's points as the chain wrote them."""
    crowdfund.confirmDelivery(funded, {"from": backers[1]})
    points = {}
    for stars, backer in zip((5, 2, 4), backers[1:4], strict=True):
        tx = reputation.rate(crowdfund, funded, creator, stars, {"from": backer})
        points[backer.address.lower()] = tx.events["ScoreChanged"]["points"]
    reputation.setAttester(owner, True, {"from": owner})
    reputation.attest(backers[0], 2, chain.time() + 30 * DAY, {"from": owner})
    reputation.attest(backers[1], 1, chain.time() + 30 * DAY, {"from": owner})
    reputation.revoke(backers[1], {"from": owner})
    return points


def test_scores_ratings_and_attestations_match_the_chain(
    engine, crowdfund, reputation, token, owner, creator, backers
):
    ids = simulate(crowdfund, token, creator, backers)
    rated_points = rate_and_attest(reputation, crowdfund, owner, creator, backers, ids["funded"])
    reputation.setHalfLife(30 * DAY, {"from": owner})
    chain.sleep(10 * DAY)
    chain.mine()
    make_indexer(engine, crowdfund).run(follow=False)

    with engine.connect() as conn:
        stored = {(r.account, r.role): (r.value, r.updated_at) for r in conn.execute(select(ReputationScore))}
    assert stored, "the simulation changed no score"
    for (account, role), (value, updated_at) in stored.items():
        assert (value, updated_at) == tuple(int(x) for x in reputation.score(account, role))

    client = TestClient(create_app(engine), raise_server_exceptions=False)
    profile = client.get(f"/accounts/{creator.address}").json()["reputation"]
    [creator_score] = [s for s in profile["scores"] if s["role"] == "creator"]
    assert int(creator_score["score"]) == reputation.scoreOf(creator, int(Role.CREATOR))
    assert sorted(r["stars"] for r in profile["ratings_received"]) == [2, 4, 5]
    # each rater pledged 1 ETH (V = 1), unverified; backer 1 also reported non-delivery of the approved
    # campaign, a second deal with the creator
    deals = {backers[1].address.lower(): 2, backers[2].address.lower(): 1, backers[3].address.lower(): 1}
    for rating in profile["ratings_received"]:
        assert int(rating["points"]) == rated_points[rating["rater"]]
        assert (int(rating["value_factor"]), rating["weight_bps"]) == (10**18, 5_000)
        assert rating["pair_deals"] == deals[rating["rater"]]

    explained = client.get(f"/accounts/{creator.address}/reputation/creator").json()
    assert int(explained["score"]) == reputation.scoreOf(creator, int(Role.CREATOR))
    reasons = {line["reason"] for line in explained["lines"]}
    assert {"campaign.claimed", "campaign.failed", "milestone.rejected", "rating"} <= reasons
    assert {"campaign.delivered", "campaign.undelivered"} <= reasons

    board = client.get("/leaderboards/creator").json()
    assert board["half_life"] == 30 * DAY
    assert [e["account"] for e in board["entries"]] == [creator.address.lower()]

    deliveries = {
        (p["campaign_id"], p["backer"]): p["delivery"]
        for who in backers[1:4]
        for p in client.get(f"/accounts/{who.address}").json()["pledges"]
    }
    assert deliveries[(ids["funded"], backers[2].address.lower())] == "confirmed"
    assert deliveries[(ids["approved"], backers[1].address.lower())] == "not-delivered"
    assert deliveries[(ids["approved"], backers[2].address.lower())] is None
    detail = client.get(f"/campaigns/{ids['funded']}").json()
    assert (detail["vote_mode"], detail["min_attestation_level"]) == ("pledge-weighted", 0)
    assert detail["delivery_date"] == crowdfund.campaign(ids["funded"])["deliveryDate"]

    verified = client.get(f"/accounts/{backers[0].address}").json()["reputation"]["attestation"]
    revoked = client.get(f"/accounts/{backers[1].address}").json()["reputation"]["attestation"]
    assert (verified["level"], verified["valid"]) == (2, True)
    assert (revoked["revoked"], revoked["valid"]) == (True, False)
    assert client.get(f"/accounts/{backers[5].address}").json()["reputation"] == {
        "scores": [],
        "ratings_received": [],
        "attestation": None,
    }


def test_a_recorded_failure_is_indexed_for_its_campaign_alone(
    engine, crowdfund, reputation, token, creator, backers
):
    ids = simulate(crowdfund, token, creator, backers)  # with a ledger, the failure of "failed" is recorded
    make_indexer(engine, crowdfund).run(follow=False)
    with engine.connect() as conn:
        recorded = dict(conn.execute(select(Campaign.id, Campaign.failure_recorded)).all())
    assert recorded == {campaign_id: name == "failed" for name, campaign_id in ids.items()}


def test_unknown_roles_are_refused_with_the_error_shape(engine, crowdfund):
    client = TestClient(create_app(engine), raise_server_exceptions=False)
    for path in ("/leaderboards/hero", "/accounts/0x" + "ab" * 20 + "/reputation/hero"):
        response = client.get(path)
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["field"] == "role"


def test_an_index_from_before_the_pricing_columns_upgrades_with_neutral_values(engine):
    """Revision 0005 adds the delivery, vote-mode and rating-price columns; rows already there read as no
    delivery, pledge-weighted, and a rating whose price inputs and points are 0 (until the rebuild it asks
    for refills them from the raw events)."""
    config = alembic_config(engine)
    command.downgrade(config, "0004")
    zero = 0
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ratings (source, ref, rater, subject, stars, weight_bps, timestamp) "
                "VALUES ('0xs', :zero, '0xr', '0xt', 4, 2500, 1)"
            ),
            {"zero": zero},
        )
        conn.execute(
            text(
                "INSERT INTO pledges (campaign_id, backer, amount, tier_id, refunded, first_block) "
                "VALUES (1, '0xb', :zero, 0, :zero, 1)"
            ),
            {"zero": zero},
        )
    command.upgrade(config, "head")
    with engine.connect() as conn:
        rating = conn.execute(
            select(Rating.stars, Rating.value_factor, Rating.pair_deals, Rating.points)
        ).one()
        assert tuple(rating) == (4, 0, 0, 0)
        assert conn.execute(select(Pledge.delivery)).scalar_one() is None
        assert conn.execute(select(Campaign.vote_mode)).first() is None  # the column exists and reads


def test_priced_ratings_are_indexed_at_the_price_the_chain_wrote(
    engine, crowdfund, reputation, owner, creator, backers
):
    """Ratings about pledges above a unit (V capped at 1), below it (V = 0.2) and below the minimum (dust, V =
    0), by a verified and by unverified raters: each indexed rating holds the inputs and points of the chain's
    `Rated` and `ScoreChanged`, and the creator's score is the ledger's."""
    verified, small, dust = backers[:3]
    reputation.setAttester(owner, True, {"from": owner})
    reputation.attest(verified, 1, chain.time() + 365 * DAY, {"from": owner})
    funded = launch_campaign(crowdfund, creator, goal=10**18, days=2)
    for backer, amount in ((verified, 4 * 10**18), (small, 4 * 10**16), (dust, 5 * 10**15)):
        crowdfund.pledge(funded, 0, amount, {"from": backer, "value": amount})
    chain.sleep(3 * DAY)
    chain.mine()
    written = {}
    for backer, stars in ((verified, 5), (small, 1), (dust, 5)):
        crowdfund.confirmDelivery(funded, {"from": backer})
        tx = reputation.rate(crowdfund, funded, creator, stars, {"from": backer})
        rated, changed = tx.events["Rated"], tx.events["ScoreChanged"]  # a rating writes one score
        written[backer.address.lower()] = (
            stars,
            rated["valueFactor"],
            rated["weightBps"],
            rated["pairDeals"],
            changed["points"],
        )
    make_indexer(engine, crowdfund).run(follow=False)

    with engine.connect() as conn:
        ratings = conn.execute(select(Rating).where(Rating.ref == funded)).all()
        creator_score = conn.execute(
            select(ReputationScore).where(
                ReputationScore.account == creator.address.lower(), ReputationScore.role == int(Role.CREATOR)
            )
        ).one()
        raw = set(conn.execute(select(RawEvent.name).where(RawEvent.contract == "Reputation")).scalars())
    indexed = {r.rater: (r.stars, r.value_factor, r.weight_bps, r.pair_deals, r.points) for r in ratings}
    assert indexed == written
    assert [written[b.address.lower()][1] for b in (verified, small, dust)] == [10**18, 2 * 10**17, 0]
    assert [written[b.address.lower()][2] for b in (verified, small, dust)] == [10_000, 5_000, 5_000]
    assert (creator_score.value, creator_score.updated_at) == tuple(
        int(x) for x in reputation.score(creator, int(Role.CREATOR))
    )
    assert {"DealRecorded", "Rated", "ScoreChanged", "Attested"} <= raw
