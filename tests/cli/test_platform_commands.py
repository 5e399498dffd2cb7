"""The platform from the command line: fees sent to the treasury by anyone, the owner's settings of Crowdfund,
Bounty and the reputation ledger, ownership handed over in two steps, and `show platform` reading them back.
Each refusal is one line and sends nothing: the owner's settings are tried by someone else too."""

import json
import shutil

import pytest

from tests.cli.conftest import DAY, FEE_BPS, ROOT, WAD, deploy, launch, pledge_directly

ZERO = "0x" + "00" * 20


def treasury(world):
    return world.w3.eth.accounts[9]  # the world's deployment sends the fees there


def deployment_of(world, ledger):
    """A deployment record like the world's, with `ledger` as its Reputation: what the other ledger's owner
    uses to run its commands."""
    record = json.loads(world.deployment.read_text())
    record["contracts"]["Reputation"]["address"] = ledger.address
    path = world.home / "other-ledger.json"
    path.write_text(json.dumps(record))
    return path


def show_platform(world, *options):
    return world.ok("show", "platform", *options)


def test_anyone_sends_the_accrued_fees_to_the_treasury_once(world):
    campaign = launch(world, goal=WAD)
    pledge_directly(world, campaign, 2 * WAD)
    world.travel(11 * DAY)
    world.ok("claim", campaign, "--account", "creator")
    fee = 2 * WAD * FEE_BPS // 10_000
    assert "fees due     0.05 ETH" in show_platform(world)

    before = world.balance(treasury(world))
    out = world.ok("withdraw-fees", "crowdfund", "--account", "backer")
    assert f"Sent 0.05 ETH of fees to the treasury {treasury(world)}" in out
    assert world.balance(treasury(world)) == before + fee
    assert world.contracts["Crowdfund"].functions.feesAccrued(ZERO).call() == 0

    nonce = world.nonce("backer")
    assert world.refused("withdraw-fees", "crowdfund", "--account", "backer") == (
        "crowdledger: NoFees: no fees have accrued in this token; nothing was sent"
    )
    assert "NoFees" in world.refused(
        "withdraw-fees", "bounty", "--token", world.token.address, "--account", "backer"
    )
    assert world.nonce("backer") == nonce


def test_the_owner_sets_the_fee_and_the_treasury_and_nobody_else_may(world):
    crowdfund, bounty = world.contracts["Crowdfund"], world.contracts["Bounty"]
    out = world.ok("set-fee", "crowdfund", "5", "--account", "owner")
    assert "The platform's fee for what is created from now on: 5% (was 2.5%)" in out
    assert crowdfund.functions.feeBps().call() == 500
    assert bounty.functions.feeBps().call() == FEE_BPS

    nonce = world.nonce("creator")
    line = world.refused("set-fee", "crowdfund", "1", "--account", "creator")
    assert (
        f"OwnableUnauthorizedAccount: only the contract's owner may do this, and {world.addresses['creator']}"
        in line
    )
    assert world.nonce("creator") == nonce
    assert "FeeTooHigh: a fee of 10.01% is above the most allowed, 10%" in world.refused(
        "set-fee", "bounty", "10.01", "--account", "owner"
    )

    out = world.ok("set-treasury", "bounty", world.addresses["reviewer"], "--account", "owner")
    assert f"The platform's fees now go to {world.addresses['reviewer']}" in out
    assert bounty.functions.treasury().call() == world.addresses["reviewer"]
    assert crowdfund.functions.treasury().call() == treasury(world)
    shown = show_platform(world)
    assert f"treasury     {world.addresses['reviewer']}" in shown and "5% of what is created" in shown


@pytest.mark.parametrize(
    ("percent", "complaint"),
    [
        (
            "656",
            "the fee is a percentage from 0 to 100",
        ),  # 65,600 bps: more than the uint16 the contract takes
        ("-1", "at most two decimals"),
        ("2.555", "at most two decimals"),
        ("a lot", "must be a percentage such as 40 or 12.5"),
        ("nan", "at most two decimals"),
    ],
)
def test_a_fee_the_contract_cannot_take_is_refused_before_anything_is_sent(world, percent, complaint):
    assert complaint in world.refused("set-fee", "crowdfund", percent, "--account", "owner")


def test_a_paused_crowdfund_launches_nothing_until_unpaused(world):
    campaign_file = world.home / "campaign.json"
    shutil.copy(ROOT / "examples" / "campaign.json", campaign_file)
    assert "Launching campaigns is paused" in world.ok("pause", "--account", "owner")
    assert "launching    paused" in show_platform(world)
    line = world.refused("launch", campaign_file, "--account", "creator")
    assert (
        line == "crowdledger: EnforcedPause: the platform's owner has paused new launches; nothing was sent"
    )
    assert "OwnableUnauthorizedAccount" in world.refused("unpause", "--account", "creator")

    assert "Campaigns can be launched again" in world.ok("unpause", "--account", "owner")
    assert "Launched campaign" in world.ok("launch", campaign_file, "--account", "creator")


def test_the_ledger_owner_registers_attesters_and_modules(world):
    reputation = world.contracts["Reputation"]
    worker2 = world.addresses["worker2"]
    assert f"{worker2} is now an identity attester" in world.ok(
        "register-attester", worker2, "--account", "owner"
    )
    assert reputation.functions.isAttester(worker2).call()
    assert f"{worker2} is no longer an identity attester" in world.ok(
        "register-attester", worker2, "--remove", "--account", "owner"
    )
    assert not reputation.functions.isAttester(worker2).call()

    bounty = world.contracts["Bounty"].address
    assert "modules      Crowdfund, Bounty" in show_platform(world)
    assert f"{bounty} is no longer a reputation module" in world.ok(
        "register-module", bounty, "--remove", "--account", "owner"
    )
    assert "modules      Crowdfund\n" in show_platform(world)
    assert "OwnableUnauthorizedAccount" in world.refused("register-module", bounty, "--account", "worker2")


def test_the_ledger_owner_prices_an_asset_in_whole_tokens(world):
    reputation, token = world.contracts["Reputation"], world.token.address
    out = world.ok("set-asset", token, "10", "0.1", "--account", "owner")
    assert "DUSD earns reputation by units of 10 DUSD, from 0.1 DUSD on" in out
    assert tuple(reputation.functions.assets(token).call()) == (10 * WAD, WAD // 10)
    assert "asset        DUSD: by units of 10 DUSD, from 0.1 DUSD" in show_platform(world, "--token", token)

    assert "DUSD earns no more reputation" in world.ok("set-asset", token, "0", "0", "--account", "owner")
    assert tuple(reputation.functions.assets(token).call()) == (0, 0)
    assert "below 2**128 base units" in world.refused(
        "set-asset", "ETH", str(2**128), "0", "--account", "owner"
    )
    assert "is not a token" in world.refused(
        "set-asset", world.addresses["worker"], "1", "0", "--account", "owner"
    )


def test_the_ledger_owner_sets_the_identity_weights_and_the_half_life(world):
    reputation = world.contracts["Reputation"]
    out = world.ok("set-identity-weights", "2", "25", "--account", "owner")
    assert "Accounts verified at level 2 or more weigh in full; unverified ones 25%" in out
    assert reputation.functions.identityLevel().call() == 2
    assert reputation.functions.unverifiedWeightBps().call() == 2_500
    assert "identity level 2 or more; unverified accounts weigh 25%" in show_platform(world)
    assert "LEVEL must be 1 to 255" in world.refused("set-identity-weights", "0", "25", "--account", "owner")
    assert "LEVEL must be 1 to 255" in world.refused(
        "set-identity-weights", "256", "25", "--account", "owner"
    )
    assert "from 0 to 100" in world.refused("set-identity-weights", "1", "100.01", "--account", "owner")

    out = world.ok("set-half-life", "30", "--account", "owner")
    assert "Scores now halve in 30 days (before: they halved in 90 days)" in out
    assert reputation.functions.halfLife().call() == 30 * DAY
    world.ok("set-half-life", "12h", "--account", "owner")
    assert reputation.functions.halfLife().call() == 12 * 3600
    out = world.ok("set-half-life", "90018s", "--account", "owner")
    assert "Scores now halve in 1 day 1 hour (90,018 seconds)" in out  # exact, not the two largest units
    assert "half-life    1 day 1 hour (90,018 seconds)" in show_platform(world)
    world.ok("set-half-life", "0.6s", "--account", "owner")  # rounded to a second
    assert reputation.functions.halfLife().call() == 1
    out = world.ok("set-half-life", "0", "--account", "owner")
    assert "Scores no longer fade (before: they halved in 1 second)" in out
    assert "half-life    none (scores do not fade)" in show_platform(world)
    # 1e999999999 overflowed abs() (exit 70, "a bug"); 1e-1000000000000000100s came out as 0: "never fade"
    huge, tiny = ("1e999999999", "1e999999999999999999"), ("1e-1000000000000000100s",)
    for span in ("-1", "ninety", "1e9", "0.4s", "0.0000001", "inf", "nan", "12x", "", *huge, *tiny):
        assert "SPAN must be 0 (no fading) or from 1 second" in world.refused(
            "set-half-life", span, "--account", "owner"
        ), span


def test_ownership_is_offered_then_accepted_by_the_new_owner_alone(world):
    reputation, creator = world.contracts["Reputation"], world.addresses["creator"]
    out = world.ok("transfer-ownership", "reputation", creator, "--account", "owner")
    assert f"{creator} may now take the ownership from {world.addresses['owner']}" in out
    assert f"(offered to {creator})" in show_platform(world)
    assert "OwnableUnauthorizedAccount" in world.refused(
        "accept-ownership", "reputation", "--account", "backer"
    )

    assert f"The owner is now {creator}" in world.ok("accept-ownership", "reputation", "--account", "creator")
    assert reputation.functions.owner().call() == creator
    assert "OwnableUnauthorizedAccount" in world.refused("set-half-life", "30", "--account", "owner")
    world.ok("set-half-life", "30", "--account", "creator")


def test_crowdfund_is_pointed_at_another_ledger_that_registered_it_or_none(world):
    """Crowdfund reads its ledger's weights for every vote without a guard: pointed at a contract that is not
    a ledger, running campaigns could no longer hold votes; at a ledger that has not registered it, every
    outcome would be dropped without a word. Both are refused before anything is sent."""
    crowdfund, ledger = world.contracts["Crowdfund"], world.contracts["Reputation"].address
    assert f"Outcomes are no longer recorded (was the ledger at {ledger})" in world.ok(
        "set-reputation", "none", "--account", "owner"
    )
    assert crowdfund.functions.reputation().call() == ZERO
    assert "ledger       none (outcomes are not recorded)" in show_platform(world)

    nonce = world.nonce("owner")
    line = world.refused("set-reputation", world.token.address, "--account", "owner")
    assert f"{world.token.address} does not answer as a reputation ledger" in line
    line = world.refused("set-reputation", world.addresses["worker"], "--account", "owner")
    assert f"{world.addresses['worker']} does not answer as a reputation ledger" in line
    other = deploy(world.w3, "Reputation", world.addresses["owner"], sender=world.addresses["owner"])
    line = world.refused("set-reputation", other.address, "--account", "owner")
    assert f"the ledger at {other.address} has not registered Crowdfund ({crowdfund.address})" in line
    assert world.nonce("owner") == nonce + 1  # the deployment of the other ledger; nothing else
    bad = world.cli("set-reputation", "elsewhere", "--account", "owner")
    assert bad.code == 2 and "must be an address (0x and 40 hex digits), got 'elsewhere'" in bad.err

    world.ok(
        "register-module",
        crowdfund.address,
        "--account",
        "owner",
        "--deployment",
        deployment_of(world, other),
    )
    out = world.ok("set-reputation", other.address, "--account", "owner")
    assert f"Outcomes are now recorded in the ledger at {other.address} (was none)" in out
    assert crowdfund.functions.reputation().call() == other.address
    # the index and the pages follow the record's ledger, and Bounty's is fixed: the owner is told so
    assert f"record ({world.deployment}) names the ledger {ledger}. The indexer, the web pages and" in out
    assert "names the ledger" not in world.ok("set-reputation", ledger, "--account", "owner")  # back


def test_an_ownership_offer_is_withdrawn_with_none(world):
    world.ok("transfer-ownership", "bounty", world.addresses["creator"], "--account", "owner")
    out = world.ok("transfer-ownership", "bounty", "none", "--account", "owner")
    assert "The offer of the ownership is withdrawn; the owner stays" in out
    assert world.contracts["Bounty"].functions.pendingOwner().call() == ZERO
    assert "OwnableUnauthorizedAccount" in world.refused("accept-ownership", "bounty", "--account", "creator")


def test_huge_numbers_are_refused_in_a_line_not_a_hang_or_a_crash(world):
    """1e999999999999999999 overflowed Decimal (exit 70, "a bug"); 1e5000000 percent took minutes in int();
    a positive number below Decimal's smallest came out as 0, and was sent."""
    for command in (
        ("set-fee", "crowdfund", "1e999999999999999999"),
        ("set-fee", "crowdfund", "1e5000000"),
        ("set-identity-weights", "1", "1e5000000"),
        ("set-asset", "ETH", "1e999999999999999999", "0"),
        ("set-fee", "crowdfund", "1e-1000000000000000100"),  # came out as 0: no fee
        ("set-identity-weights", "1", "1e-1000000000000000100"),
        ("set-asset", "ETH", "1e-1000000000000000100", "0"),  # came out as unit 0: the asset removed
    ):
        result = world.cli(*command, "--account", "owner")
        assert result.code == 1 and "Traceback" not in result.err and len(result.err.splitlines()) == 1, (
            command
        )


def test_show_platform_names_what_it_shows_and_takes_no_id(world):
    shown = show_platform(world)
    for name in ("Crowdfund", "Bounty", "Reputation"):
        assert f"{name} {world.contracts[name].address}" in shown
    assert f"owner        {world.addresses['owner']}\n" in shown
    assert "fee          2.5% of what is created from now on" in shown
    assert "launching    open" in shown
    assert "half-life    90 days" in shown
    assert "asset        ETH: by units of 0.05 ETH, from 0.0005 ETH" in shown
    assert "takes no '1'" in world.refused("show", "platform", "1")
    assert "needs the campaign's number" in world.refused("show", "campaign")
