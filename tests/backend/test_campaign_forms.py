"""The campaign page's milestone, failure and claim forms are offered exactly while the contract would take
their party's call: a backer's vote, anyone's closing of a vote that ended, the creator's opening of the next
vote (any backer's too once the creator has been silent for MILESTONE_GRACE), anyone's recording of a
failure, the creator's claim (with its amount)."""

import re
from decimal import Decimal

import pytest
from brownie import accounts, chain

from tests.backend.conftest import accepts, launch_campaign, make_indexer, wallet_client

DAY = 86400
E = 10**18
FLOWS = ("vote", "close-vote", "open-vote", "record-failure", "claim")


@pytest.fixture
def page(engine, crowdfund, reputation):
    """(an indexer of `crowdfund`, an API client whose pages carry the wallet's forms)."""
    indexer = make_indexer(engine, crowdfund)
    with wallet_client(engine, indexer) as client:
        yield indexer, client


def test_the_milestone_failure_and_claim_forms_are_offered_exactly_while_the_contract_takes_them(
    page, crowdfund, creator, backers
):
    """No page offered closeVote or recordFailure, nor a backer's openVote after the creator's silence: a
    creator's next tranche, or the backers' refunds after a rejection, waited on someone with the CLI. The
    vote form stayed after the vote's week, and showed to the creator (CreatorCannotVote); the creator's
    open-vote form showed with no milestone left, and the claim form with nothing to claim."""
    indexer, client = page
    backer, stranger = backers[0], accounts[9]
    staged = launch_campaign(
        crowdfund, creator, goal=E, days=2, milestones=[5000, 2500, 2500], title="Staged"
    )
    missed = launch_campaign(crowdfund, creator, goal=50 * E, days=2, title="Missed")
    crowdfund.pledge(staged, 0, E, {"from": backer, "value": E})
    crowdfund.pledge(missed, 0, E // 10, {"from": backer, "value": E // 10})
    creator_address = creator.address.lower()

    def offered(campaign_id: int) -> set[str]:
        indexer.run(follow=False)
        html = client.get(f"/c/{campaign_id}?lang=en").text
        section = re.search(rf'<section data-only-for="{creator_address}" hidden>.*?</section>', html, re.S)
        public = html.replace(section.group(0), "")
        flows = set(re.findall(rf'<form data-flow="({"|".join(FLOWS)})"', public))
        if "vote" in flows:  # any backer's, not the creator's
            assert f'<form data-flow="vote" data-not-for="{creator_address}">' in public
        if "open-vote" in flows:  # the creator keeps their own form
            assert f'<form data-flow="open-vote" data-not-for="{creator_address}">' in public
        flows |= {
            f"{flow} (creator)" for flow in re.findall(r'data-flow="(open-vote|claim)"', section.group(0))
        }
        if "claim (creator)" in flows:
            shown = re.search(r'data-testid="claimable">([\d.]+) ETH<', section.group(0)).group(1)
            assert Decimal(shown) * E == crowdfund.claimable(campaign_id)
        return flows

    def accepted(campaign_id: int) -> set[str]:
        calls = {
            "vote": accepts(crowdfund.vote.call, campaign_id, True, {"from": backer}),
            "close-vote": accepts(crowdfund.closeVote.call, campaign_id, {"from": stranger}),
            "open-vote": accepts(crowdfund.openVote.call, campaign_id, {"from": backer}),
            "open-vote (creator)": accepts(crowdfund.openVote.call, campaign_id, {"from": creator}),
            "claim (creator)": accepts(crowdfund.claim.call, campaign_id, creator, {"from": creator}),
            "record-failure": accepts(crowdfund.recordFailure.call, campaign_id, {"from": stranger}),
        }
        assert not accepts(crowdfund.vote.call, campaign_id, True, {"from": creator})
        return {flow for flow, yes in calls.items() if yes}

    def check(staged_flows: set[str], missed_flows: set[str]) -> None:
        assert offered(staged) == accepted(staged) == staged_flows
        assert offered(missed) == accepted(missed) == missed_flows

    check(set(), set())  # funding
    chain.sleep(2 * DAY + 60)
    chain.mine()
    check({"open-vote (creator)", "claim (creator)"}, {"record-failure"})
    crowdfund.claim(staged, creator, {"from": creator})  # the first tranche
    crowdfund.openVote(staged, {"from": creator})
    crowdfund.recordFailure(missed, {"from": stranger})
    check({"vote"}, set())
    chain.sleep(7 * DAY)  # Crowdfund.VOTE_PERIOD
    chain.mine()
    check({"close-vote"}, set())
    crowdfund.closeVote(staged, {"from": stranger})  # nobody rejected: the second tranche unlocks
    check({"open-vote (creator)", "claim (creator)"}, set())
    chain.sleep(180 * DAY)  # Crowdfund.MILESTONE_GRACE: the creator kept silent
    chain.mine()
    check({"open-vote (creator)", "open-vote", "claim (creator)"}, set())
    crowdfund.openVote(staged, {"from": backer})
    chain.sleep(7 * DAY)
    chain.mine()
    crowdfund.closeVote(staged, {"from": stranger})
    check({"claim (creator)"}, set())  # no milestone left to vote on: the rest is the creator's
    crowdfund.claim(staged, creator, {"from": creator})
    check(set(), set())
