from tests.conftest import end_funding


def test_goal_met_lets_creator_claim_everything_but_the_fee(crowdfund, launch, creator, backers, treasury):
    campaign_id = launch(goal=10**18)
    crowdfund.pledge(campaign_id, 0, 10**18, {"from": backers[0], "value": 10**18})
    end_funding()
    before = creator.balance()
    crowdfund.claim(campaign_id, creator, {"from": creator})
    assert creator.balance() - before == 10**18 * 9750 // 10000
    assert crowdfund.feesAccrued("0x" + "00" * 20) == 10**18 * 250 // 10000
