"""The platform's side, from PlatformFees: a capped fee the owner sets, a treasury, fees accrued per token and
sent to the treasury by anyone, ownership handed over in two steps."""

import brownie
from brownie import Bounty, BountyReviews, web3

from tests.contracts.bounty.conftest import (
    BPS,
    ETH,
    FEE_BPS,
    REWARD,
    ZERO,
    fee_of,
    pass_deadline,
    reason,
    task_params,
)


def test_the_constructor_sets_fee_treasury_and_reputation(bounty, owner, treasury, reputation):
    assert bounty.owner() == owner
    assert bounty.treasury() == treasury
    assert bounty.feeBps() == FEE_BPS
    assert bounty.reputation() == reputation
    assert (bounty.BPS(), bounty.MAX_FEE_BPS()) == (BPS, 1000)


def test_the_constructor_deploys_the_reviews_it_delegates_to(bounty, reputation, requester):
    reviews = BountyReviews.at(bounty.reviews())
    assert len(web3.eth.get_code(reviews.address)) > 0
    assert reviews.reputation() == reputation
    # on its own address it holds no task: nothing can be decided or paid there
    assert reviews.taskCount() == 0
    with brownie.reverts(reason("TaskNotFound", 1)):
        reviews.splitByDefault(1, {"from": requester})


def test_the_constructor_refuses_a_fee_above_the_cap_and_a_missing_treasury(owner, treasury):
    with brownie.reverts(reason("FeeTooHigh", 1001, 1000)):
        Bounty.deploy(owner, treasury, 1001, ZERO, {"from": owner})
    with brownie.reverts(reason("ZeroAddress")):
        Bounty.deploy(owner, ZERO, FEE_BPS, ZERO, {"from": owner})


def test_the_owner_sets_the_fee_up_to_the_cap(bounty, owner):
    tx = bounty.setFee(1000, {"from": owner})
    assert (tx.events["FeeChanged"]["oldFeeBps"], tx.events["FeeChanged"]["newFeeBps"]) == (FEE_BPS, 1000)
    assert bounty.feeBps() == 1000
    with brownie.reverts(reason("FeeTooHigh", 1001, 1000)):
        bounty.setFee(1001, {"from": owner})


def test_the_owner_sets_the_treasury(bounty, owner, treasury, outsider):
    tx = bounty.setTreasury(outsider, {"from": owner})
    assert (tx.events["TreasuryChanged"]["oldTreasury"], tx.events["TreasuryChanged"]["newTreasury"]) == (
        treasury,
        outsider,
    )
    with brownie.reverts(reason("ZeroAddress")):
        bounty.setTreasury(ZERO, {"from": owner})


def test_only_the_owner_sets_fee_and_treasury(bounty, outsider):
    with brownie.reverts(reason("OwnableUnauthorizedAccount", outsider.address)):
        bounty.setFee(0, {"from": outsider})
    with brownie.reverts(reason("OwnableUnauthorizedAccount", outsider.address)):
        bounty.setTreasury(outsider, {"from": outsider})


def test_ownership_passes_in_two_steps(bounty, owner, outsider):
    bounty.transferOwnership(outsider, {"from": owner})
    assert bounty.owner() == owner
    bounty.acceptOwnership({"from": outsider})
    assert bounty.owner() == outsider
    bounty.setFee(0, {"from": outsider})


def test_anyone_sends_accrued_fees_to_the_treasury(
    bounty, revealed_contest, requester, workers, treasury, outsider
):
    with brownie.reverts(reason("NoFees")):
        bounty.withdrawFees(ETH, {"from": outsider})
    bounty.award(revealed_contest, [workers[0]], [BPS], {"from": requester})
    before = treasury.balance()
    tx = bounty.withdrawFees(ETH, {"from": outsider})
    assert treasury.balance() - before == fee_of(REWARD)
    withdrawn = tx.events["FeesWithdrawn"]
    assert (withdrawn["token"], withdrawn["treasury"], withdrawn["amount"]) == (ETH, treasury, fee_of(REWARD))
    assert bounty.feesAccrued(ETH) == 0
    with brownie.reverts(reason("NoFees")):
        bounty.withdrawFees(ETH, {"from": outsider})


def test_token_fees_are_kept_and_sent_per_token(bounty, usd, requester, workers, treasury, enter, reveal):
    task_id = bounty.postContest(task_params(token=usd.address), REWARD, {"from": requester}).return_value
    enter(task_id, workers[0])
    pass_deadline(bounty, task_id)
    reveal(task_id, workers[0])
    bounty.award(task_id, [workers[0]], [BPS], {"from": requester})
    assert bounty.feesAccrued(usd) == fee_of(REWARD)
    assert bounty.feesAccrued(ETH) == 0
    bounty.withdrawFees(usd, {"from": workers[0]})
    assert usd.balanceOf(treasury) == fee_of(REWARD)


def test_a_zero_fee_task_pays_the_whole_reward(
    bounty, owner, post_contest, enter, reveal, requester, workers
):
    bounty.setFee(0, {"from": owner})
    task_id = post_contest()
    enter(task_id, workers[0])
    pass_deadline(bounty, task_id)
    reveal(task_id, workers[0])
    tx = bounty.award(task_id, [workers[0]], [BPS], {"from": requester})
    assert (tx.events["Awarded"]["amount"], tx.events["Awarded"]["fee"]) == (REWARD, 0)
