"""The books from events alone: the replay equals every view, each contract holds what it owes, asset by
asset, and money that arrives or leaves outside the rules is reported (a surplus shown, a shortfall
failing)."""

from dataclasses import replace

import pytest
from brownie import ForceSend, UnreadableBalanceToken, chain, web3

from crowdledger.audit.model import ETH
from crowdledger.audit.money import Flows
from crowdledger.audit.replay.crowdfund import CrowdfundReplay
from crowdledger.audit.replay.reputation import ReputationReplay
from crowdledger.audit.run import ChainMoved, Options, audit
from crowdledger.chain.decode import Event
from crowdledger.chain.rpc import Rpc
from tests.backend.audit.conftest import REPOSITORY, E, check, run_audit
from tests.backend.conftest import launch_campaign, rpc_url


def position(result, contract: str, asset: str) -> dict:
    return next(
        p for p in check(result, "solvency")["details"] if p["contract"] == contract and p["asset"] == asset
    )


def test_an_honest_history_passes_every_check_with_no_findings(deployment, honest_world):
    result = run_audit(deployment)
    assert result.passed, [c for c in result.report["checks"] if c["status"] == "fail"]
    assert {c["name"]: c["status"] for c in result.report["checks"]} == {
        "replay": "pass",
        "views": "pass",
        "solvency": "pass",
        "bytecode": "skipped",
        "index": "skipped",
    }
    assert result.report["findings"] == []


def test_each_contract_holds_exactly_what_the_replay_says_it_owes(deployment, honest_world, token):
    result = run_audit(deployment)
    for contract in ("Crowdfund", "Bounty"):
        address = web3.to_checksum_address(deployment.contracts[contract].address)
        for asset, held in (
            (ETH, web3.eth.get_balance(address)),
            (token.address.lower(), token.balanceOf(address)),
        ):
            owed = sum(
                int(o["amount"])
                for o in result.report["obligations"]
                if (o["contract"], o["asset"]) == (contract, asset)
            )
            assert owed == held, (contract, asset)


def test_two_audits_of_one_block_agree_on_digest_and_root_whatever_their_range_sizes(
    deployment, honest_world
):
    block = web3.eth.block_number
    first = run_audit(deployment, block=block)
    second = run_audit(deployment, block=block, max_span=3, transfers=False)
    assert (first.report["digest"], first.report["merkle"]["root"]) == (
        second.report["digest"],
        second.report["merkle"]["root"],
    )


def test_the_digest_changes_when_the_books_change(deployment, honest_world, crowdfund, backers):
    before = run_audit(deployment)
    crowdfund.pledge(honest_world.campaigns["funding"], 0, 1, {"from": backers[0], "value": 1})
    after = run_audit(deployment)
    assert before.report["digest"] != after.report["digest"]
    assert before.report["merkle"]["root"] != after.report["merkle"]["root"]


def test_tokens_sent_straight_to_a_contract_show_as_a_surplus_and_the_audit_still_passes(
    deployment, honest_world, token, backers
):
    token.transfer(deployment.contracts["Crowdfund"].address, 7 * E, {"from": backers[0]})
    result = run_audit(deployment)
    p = position(result, "Crowdfund", token.address.lower())
    assert (int(p["held"]) - int(p["owed"]), p["verdict"]) == (7 * E, "surplus")
    assert result.passed
    assert "surplus" in check(result, "solvency")["summary"]


def test_eth_forced_in_by_a_selfdestruct_shows_as_a_surplus(deployment, honest_world, owner):
    ForceSend.deploy(deployment.contracts["Bounty"].address, {"from": owner, "value": 3 * E})
    result = run_audit(deployment)
    p = position(result, "Bounty", ETH)
    assert (int(p["difference"]), p["verdict"]) == (3 * E, "surplus")
    assert result.passed


def test_a_contract_holding_less_than_it_owes_fails_naming_the_asset_and_the_last_money_events(
    deployment, honest_world
):
    address = web3.to_checksum_address(deployment.contracts["Crowdfund"].address)
    held = web3.eth.get_balance(address)
    web3.provider.make_request("anvil_setBalance", [address, hex(held - 1)])
    chain.mine()
    result = run_audit(deployment)
    assert not result.passed
    solvency = check(result, "solvency")
    assert solvency["status"] == "fail"
    [short] = solvency["mismatches"]
    assert short["subject"] == f"Crowdfund in {ETH}"
    assert "short by 1" in short["message"]
    assert short["events"], "a shortfall names the last events that moved the asset"
    assert position(result, "Crowdfund", ETH)["verdict"] == "shortfall"


CREATOR, BACKER = "0x" + "aa" * 20, "0x" + "bb" * 20


def funded_campaign(pledge: int = 5, raised: int = 5) -> CrowdfundReplay:
    """A replayed campaign (goal 5 wei, deadline at 10 s, delivery due at 20 s) and one backer's pledge."""
    replay = CrowdfundReplay("0x" + "11" * 20, Flows(), {})
    launched = {
        "campaignId": 1,
        "creator": CREATOR,
        "token": ETH,
        "goal": 5,
        "startsAt": 0,
        "deadline": 10,
        "feeBps": 0,
        "quorumBps": 2000,
        "milestoneBps": [],
        "metadataURI": "",
        "metadataHash": "0x" + "00" * 32,
        "deliveryDate": 20,
        "voteMode": 0,
        "minAttestationLevel": 0,
    }
    pledged = {"campaignId": 1, "backer": BACKER, "tierId": 0, "amount": pledge, "pledgeTotal": pledge}
    replay.apply(Event(1, 0, "0x01", "0xaaa1", "Crowdfund", "CampaignLaunched", launched), 0)
    replay.apply(Event(2, 3, "0x02", "0xbbb2", "Crowdfund", "Pledged", {**pledged, "raised": raised}), 1)
    return replay


def test_an_event_whose_running_total_does_not_follow_is_named_by_its_transaction_and_log_index():
    replay = funded_campaign(pledge=5, raised=6)
    [problem] = replay.problems
    assert "Pledged.raised is 6; the earlier events give 5" in problem.message
    assert [(ref.tx_hash, ref.log_index) for ref in problem.events] == [("0xbbb2", 3)]


def test_non_delivery_reported_before_the_delivery_date_is_named():
    replay = funded_campaign()
    report = {"campaignId": 1, "backer": BACKER, "pledge": 5}
    replay.apply(Event(3, 0, "0x03", "0xccc3", "Crowdfund", "NonDeliveryReported", report), 15)
    [problem] = replay.problems
    assert "non-delivery reported before the delivery date 20" in problem.message


def test_a_delivery_confirmed_twice_or_for_another_pledge_is_named():
    replay = funded_campaign()
    confirmed = {"campaignId": 1, "backer": BACKER, "pledge": 5}
    replay.apply(Event(3, 0, "0x03", "0xccc3", "Crowdfund", "DeliveryConfirmed", confirmed), 12)
    assert replay.problems == []
    replay.apply(
        Event(4, 0, "0x04", "0xddd4", "Crowdfund", "DeliveryConfirmed", {**confirmed, "pledge": 4}), 13
    )
    messages = [p.message for p in replay.problems]
    assert messages == ["DeliveryConfirmed.pledge is 4; the earlier events give 5", "delivery recorded twice"]


def test_a_rating_of_a_creator_before_the_backer_recorded_delivery_is_named():
    """The ledger's Rated event reaches the campaign's replay: consumeRating allows it only after delivery."""
    crowdfund = funded_campaign()
    ledger = ReputationReplay("0x" + "22" * 20, Flows(), {})
    peers = {crowdfund.address: crowdfund, ledger.address: ledger}
    crowdfund.link(peers)
    ledger.link(peers)
    rated = {
        "rater": BACKER,
        "subject": CREATOR,
        "source": crowdfund.address,
        "ref": 1,
        "stars": 5,
        "valueFactor": 0,
        "weightBps": 0,
        "pairDeals": 0,
    }
    ledger.apply(Event(3, 0, "0x03", "0xccc3", "Reputation", "Rated", rated), 12)
    [problem] = crowdfund.problems
    assert problem.message == "a rating before the backer confirmed or denied delivery"
    assert [ref.tx_hash for ref in problem.events] == ["0xccc3"]


def test_a_rating_priced_with_a_pair_count_the_deals_do_not_give_is_named():
    """No deal between the two was recorded, so pairDeals must be 0; the points must follow the inputs."""
    replay = ReputationReplay("0x" + "22" * 20, Flows(), {})
    replay.apply(
        Event(1, 0, "0x01", "0xaaa1", "Reputation", "HalfLifeChanged", {"oldHalfLife": 0, "newHalfLife": 0}),
        0,
    )
    weights = {"identityLevel": 1, "unverifiedWeightBps": 5000}
    replay.apply(Event(1, 1, "0x01", "0xaaa1", "Reputation", "IdentityWeightsSet", weights), 0)
    rated = {
        "rater": BACKER,
        "subject": CREATOR,
        "source": "0x" + "11" * 20,
        "ref": 1,
        "stars": 5,
        "valueFactor": 10**18,
        "weightBps": 5000,
        "pairDeals": 3,
    }
    replay.apply(Event(2, 0, "0x02", "0xbbb2", "Reputation", "Rated", rated), 5)
    score = {
        "subject": CREATOR,
        "role": 0,
        "points": 10 * E,  # what a full-weight 5-star rating with one deal would earn
        "newScore": 10 * E,
        "reason": "0x" + b"rating".ljust(32, b"\0").hex(),
        "module": rated["source"],
        "ref": 1,
    }
    replay.apply(Event(2, 1, "0x02", "0xbbb2", "Reputation", "ScoreChanged", score), 5)
    messages = [p.message for p in replay.problems]
    assert messages == [
        "Rated.pairDeals is 3; the earlier events give 0",
        f"ScoreChanged.points is {10 * E}; the earlier events give {2 * (10 * E // 2 // 3)}",
    ]


def test_views_that_disagree_with_the_replay_fail_naming_the_call(deployment, honest_world):
    """A record whose Crowdfund is another deployment's: the log is empty, the views are not."""
    from dataclasses import replace

    other = replace(deployment, start_block=web3.eth.block_number)  # skip every event before now
    result = run_audit(other)
    views = check(result, "views")
    assert views["status"] == "fail"
    assert any("campaignCount()" in m["message"] for m in views["mismatches"])


def test_a_token_whose_balance_cannot_be_read_does_not_stop_the_audit(
    deployment, honest_world, crowdfund, creator
):
    """Any creator may launch a campaign in any contract; one whose balanceOf reverts made every audit stop
    with 'the RPC cannot be reached' (and watch mode retry forever). Nothing is owed in it, so it passes."""
    hostile = UnreadableBalanceToken.deploy({"from": creator})
    launch_campaign(crowdfund, creator, token=hostile.address)
    result = run_audit(deployment)
    assert result.passed, [c for c in result.report["checks"] if c["status"] == "fail"]
    assert check(result, "solvency")["status"] == "pass"


def test_a_reorganisation_while_the_views_are_read_stops_the_audit(deployment, honest_world):
    """Views, balances and code are read by block number after the replay: a reorganisation then would mix
    two chains in one report, so the block's hash is checked again at the end."""

    class ReorgsDuringTheViews(Rpc):
        views_read = False

        def call_many(self, calls):
            self.views_read = self.views_read or calls[0][0] == "eth_call"  # the views, after the replay
            return super().call_many(calls)

        def block(self, number):
            found = super().block(number)
            if self.views_read and found is not None:
                return replace(found, hash="0x" + "ab" * 32)
            return found

    with pytest.raises(ChainMoved, match="during the audit"):
        rpc = ReorgsDuringTheViews(rpc_url(), attempts=2, backoff=0.01)
        audit(rpc, deployment, Options(source=REPOSITORY, bytecode=False))
