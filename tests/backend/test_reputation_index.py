"""Reputation indexed from events alone equals the contract: every stored score, every faded score, the
leaderboard order, and each score's explanation, on both stores."""

from brownie import chain
from fastapi.testclient import TestClient
from sqlalchemy import select

from crowdledger.api.app import create_app
from crowdledger.reputation import Role
from crowdledger.store.models import ReputationScore
from tests.backend.conftest import make_indexer, simulate

DAY = 86400


def rate_and_attest(reputation, crowdfund, owner, creator, backers, funded: int) -> None:
    for stars, backer in zip((5, 2, 4), backers[1:4], strict=True):
        reputation.rate(crowdfund, funded, creator, stars, {"from": backer})
    reputation.setAttester(owner, True, {"from": owner})
    reputation.attest(backers[0], 2, chain.time() + 30 * DAY, {"from": owner})
    reputation.attest(backers[1], 1, chain.time() + 30 * DAY, {"from": owner})
    reputation.revoke(backers[1], {"from": owner})


def test_scores_ratings_and_attestations_match_the_chain(
    engine, crowdfund, reputation, token, owner, creator, backers
):
    ids = simulate(crowdfund, token, creator, backers)
    rate_and_attest(reputation, crowdfund, owner, creator, backers, ids["funded"])
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

    explained = client.get(f"/accounts/{creator.address}/reputation/creator").json()
    assert int(explained["score"]) == reputation.scoreOf(creator, int(Role.CREATOR))
    reasons = {line["reason"] for line in explained["lines"]}
    assert {"campaign.succeeded", "campaign.failed", "milestone.approved", "rating"} <= reasons

    board = client.get("/leaderboards/creator").json()
    assert board["half_life"] == 30 * DAY
    assert [e["account"] for e in board["entries"]] == [creator.address.lower()]

    verified = client.get(f"/accounts/{backers[0].address}").json()["reputation"]["attestation"]
    revoked = client.get(f"/accounts/{backers[1].address}").json()["reputation"]["attestation"]
    assert (verified["level"], verified["valid"]) == (2, True)
    assert (revoked["revoked"], revoked["valid"]) == (True, False)
    assert client.get(f"/accounts/{backers[5].address}").json()["reputation"] == {
        "scores": [],
        "ratings_received": [],
        "attestation": None,
    }


def test_unknown_roles_are_refused_with_the_error_shape(engine, crowdfund):
    client = TestClient(create_app(engine), raise_server_exceptions=False)
    for path in ("/leaderboards/hero", "/accounts/0x" + "ab" * 20 + "/reputation/hero"):
        response = client.get(path)
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["field"] == "role"
