"""The risk notice's rules, each at its threshold: a rule fires at the threshold and not just below it, and a
campaign with none of the risks gets no notice."""

from dataclasses import replace

import pytest

from crowdledger.web.risk import ONE_PER_VERIFIED_IDENTITY, THRESHOLDS, CampaignFacts, risks

E = 10**18
MAX_QUORUM_BPS = 5_000  # Crowdfund.MAX_QUORUM_BPS
HEALTHY = CampaignFacts(
    goal=10 * E,
    raised=8 * E,
    milestone_count=3,
    quorum_bps=2_000,
    largest_pledge=2 * E,
    creator_other_campaigns=2,
    creator_has_score=True,
    tiers=[(E // 10, 50), (E, 0)],
)


def codes(facts: CampaignFacts) -> list[str]:
    return [r.code for r in risks(facts)]


def test_a_campaign_with_milestones_a_fair_quorum_spread_backers_and_a_known_creator_has_no_risk():
    assert codes(HEALTHY) == []


def test_no_milestones_is_a_risk():
    assert codes(replace(HEALTHY, milestone_count=1)) == ["no_milestones"]


def test_a_creator_without_campaigns_or_reputation_is_a_risk():
    assert codes(replace(HEALTHY, creator_other_campaigns=0, creator_has_score=False)) == ["new_creator"]
    assert codes(replace(HEALTHY, creator_other_campaigns=0)) == []  # a score from elsewhere is history
    assert codes(replace(HEALTHY, creator_has_score=False)) == []


def test_one_account_holding_half_the_pledged_weight_is_a_risk():
    at_threshold = replace(HEALTHY, raised=8 * E, largest_pledge=4 * E)
    [risk] = risks(at_threshold)
    assert (risk.code, risk.params) == ("concentrated", {"percent": "50"})
    assert codes(replace(HEALTHY, raised=8 * E, largest_pledge=4 * E - 1)) == []
    assert codes(replace(HEALTHY, raised=0, largest_pledge=0)) == []  # nothing pledged, nothing concentrated


@pytest.mark.parametrize(
    ("quorum_bps", "expected"),
    [
        (1, ["low_quorum"]),  # the lowest quorum the contract takes
        (THRESHOLDS.low_quorum_bps - 1, ["low_quorum"]),
        (THRESHOLDS.low_quorum_bps, []),
        (THRESHOLDS.high_quorum_bps - 1, []),
        (THRESHOLDS.high_quorum_bps, ["high_quorum"]),
        (MAX_QUORUM_BPS, ["high_quorum"]),  # the highest it takes: half the money must reject
    ],
)
def test_a_veto_quorum_too_low_or_too_high_is_a_risk(quorum_bps, expected):
    assert codes(replace(HEALTHY, quorum_bps=quorum_bps)) == expected


def test_each_quorum_threshold_lies_within_what_the_contract_accepts(crowdfund):
    """Both rules can fire: their thresholds lie between the lowest and the highest quorum a launch takes."""
    assert (
        1
        < THRESHOLDS.low_quorum_bps
        < THRESHOLDS.high_quorum_bps
        <= crowdfund.MAX_QUORUM_BPS()
        == MAX_QUORUM_BPS
    )


def test_one_vote_per_verified_identity_is_a_risk_whatever_the_quorum():
    identity = replace(HEALTHY, vote_mode=ONE_PER_VERIFIED_IDENTITY, quorum_bps=0, min_attestation_level=2)
    [risk] = risks(identity)
    assert (risk.code, risk.params) == ("identity_votes", {"level": 2})


def test_the_quorum_does_not_matter_without_milestone_votes():
    assert codes(replace(HEALTHY, milestone_count=1, quorum_bps=1)) == ["no_milestones"]
    assert codes(replace(HEALTHY, milestone_count=1, vote_mode=ONE_PER_VERIFIED_IDENTITY)) == [
        "no_milestones"
    ]


def test_a_goal_far_below_what_the_limited_tiers_promise_is_a_risk():
    promised_ten_times = replace(
        HEALTHY, goal=E, tiers=[(E, 10), (5 * E, 0)]
    )  # unlimited tiers are not counted
    [risk] = risks(promised_ten_times)
    assert (risk.code, risk.params) == ("goal_below_promises", {"times": 10})
    assert codes(replace(HEALTHY, goal=E, tiers=[(E, 9), (5 * E, 0)])) == []


def test_every_risk_is_reported_at_once():
    worst = CampaignFacts(
        goal=1,
        raised=10,
        milestone_count=1,
        quorum_bps=0,
        largest_pledge=10,
        creator_other_campaigns=0,
        creator_has_score=False,
        tiers=[(1, 10)],
    )
    assert codes(worst) == ["no_milestones", "new_creator", "concentrated", "goal_below_promises"]
