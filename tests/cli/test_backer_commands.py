"""Backers from the command line: pledge in ETH or a token (approval or permit), change tier, unpledge,
refund, vote, record a failure; and each refusal as one line with nothing sent."""

import pytest

from tests.cli.conftest import (
    DAY,
    DELIVERY_DAYS,
    UNVERIFIED_WEIGHT_BPS,
    WAD,
    deploy,
    launch,
    pledge_directly,
)

TIER_PRICE = WAD // 2


@pytest.fixture(scope="module")
def campaign(world):
    """An ETH campaign: goal 2 ETH, ten days, a tier of 0.5 ETH (2 places) and an unlimited one of 1 ETH."""
    return launch(world, tiers=((TIER_PRICE, 2), (WAD, 0)))


@pytest.fixture(scope="module")
def token_campaign(world):
    return launch(world, token=world.token.address, goal=1_000 * WAD)


def pledge_of(world, campaign_id, who):
    pledge = world.contracts["Crowdfund"].functions.pledges(campaign_id, world.addresses[who]).call()
    return pledge[0], pledge[1]  # (amount, tierId, lastVotedMilestone, delivery flags..., rated)


def test_pledge_in_eth_sends_the_amount_and_says_what_it_did(world, campaign):
    out = world.ok("pledge", campaign, "0.75", "--tier", 1, "--account", "backer")
    assert f"Pledged 0.75 ETH to campaign {campaign} (tier 1); the pledge is now 0.75 ETH" in out
    assert pledge_of(world, campaign, "backer") == (3 * WAD // 4, 1)


def test_pledge_in_a_token_approves_exactly_the_amount_then_pledges(world, token_campaign):
    before = world.nonce("backer")
    out = world.ok("pledge", token_campaign, "250", "--account", "backer")
    assert "Approving" in out and "250 DUSD" in out
    assert pledge_of(world, token_campaign, "backer") == (250 * WAD, 0)
    assert world.nonce("backer") == before + 2  # approve, then pledge
    crowdfund = world.contracts["Crowdfund"].address
    assert world.token.functions.allowance(world.addresses["backer"], crowdfund).call() == 0  # all used


def test_a_tether_like_token_is_approved_from_zero_then_pledged(world):
    """USDT reverts without data when the allowance is short (so the check refused the pledge itself) and
    changes no allowance that is not zero into another that is not (so approving over an allowance left from
    before failed). The command sets it to zero first, then approves, then pledges."""
    tether = deploy(
        world.w3, "TetherLikeToken", "Tether-like Dollar", "TLD", 6, sender=world.addresses["owner"]
    )
    world.transact(tether, "mint", world.addresses["backer"], 1_000 * 10**6)
    crowdfund = world.contracts["Crowdfund"].address
    world.transact(tether, "approve", crowdfund, 5 * 10**6, sender="backer")  # left over from before
    campaign = launch(world, token=tether.address, goal=5_000 * 10**6)
    before = world.nonce("backer")
    out = world.ok("pledge", campaign, "40", "--account", "backer")
    assert "Setting the allowance" in out and "to zero first" in out
    assert pledge_of(world, campaign, "backer") == (40 * 10**6, 0)
    assert world.nonce("backer") == before + 3  # to zero, to 40, the pledge
    assert tether.functions.allowance(world.addresses["backer"], crowdfund).call() == 0


def test_a_paused_tether_like_token_is_refused_before_an_approval_is_paid_for(world):
    """A paused USDT refuses a pledge's transfer without a word, as it refuses a missing allowance: the
    command took the silence for the allowance, paid for an approval, and only then was refused. It now
    asks the token to move the amount itself first."""
    tether = deploy(
        world.w3, "TetherLikeToken", "Tether-like Dollar", "TLD", 6, sender=world.addresses["owner"]
    )
    world.transact(tether, "mint", world.addresses["backer"], 1_000 * 10**6)
    campaign = launch(world, token=tether.address, goal=5_000 * 10**6)
    world.transact(tether, "setPaused", True)
    before = world.nonce("backer")
    message = world.refused("pledge", campaign, "40", "--account", "backer")
    assert "the TLD token refuses to move 40 TLD" in message and "paused" in message
    assert world.nonce("backer") == before  # no approval was sent
    crowdfund = world.contracts["Crowdfund"].address
    assert tether.functions.allowance(world.addresses["backer"], crowdfund).call() == 0
    world.transact(tether, "setPaused", False)
    world.ok("pledge", campaign, "40", "--account", "backer")
    assert pledge_of(world, campaign, "backer") == (40 * 10**6, 0)


def test_pledge_with_a_permit_is_one_transaction(world, token_campaign):
    before = world.nonce("backer")
    world.ok("pledge", token_campaign, "100.5", "--permit", "--account", "backer")
    assert pledge_of(world, token_campaign, "backer") == (201 * WAD // 2, 0)
    assert world.nonce("backer") == before + 1


def test_a_permit_for_an_eth_campaign_is_refused(world, campaign):
    assert "a permit is only for ERC-20 tokens" in world.refused(
        "pledge", campaign, "1", "--permit", "--account", "backer"
    )


def test_change_tier_tops_the_pledge_up_to_the_new_tiers_price(world, campaign):
    pledge_directly(world, campaign, WAD // 2, tier=1)
    out = world.ok("change-tier", campaign, 2, "--account", "backer")
    assert "Adding 0.5 ETH to the pledge to move it to tier 2" in out
    assert pledge_of(world, campaign, "backer") == (WAD, 2)


def test_a_repeat_pledge_keeps_the_tier_held_unless_told_otherwise(world, campaign):
    """The contract reads tier 0 as giving the reward place up; `pledge` without --tier used to send it."""
    pledge_directly(world, campaign, WAD // 2, tier=1)
    world.ok("pledge", campaign, "0.1", "--account", "backer")
    assert pledge_of(world, campaign, "backer") == (6 * WAD // 10, 1)
    world.ok("pledge", campaign, "0.1", "--tier", 0, "--account", "backer")  # named: the place is given up
    assert pledge_of(world, campaign, "backer") == (7 * WAD // 10, 0)


def test_change_tier_without_a_pledge_says_to_pledge(world, campaign):
    assert "has no pledge in campaign" in world.refused("change-tier", campaign, 2, "--account", "backer2")


def test_unpledge_sends_the_whole_pledge_to_the_named_recipient(world, campaign):
    pledge_directly(world, campaign, WAD)
    before = world.balance("reviewer")
    out = world.ok("unpledge", campaign, "--to", world.addresses["reviewer"], "--account", "backer")
    assert f"Unpledged 1 ETH from campaign {campaign} to {world.addresses['reviewer']}" in out
    assert world.balance("reviewer") == before + WAD
    assert pledge_of(world, campaign, "backer") == (0, 0)


def test_refund_after_a_failed_campaign_goes_to_the_named_recipient(world, campaign):
    pledge_directly(world, campaign, WAD // 2)
    world.travel(11 * DAY)  # the goal of 2 ETH was missed
    before = world.balance("reviewer")
    out = world.ok("refund", campaign, "--to", world.addresses["reviewer"], "--account", "backer")
    assert f"Refunded 0.5 ETH from campaign {campaign}" in out
    assert world.balance("reviewer") == before + WAD // 2


def test_record_failure_records_a_failed_campaign_once(world, campaign):
    world.travel(11 * DAY)
    assert f"Recorded campaign {campaign} as failed" in world.ok(
        "record-failure", campaign, "--account", "backer"
    )
    assert world.refused("record-failure", campaign, "--account", "backer").startswith(
        f"crowdledger: FailureAlreadyRecorded: campaign {campaign}'s failure is already recorded"
    )


def test_vote_counts_an_unverified_backers_pledge_at_the_unverified_weight(world):
    staged = launch(world, goal=WAD, milestones=(5000, 5000))
    pledge_directly(world, staged, WAD)
    world.travel(11 * DAY)
    crowdfund = world.contracts["Crowdfund"]
    world.transact(crowdfund, "openVote", staged, sender="creator")
    out = world.ok("vote", staged, "reject", "--account", "backer")
    weight = WAD * UNVERIFIED_WEIGHT_BPS // 10_000  # the backer holds no attestation
    assert f"Voted to reject milestone 1 of campaign {staged} with 0.5 ETH" in out
    assert crowdfund.functions.tallies(staged).call() == [0, weight]
    assert "AlreadyVoted: " in world.refused("vote", staged, "approve", "--account", "backer")


def test_a_backer_rates_the_creator_only_after_confirming_delivery(world):
    funded = launch(world, goal=WAD)
    pledge_directly(world, funded, WAD)
    world.travel(11 * DAY)
    assert "DeliveryNotRecorded: " in world.refused("rate", "campaign", funded, 5, "--account", "backer")
    out = world.ok("confirm-delivery", funded, "--account", "backer")
    assert f"Confirmed the delivery of campaign {funded}'s rewards to {world.addresses['backer']}" in out
    assert "Rated" in world.ok("rate", "campaign", funded, 5, "--account", "backer")
    assert "DeliveryAlreadyRecorded: " in world.refused("confirm-delivery", funded, "--account", "backer")


def test_non_delivery_is_reported_only_from_the_delivery_date(world):
    funded = launch(world, goal=WAD)
    pledge_directly(world, funded, WAD)
    world.travel(11 * DAY)
    line = world.refused("report-not-delivered", funded, "--account", "backer")
    assert f"DeliveryNotDueYet: campaign {funded}'s rewards are due on " in line
    world.travel(DELIVERY_DAYS * DAY)
    out = world.ok("report-not-delivered", funded, "--account", "backer")
    assert f"Reported that campaign {funded}'s rewards did not reach {world.addresses['backer']}" in out
    assert "Rated" in world.ok("rate", "campaign", funded, 1, "--account", "backer")


def test_the_creator_cannot_confirm_its_own_delivery(world):
    funded = launch(world, goal=WAD)
    pledge_directly(world, funded, WAD, backer="creator")
    world.travel(11 * DAY)
    line = world.refused("confirm-delivery", funded, "--account", "creator")
    assert "CreatorCannotReportDelivery: " in line


# refusals ------------------------------------------------------------------------------------------


def test_a_pledge_after_the_deadline_is_refused_with_the_date_and_nothing_is_sent(world, campaign):
    deadline = world.contracts["Crowdfund"].functions.campaign(campaign).call()[2]
    world.travel(11 * DAY)
    before = world.nonce("backer")
    line = world.refused("pledge", campaign, "1", "--account", "backer")
    from crowdledger.wallet.units import format_time

    assert line == (
        f"crowdledger: NotFunding: campaign {campaign} ended on {format_time(deadline)} without reaching its "
        "goal; "
        "pledges, unpledges, tiers and tier changes are possible only before it ends; nothing was sent"
    )
    assert world.nonce("backer") == before


def test_a_pledge_below_the_tiers_price_names_both_amounts(world, campaign):
    line = world.refused("pledge", campaign, "0.2", "--tier", 1, "--account", "backer")
    assert "BelowTierPrice: the pledge would total 0.2 ETH, below the tier's price of 0.5 ETH" in line


def test_a_token_pledge_that_would_fail_approves_nothing(world, token_campaign):
    world.travel(11 * DAY)
    before = world.nonce("backer")
    assert "NotFunding: " in world.refused("pledge", token_campaign, "10", "--account", "backer")
    assert world.nonce("backer") == before


def test_a_doomed_permit_pledge_is_refused_before_the_password_is_asked_for(world, token_campaign):
    world.travel(11 * DAY)
    line = world.refused(
        "pledge", token_campaign, "10", "--permit", "--account", "backer", CROWDLEDGER_ACCOUNT_PASSWORD=""
    )
    assert "NotFunding: " in line


def test_a_token_pledge_beyond_the_balance_says_what_the_account_holds(world, token_campaign):
    line = world.refused("pledge", token_campaign, "20000", "--account", "backer")
    assert "holds 10,000 DUSD, and this takes 20,000 DUSD; nothing was sent" in line


def test_an_account_without_eth_is_told_to_fund_it(world, campaign):
    line = world.refused("pledge", campaign, "0.1", "--account", "poor")
    assert "holds 0 ETH, and this sends 0.1 ETH plus gas; fund the account first" in line


def test_an_amount_finer_than_the_token_is_refused(world, campaign):
    assert "more than the token's 18 decimals" in world.refused(
        "pledge", campaign, "0.0000000000000000001", "--account", "backer"
    )


def test_dry_run_checks_and_prices_but_sends_nothing(world, campaign):
    before = world.nonce("backer")
    out = world.ok("pledge", campaign, "1", "--dry-run", "--account", "backer")
    assert "it would succeed" in out and "nothing was sent" in out
    assert world.nonce("backer") == before
