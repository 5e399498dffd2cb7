"""Each fraud pattern staged on a chain of its own, and beside it the same business done honestly: the rule
fires on the first, names the accounts and transactions, and stays silent on the second."""

from brownie import chain, history

from tests.backend.audit.conftest import E, contest, fresh_account, run_audit
from tests.backend.conftest import launch_campaign
from tests.conftest import DAY, ETH


def findings(deployment, rule: str) -> list[dict]:
    return [f for f in run_audit(deployment).report["findings"] if f["rule"] == rule]


def end_funding(days: int = 3) -> None:
    chain.sleep(days * DAY)
    chain.mine()


def claim_and_rate(crowdfund, reputation, campaign, creator, backer, stars: int = 5):
    """The creator claims; `backer` confirms delivery (a rating needs it) and rates the creator."""
    crowdfund.claim(campaign, creator, {"from": creator})
    crowdfund.confirmDelivery(campaign, {"from": backer})
    return reputation.rate(crowdfund, campaign, creator, stars, {"from": backer})


def price_dust(reputation, owner) -> None:
    """The ledger's owner lets any amount of ETH earn points (no minimum): dust then earns a little."""
    reputation.setAsset(ETH, 10**18, 0, {"from": owner})


# ----------------------------------------------------------------------------- creators funding themselves


def test_a_creator_pledging_to_their_own_campaign_is_found(deployment, crowdfund, creator):
    campaign = launch_campaign(crowdfund, creator, goal=2 * E)
    pledge = crowdfund.pledge(campaign, 0, E, {"from": creator, "value": E})
    [found] = findings(deployment, "self-funding")
    assert found["accounts"] == [creator.address.lower()]
    assert found["transactions"] == [pledge.txid]
    assert f"the creator pledged 1 ETH to their own campaign {campaign}" in found["reason"]


def test_a_pledge_from_an_account_the_creator_funded_shortly_before_is_found(deployment, crowdfund, creator):
    campaign = launch_campaign(crowdfund, creator, goal=5 * E)
    second = fresh_account(creator, 3 * E)
    funding = history[-1].txid
    pledge = crowdfund.pledge(campaign, 0, 2 * E, {"from": second, "value": 2 * E})
    [found] = findings(deployment, "self-funding")
    assert found["accounts"] == [creator.address.lower(), second.address.lower()]
    assert found["transactions"] == [funding, pledge.txid]
    assert "after its creator sent it 3 ETH" in found["reason"]


def test_backers_the_creator_never_funded_raise_nothing(deployment, crowdfund, creator, backers):
    campaign = launch_campaign(crowdfund, creator, goal=5 * E)
    elsewhere = launch_campaign(crowdfund, backers[4], goal=5 * E)
    for backer in backers[:3]:
        crowdfund.pledge(campaign, 0, E, {"from": backer, "value": E})
    friend = fresh_account(creator)  # funded by the creator, but backs someone else's campaign
    crowdfund.pledge(elsewhere, 0, E, {"from": friend, "value": E})
    assert findings(deployment, "self-funding") == []


def test_a_pledge_long_after_the_creators_transfer_is_not_shortly_after_it(deployment, crowdfund, creator):
    second = fresh_account(creator, 3 * E)
    chain.sleep(8 * DAY)
    campaign = launch_campaign(crowdfund, creator, goal=5 * E)
    crowdfund.pledge(campaign, 0, E, {"from": second, "value": E})
    assert findings(deployment, "self-funding") == []


# ----------------------------------------------------------------------------- clusters of fresh accounts


def test_fresh_accounts_funded_by_one_source_pledging_together_are_found(
    deployment, crowdfund, creator, backers
):
    campaign = launch_campaign(crowdfund, creator, goal=10 * E)
    source = backers[5]
    cluster = [fresh_account(source) for _ in range(3)]
    for account in cluster:
        crowdfund.pledge(campaign, 0, E, {"from": account, "value": E})
    [found] = findings(deployment, "fresh-cluster")
    assert found["accounts"] == [source.address.lower(), *(a.address.lower() for a in cluster)]
    assert len(found["transactions"]) == 6  # three fundings, three pledges
    assert (
        f"3 fresh accounts, each first funded by {source.address.lower()}, all pledged to campaign"
        in (found["reason"])
    )


def test_fresh_accounts_from_different_sources_raise_no_cluster(deployment, crowdfund, creator, backers):
    campaign = launch_campaign(crowdfund, creator, goal=10 * E)
    for source in backers[3:6]:
        crowdfund.pledge(campaign, 0, E, {"from": fresh_account(source), "value": E})
    two = [fresh_account(backers[0]) for _ in range(2)]  # one source, but fewer than the threshold
    for account in two:
        crowdfund.pledge(campaign, 0, E, {"from": account, "value": E})
    assert findings(deployment, "fresh-cluster") == []


# ----------------------------------------------------------------------------- reputation bought cheaply


def test_points_and_a_rating_from_a_one_wei_campaign_are_found_where_the_ledger_prices_dust(
    deployment, crowdfund, reputation, owner, creator, backers
):
    price_dust(reputation, owner)
    campaign = launch_campaign(crowdfund, creator, goal=1, days=2)
    crowdfund.pledge(campaign, 0, 1, {"from": backers[0], "value": 1})
    end_funding()
    claim_and_rate(crowdfund, reputation, campaign, creator, backers[0])
    found = findings(deployment, "cheap-reputation")
    # the creator (for the claim, the confirmed delivery and the rating), the backer (for confirming it)
    assert {f["accounts"][0] for f in found} == {creator.address.lower(), backers[0].address.lower()}
    assert any("(campaign.claimed)" in f["reason"] for f in found)
    assert all(
        f"from campaign {campaign}, which was worth 0.000000000000000001 ETH" in f["reason"] for f in found
    )


def test_a_one_wei_campaign_earns_nothing_under_the_ledgers_minimum_so_nothing_is_found(
    deployment, crowdfund, reputation, creator, backers
):
    campaign = launch_campaign(crowdfund, creator, goal=1, days=2)
    crowdfund.pledge(campaign, 0, 1, {"from": backers[0], "value": 1})
    end_funding()
    claim_and_rate(crowdfund, reputation, campaign, creator, backers[0])
    assert reputation.scoreOf(creator, 0) == 0
    assert findings(deployment, "cheap-reputation") == []


def test_a_one_wei_contest_earns_its_winner_and_requester_a_finding_each(
    deployment, bounty, reputation, owner, backers
):
    price_dust(reputation, owner)
    task = contest(bounty, backers[0], [backers[1]], reward=1)
    found = findings(deployment, "cheap-reputation")
    assert sorted(f["accounts"][0] for f in found) == sorted(a.address.lower() for a in backers[:2])
    assert all(f"contest {task}" in f["reason"] for f in found)


def test_reputation_from_a_real_campaign_and_contest_raises_nothing(
    deployment, crowdfund, reputation, bounty, creator, backers
):
    campaign = launch_campaign(crowdfund, creator, goal=2 * E, days=2)
    for backer in backers[:2]:
        crowdfund.pledge(campaign, 0, E, {"from": backer, "value": E})
    end_funding()
    claim_and_rate(crowdfund, reputation, campaign, creator, backers[0])
    contest(bounty, backers[3], [backers[4]], reward=E)
    assert findings(deployment, "cheap-reputation") == []


# ----------------------------------------------------------------------------- rating rings


def test_two_accounts_praising_each_other_in_two_contests_are_a_ring(deployment, bounty, reputation, backers):
    requester, worker = backers[0], backers[1]
    for _ in range(2):
        task = contest(bounty, requester, [worker], reward=E)
        reputation.rate(bounty, task, worker, 5, {"from": requester})
        reputation.rate(bounty, task, requester, 5, {"from": worker})
    [found] = findings(deployment, "rating-ring")
    assert sorted(found["accounts"]) == sorted([requester.address.lower(), worker.address.lower()])
    assert len(found["transactions"]) == 4
    assert "in 2 separate deals" in found["reason"]


def test_three_creators_backing_and_praising_each_other_in_turn_are_a_ring(
    deployment, crowdfund, reputation, backers
):
    ring = backers[:3]
    campaigns = [launch_campaign(crowdfund, creator, goal=E, days=2) for creator in ring]
    for i, backer in enumerate(ring):  # each backs the next one's campaign
        crowdfund.pledge(campaigns[(i + 1) % 3], 0, E, {"from": backer, "value": E})
    end_funding()
    for i, backer in enumerate(ring):
        campaign, creator = campaigns[(i + 1) % 3], ring[(i + 1) % 3]
        claim_and_rate(crowdfund, reputation, campaign, creator, backer)
    [found] = findings(deployment, "rating-ring")
    assert sorted(found["accounts"]) == sorted(a.address.lower() for a in ring)
    assert found["reason"].count("→") == 3


def test_a_requester_and_a_worker_rating_each_other_once_are_no_ring(deployment, bounty, reputation, backers):
    task = contest(bounty, backers[0], [backers[1]], reward=E)
    reputation.rate(bounty, task, backers[1], 5, {"from": backers[0]})
    reputation.rate(bounty, task, backers[0], 4, {"from": backers[1]})
    assert findings(deployment, "rating-ring") == []


# ----------------------------------------------------------------------------- milestone votes


def vote_on_first_milestone(crowdfund, creator, honest, big, big_approves: bool = True) -> int:
    """Backers pledge 1 + 1 ETH, `big` 10 ETH; after success `big` approves, the honest reject. A
    pledge-weighted vote is a veto at 20% of `raised` (as unverified backers weigh it): the honest 2 ETH would
    veto alone, but `big`'s pledge raises the bar above them, so the milestone passes."""
    campaign = launch_campaign(crowdfund, creator, goal=E, days=2, milestones=[5000, 5000])
    for backer in honest:
        crowdfund.pledge(campaign, 0, E, {"from": backer, "value": E})
    crowdfund.pledge(campaign, 0, 10 * E, {"from": big, "value": 10 * E})
    end_funding()
    crowdfund.openVote(campaign, {"from": creator})
    crowdfund.vote(campaign, big_approves, {"from": big})
    for backer in honest:
        crowdfund.vote(campaign, False, {"from": backer})
    chain.sleep(8 * DAY)
    crowdfund.closeVote(campaign, {"from": honest[0]})
    return campaign


def test_a_milestone_passed_by_the_creators_second_account_is_found(deployment, crowdfund, creator, backers):
    second = fresh_account(creator, 11 * E)
    campaign = vote_on_first_milestone(crowdfund, creator, backers[:2], second)
    [found] = findings(deployment, "captured-vote")
    assert found["accounts"] == [creator.address.lower(), second.address.lower()]
    assert (
        f"milestone 1 of campaign {campaign} passed, but the honest backers' weight rejects it"
        in (found["reason"])
    )
    assert history[-1].txid in found["transactions"]  # the close


def test_a_milestone_passed_by_an_unrelated_large_backer_is_not_flagged(
    deployment, crowdfund, creator, backers
):
    vote_on_first_milestone(crowdfund, creator, backers[:2], backers[2])
    assert findings(deployment, "captured-vote") == []


# ----------------------------------------------------------------------------- contest entries


def test_an_entry_by_an_account_the_requester_funded_is_found(deployment, bounty, backers):
    requester = backers[0]
    puppet = fresh_account(requester, 2 * E)
    task = contest(bounty, requester, [backers[1], puppet], reward=E, winner_index=1)
    [found] = findings(deployment, "tied-entry")
    assert found["accounts"] == [requester.address.lower(), puppet.address.lower()]
    assert f"entered contest {task} of requester" in found["reason"]


def test_entries_by_fresh_accounts_funded_from_one_source_are_found(deployment, bounty, backers):
    source = backers[4]
    entrants = [fresh_account(source, 2 * E) for _ in range(2)]
    task = contest(bounty, backers[0], [backers[1], *entrants], reward=E)
    [found] = findings(deployment, "tied-entry")
    assert found["accounts"] == [source.address.lower(), *(a.address.lower() for a in entrants)]
    assert f"2 entries in contest {task} come from fresh accounts" in found["reason"]


def test_entries_by_unrelated_workers_raise_nothing(deployment, bounty, backers):
    contest(bounty, backers[0], backers[1:4], reward=E)
    assert findings(deployment, "tied-entry") == []
