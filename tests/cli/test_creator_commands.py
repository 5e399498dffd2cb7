"""Creators from the command line: launch from a file (the campaign id read from its event, against a chain
the command did not start), add a tier, raise a supply, open and close a milestone vote, claim, cancel."""

import json
import shutil

import pytest

from tests.cli.conftest import DAY, ROOT, WAD, launch, pledge_directly


@pytest.fixture
def campaign_file(world):
    path = world.home / "campaign.json"
    shutil.copy(ROOT / "examples" / "campaign.json", path)
    return path


def test_launch_from_the_example_file_prints_the_new_campaigns_id_and_exits_0(world, campaign_file):
    """The bug of issue 9: launch exited 1 with a TypeError after the campaign was created (brownie could not
    trace the return value). Here the command is its own process on a chain it did not start."""
    crowdfund = world.contracts["Crowdfund"]
    before = crowdfund.functions.campaignCount().call()
    out = world.ok("launch", campaign_file, "--account", "creator")
    campaign_id = before + 1
    assert crowdfund.functions.campaignCount().call() == campaign_id
    assert out.startswith(f"Launched campaign {campaign_id}: goal 5 ETH, funding from ")
    assert f"Tier 1 of campaign {campaign_id}: 0.1 ETH, 50 places" in out
    assert f"Tier 2 of campaign {campaign_id}: 1 ETH, unlimited places" in out
    launched = crowdfund.functions.campaign(campaign_id).call()
    assert launched[7] == world.addresses["creator"]  # creator
    assert launched[6] == 5 * WAD  # goal
    assert crowdfund.functions.milestoneSchedule(campaign_id).call() == [4000, 3000, 3000]
    assert not list(world.home.glob("*.db")), "a command that signs must not leave a database behind"


def test_launch_of_a_token_campaign_takes_amounts_in_the_tokens_units(world, campaign_file):
    spec = json.loads(campaign_file.read_text())
    spec.update(token=world.token.address, goal="2500.5", tiers=[{"price": "10", "supply": 3}])
    campaign_file.write_text(json.dumps(spec))
    out = world.ok("launch", campaign_file, "--account", "creator")
    assert "goal 2,500.5 DUSD" in out and "10 DUSD, 3 places" in out


@pytest.mark.parametrize(
    "change, complaint",
    [
        ({"goal": None}, "the campaign file needs 'goal'"),
        ({"goal": "-1"}, "goal must be more than 0"),
        ({"goal": "lots"}, "goal must be a number of whole tokens"),
        ({"milestones_percent": [50, 40]}, "MilestonesMustSumTo100Percent: the milestones add up to 90%"),
        ({"duration_days": 120}, "DurationOutOfRange: the campaign would run 120 days"),
        ({"colour": "red"}, "unknown keys ['colour']"),
        ({"token": "0x" + "99" * 20}, "there is no contract at 0x9999"),
        ({"quorum_percent": 60}, "QuorumOutOfRange: a rejection quorum of 60%; pledge-weighted votes take"),
        ({"vote_mode": "majority"}, "vote_mode must be 'pledge' (votes weighed by the pledge"),
        ({"vote_mode": "identity"}, "the majority of verified voters decides; drop quorum_percent"),
        ({"min_attestation_level": 1}, 'min_attestation_level applies only to "vote_mode": "identity"'),
        ({"delivery_days": 800}, "DeliveryDateOutOfRange: rewards would be due on "),
        ({"delivery_date": "2020-01-01"}, "delivery_date is 2020-01-01"),
        ({"delivery_date": "+40d", "delivery_days": 5}, "gives both 'delivery_date' and 'delivery_days'"),
    ],
)
def test_a_campaign_file_with_a_mistake_says_what_to_fix(world, campaign_file, change, complaint):
    spec = json.loads(campaign_file.read_text())
    for key, value in change.items():
        if value is None:
            del spec[key]
        else:
            spec[key] = value
    campaign_file.write_text(json.dumps(spec))
    assert complaint in world.refused("launch", campaign_file, "--account", "creator")


def test_a_campaign_file_sets_the_delivery_date_and_one_vote_per_verified_identity(world, campaign_file):
    spec = json.loads(campaign_file.read_text())
    del spec["quorum_percent"]
    spec.update(vote_mode="identity", min_attestation_level=2, delivery_days=45)
    campaign_file.write_text(json.dumps(spec))
    out = world.ok("launch", campaign_file, "--account", "creator")
    crowdfund = world.contracts["Crowdfund"]
    campaign_id = crowdfund.functions.campaignCount().call()
    entry = next(e for e in crowdfund.abi if e.get("name") == "campaign")
    names = [c["name"] for c in entry["outputs"][0]["components"]]
    launched = dict(zip(names, crowdfund.functions.campaign(campaign_id).call(), strict=True))
    assert launched["deliveryDate"] == launched["deadline"] + 45 * DAY
    assert (launched["voteMode"], launched["minAttestationLevel"], launched["quorumBps"]) == (1, 2, 0)
    assert "rewards due " in out


def test_a_file_that_is_not_json_is_one_line(world):
    broken = world.home / "broken.json"
    broken.write_text("{not json")
    assert "is not valid JSON" in world.refused("launch", broken, "--account", "creator")


def test_add_tier_and_raise_its_supply(world):
    campaign = launch(world)
    out = world.ok("add-tier", campaign, "0.25", "--supply", 10, "--account", "creator")
    assert f"Tier 1 of campaign {campaign}: 0.25 ETH, 10 places" in out
    out = world.ok("raise-supply", campaign, 1, 80, "--account", "creator")
    assert f"Tier 1 of campaign {campaign} now has 80 places" in out
    line = world.refused("raise-supply", campaign, 1, 20, "--account", "creator")
    assert "SupplyCannotShrink: the tier's supply is 80 and can only grow; 20 is not more" in line


def test_only_the_creator_may_add_a_tier(world):
    campaign = launch(world)
    line = world.refused("add-tier", campaign, "1", "--account", "backer")
    assert f"NotCreator: only campaign {campaign}'s creator {world.addresses['creator']} may do this" in line


def test_cancel_lets_backers_refund(world):
    campaign = launch(world)
    pledge_directly(world, campaign, 3 * WAD // 10)
    assert f"Cancelled campaign {campaign}; its backers can refund" in world.ok(
        "cancel", campaign, "--account", "creator"
    )
    crowdfund = world.contracts["Crowdfund"]
    assert crowdfund.functions.refundable(campaign, world.addresses["backer"]).call() == 3 * WAD // 10


def test_claim_before_the_campaign_succeeded_is_refused_with_its_state(world):
    campaign = launch(world)
    line = world.refused("claim", campaign, "--account", "creator")
    assert f"NotClaimable: campaign {campaign} is still funding until " in line


def test_claim_pays_the_creator_less_the_fee_and_the_milestones_unlock_by_vote(world):
    campaign = launch(world, goal=WAD, milestones=(4000, 6000))
    pledge_directly(world, campaign, 2 * WAD)
    world.travel(11 * DAY)
    out = world.ok("claim", campaign, "--to", world.addresses["reviewer"], "--account", "creator")
    assert (
        f"Claimed 0.78 ETH from campaign {campaign} to {world.addresses['reviewer']} (platform fee 0.02 ETH)"
        in out
    )
    assert "NothingToClaim: " in world.refused("claim", campaign, "--account", "creator")
    assert f"Opened the vote on milestone 1 of campaign {campaign}" in world.ok(
        "open-vote", campaign, "--account", "creator"
    )
    world.transact(world.contracts["Crowdfund"], "vote", campaign, True, sender="backer")
    assert "VoteStillRunning: the milestone vote of campaign" in world.refused(
        "close-vote", campaign, "--account", "backer"
    )
    world.travel(8 * DAY)
    out = world.ok("close-vote", campaign, "--account", "backer")
    assert f"Closed the vote on milestone 1 of campaign {campaign}: approved" in out
    assert "Claimed 1.17 ETH" in world.ok("claim", campaign, "--account", "creator")
