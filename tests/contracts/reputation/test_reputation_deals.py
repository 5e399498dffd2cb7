"""Pricing: registered assets and their value factor, deals between two accounts (concave in value, less for
every repeat of the pair, weighted by the other side's identity), and the Python audit of every price."""

import brownie
import pytest
from brownie import accounts, chain
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crowdledger.reputation import Role, check_prices, deal_points, value_factor
from tests.contracts.reputation.conftest import (
    ETH,
    ETH_MINIMUM,
    ETH_UNIT,
    UNREGISTERED,
    WAD,
    deal,
    plain,
    reason,
    reputation_events,
    tag,
)

ZERO = "0x" + "00" * 20


@pytest.fixture(scope="module")
def worker():
    return accounts[1]


@pytest.fixture(scope="module")
def requester():
    return accounts[2]


def gains(tx) -> dict[tuple[str, int], int]:
    return {(e["subject"], e["role"]): e["points"] for e in tx.events if e.name == "ScoreChanged"}


# --------------------------------------------------------------------------- assets and the value factor


def test_the_owner_registers_an_asset_with_its_unit_and_minimum(reputation, owner):
    token = "0x" + "12" * 20
    tx = reputation.setAsset(token, 100 * WAD, WAD, {"from": owner})
    event = tx.events["AssetSet"]
    assert (event["token"], event["unit"], event["minimum"]) == (token, 100 * WAD, WAD)
    assert plain(reputation.assets(token)) == (100 * WAD, WAD)
    reputation.setAsset(token, 0, 0, {"from": owner})  # unit 0 unregisters
    assert reputation.valueFactorOf(token, 10**30) == 0


def test_one_unit_is_worth_one_and_value_is_concave(reputation):
    assert reputation.valueFactorOf(ETH, ETH_UNIT) == WAD
    assert (
        reputation.valueFactorOf(ETH, 100 * ETH_UNIT) == 10 * WAD
    )  # one deal of 100 units = 10 deals of 1 unit
    assert reputation.valueFactorOf(ETH, ETH_UNIT // 4) == WAD // 2


def test_an_unregistered_asset_or_an_amount_below_the_minimum_is_worth_nothing(reputation):
    assert reputation.valueFactorOf(UNREGISTERED, 10**30) == 0
    assert reputation.valueFactorOf(ETH, ETH_MINIMUM - 1) == 0
    assert reputation.valueFactorOf(ETH, ETH_MINIMUM) == WAD // 10
    assert reputation.valueFactorOf(ETH, 1) == 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amount=st.integers(0, 2**256 - 1) | st.integers(0, 10**20),
    unit=st.integers(1, 2**128 - 1) | st.integers(1, 10**18),
    minimum=st.integers(0, 2**128 - 1) | st.integers(0, 10**16),
)
def test_the_contract_prices_value_exactly_as_the_python_audit(reputation, owner, amount, unit, minimum):
    token = "0x" + "34" * 20
    reputation.setAsset(token, unit, minimum, {"from": owner})
    assert reputation.valueFactorOf(token, amount) == value_factor(amount, unit, minimum)


# --------------------------------------------------------------------------- deals


def test_a_deal_credits_both_sides_and_emits_every_input_of_its_price(
    reputation, recorder, worker, requester
):
    tx = reputation.recordDeal(
        (
            worker,
            Role.WORKER,
            3 * WAD,
            requester,
            Role.REQUESTER,
            WAD,
            ETH,
            4 * ETH_UNIT,
            tag("task.paid"),
            9,
        ),
        {"from": recorder},
    )
    event = tx.events["DealRecorded"]
    assert (event["payee"], event["payer"], event["module"], event["ref"]) == (worker, requester, recorder, 9)
    assert (event["token"], event["amount"], event["payeePoints"], event["payerPoints"]) == (
        ETH,
        4 * ETH_UNIT,
        3 * WAD,
        WAD,
    )
    assert (event["earlierDeals"], event["valueFactor"]) == (0, 2 * WAD)
    assert (event["payerWeightBps"], event["payeeWeightBps"]) == (5_000, 5_000)  # neither is verified
    # 3 x V(4) = 6, at half weight 3; the requester: 1 x 2 x 0.5 = 1
    assert gains(tx) == {(worker, Role.WORKER): 3 * WAD, (requester, Role.REQUESTER): WAD}
    changed = [e for e in tx.events if e.name == "ScoreChanged"]
    assert [bytes(e["reason"]) for e in changed] == [tag("task.paid")] * 2
    assert [(e["module"], e["ref"]) for e in changed] == [(recorder, 9)] * 2
    assert reputation.dealsBetween(worker, requester) == reputation.dealsBetween(requester, worker) == 1


def test_a_repeat_pair_earns_less_each_time(reputation, recorder, worker, requester):
    """The same two accounts dealing again: the n-th deal's points are divided by n, whoever pays whom."""
    earned = []
    for i in range(4):
        payee, payer = (worker, requester) if i % 2 == 0 else (requester, worker)
        tx = deal(reputation, recorder, payee, payer, ETH_UNIT, payee_points=12 * WAD, payer_points=0)
        assert tx.events["DealRecorded"]["earlierDeals"] == i
        earned.append(tx.events["ScoreChanged"]["points"])
    assert earned == [6 * WAD, 3 * WAD, 2 * WAD, 6 * WAD // 4]


def test_another_pair_starts_afresh(reputation, recorder, worker, requester):
    deal(reputation, recorder, worker, requester, ETH_UNIT)
    tx = deal(reputation, recorder, worker, accounts[3], ETH_UNIT)
    assert tx.events["DealRecorded"]["earlierDeals"] == 0


def test_a_dust_deal_writes_no_score_but_counts_for_the_pair(reputation, recorder, worker, requester):
    tx = deal(reputation, recorder, worker, requester, ETH_MINIMUM - 1)
    assert tx.events["DealRecorded"]["valueFactor"] == 0
    assert "ScoreChanged" not in tx.events
    assert reputation.dealsBetween(worker, requester) == 1


def test_an_unregistered_asset_earns_nothing(reputation, recorder, worker, requester):
    tx = deal(reputation, recorder, worker, requester, 10**24, token=UNREGISTERED)
    assert "ScoreChanged" not in tx.events
    assert reputation.scoreOf(worker, Role.WORKER) == reputation.scoreOf(requester, Role.REQUESTER) == 0


def test_a_deal_earns_with_the_square_root_of_its_value(reputation, recorder, worker, requester):
    """A deal of 100 units earns 10 times what one of 1 unit earns, not 100 times: one large deal buys
    little."""
    one_unit = deal(reputation, recorder, worker, requester, ETH_UNIT, payer_points=0)
    hundred = deal(reputation, recorder, accounts[3], accounts[4], 100 * ETH_UNIT, payer_points=0)
    assert hundred.events["ScoreChanged"]["points"] == 10 * one_unit.events["ScoreChanged"]["points"]


def test_verified_counterparties_weigh_more_than_unverified_ones(
    reputation, recorder, attester, worker, requester
):
    unverified = deal(reputation, recorder, worker, requester, ETH_UNIT, payer_points=0)
    reputation.attest(accounts[3], 1, chain.time() + 86400, {"from": attester})
    verified = deal(reputation, recorder, worker, accounts[3], ETH_UNIT, payer_points=0)
    assert verified.events["DealRecorded"]["payerWeightBps"] == 10_000
    assert verified.events["ScoreChanged"]["points"] == WAD == 2 * unverified.events["ScoreChanged"]["points"]


def test_a_penalty_deal_debits_and_repeats_soften_it_too(reputation, recorder, worker, requester):
    first = deal(reputation, recorder, worker, requester, ETH_UNIT, payee_points=-10 * WAD, payer_points=0)
    second = deal(reputation, recorder, worker, requester, ETH_UNIT, payee_points=-10 * WAD, payer_points=0)
    assert [tx.events["ScoreChanged"]["points"] for tx in (first, second)] == [-5 * WAD, -5 * WAD // 2]


def test_a_deal_with_oneself_or_the_zero_address_is_refused(reputation, recorder, worker):
    with brownie.reverts(reason("SelfDeal", worker)):
        deal(reputation, recorder, worker, worker, ETH_UNIT)
    with brownie.reverts(reason("ZeroAddress")):
        deal(reputation, recorder, worker, ZERO, ETH_UNIT)


def test_only_a_module_records_deals_and_base_points_stay_in_range(reputation, recorder, worker, requester):
    with brownie.reverts(reason("NotAModule", worker)):
        deal(reputation, worker, worker, requester, ETH_UNIT)
    with brownie.reverts(reason("PointsOutOfRange", 2**127, 2**127 - 1)):
        deal(reputation, recorder, worker, requester, ETH_UNIT, payer_points=2**127)


def test_every_deal_is_priced_as_the_python_audit_prices_it(
    reputation, recorder, attester, worker, requester
):
    reputation.attest(requester, 1, chain.time() + 86400, {"from": attester})
    events = []
    for amount, payee_points, payer_points in (
        (ETH_UNIT * 3 + 7, 7 * WAD + 1, -1),
        (10**17 + 1, -WAD, 5 * WAD),
    ):
        tx = deal(reputation, recorder, worker, requester, amount, payee_points, payer_points)
        events += reputation_events(tx)
        recorded = tx.events["DealRecorded"]
        assert tx.events["ScoreChanged"][0]["points"] == deal_points(
            payee_points, recorded["valueFactor"], recorded["payerWeightBps"], recorded["earlierDeals"]
        )
    prices = check_prices(events)  # raises PriceMismatch unless every point is the recomputed one
    # -1 wei x V(3 ETH) is -1 wei, and at the worker's half weight it truncates to 0: that side is not written
    assert [len(price.changes) for price in prices] == [1, 2]
