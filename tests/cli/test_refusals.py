"""The ways a command is refused before anything is sent, each one line that says what to do, with the exit
status docs/CLI.md promises: a wrong password, an unknown account, a deployment for another chain or a reset
one, a missing deployment record, a chain that cannot be reached, a deployment older than the command."""

import json

import pytest

from tests.cli.conftest import launch


@pytest.fixture(scope="module")
def campaign(world):
    return launch(world)


def edited_deployment(world, change):
    record = json.loads(world.deployment.read_text())
    change(record)
    path = world.home / "edited-deployment.json"
    path.write_text(json.dumps(record))
    return str(path)


def test_a_wrong_password_is_one_line_and_nothing_is_sent(world, campaign):
    before = world.nonce("backer")
    line = world.refused(
        "pledge", campaign, "0.1", "--account", "backer", CROWDLEDGER_ACCOUNT_PASSWORD="wrong"
    )
    assert (
        line == f"crowdledger: wrong password for account backer ({world.keystores / 'backer.json'}); "
        "nothing was sent"
    )
    assert world.nonce("backer") == before


def test_a_refusal_the_chain_predicts_never_asks_for_the_password(world, campaign):
    """The call runs before the keystore is opened: a doomed pledge costs no password."""
    line = world.refused(
        "pledge", campaign, "0.1", "--tier", 9, "--account", "backer", CROWDLEDGER_ACCOUNT_PASSWORD=""
    )
    assert "TierNotFound: " in line


def test_an_unknown_account_lists_the_known_ones(world, campaign):
    line = world.refused("pledge", campaign, "0.1", "--account", "nobody")
    assert (
        "no account nobody in " in line and "backer" in line and "crowdledger account import nobody" in line
    )


def test_a_deployment_for_another_chain_is_refused(world, campaign):
    other = edited_deployment(world, lambda record: record.update(chain_id=1))
    line = world.refused("pledge", campaign, "0.1", "--account", "backer", CROWDLEDGER_DEPLOYMENT=other)
    assert f"{world.rpc_url} is chain 31337, but {other} was deployed on chain 1" in line


def test_a_chain_reset_since_the_deployment_is_detected(world, campaign):
    def elsewhere(record):
        for contract in record["contracts"].values():
            contract["address"] = "0x" + "5a" * 20

    line = world.refused(
        "show", "campaign", campaign, CROWDLEDGER_DEPLOYMENT=edited_deployment(world, elsewhere)
    )
    assert "there is no Reputation contract at 0x5a5a" in line and "deploy again" in line


def test_a_missing_deployment_record_says_how_to_make_one(world, campaign):
    line = world.refused(
        "pledge", campaign, "0.1", "--account", "backer", CROWDLEDGER_DEPLOYMENT="nowhere.json"
    )
    assert "No deployment record at nowhere.json: deploy first" in line


def test_an_unreachable_chain_exits_3_with_what_to_check(world, campaign):
    line = world.refused("show", "campaign", campaign, code=3, CROWDLEDGER_RPC_URL="http://127.0.0.1:9")
    assert "cannot reach the chain at http://127.0.0.1:9" in line and "./dev up" in line


def test_a_deployment_older_than_the_command_is_named(world, campaign):
    def without_vote(record):
        abi = record["contracts"]["Crowdfund"]["abi"]
        record["contracts"]["Crowdfund"]["abi"] = [e for e in abi if e.get("name") != "vote"]

    line = world.refused(
        "vote",
        campaign,
        "approve",
        "--account",
        "backer",
        CROWDLEDGER_DEPLOYMENT=edited_deployment(world, without_vote),
    )
    assert "has no function vote" in line and "deploy the current contracts" in line


def test_a_bad_command_line_exits_2(world):
    result = world.cli("pledge", "three", "1", "--account", "backer")
    assert result.code == 2 and "argument CAMPAIGN: expected a whole number, got 'three'" in result.err


def test_a_network_brownie_does_not_know_is_named(world, campaign):
    line = world.refused("show", "campaign", campaign, "--network", "no-such-net", HOME=str(world.home))
    assert "network 'no-such-net' is not in brownie's network list" in line


def test_an_address_whose_capitals_break_its_checksum_is_refused_as_a_typo(world, campaign):
    """eth_utils 5 no longer checks EIP-55 checksums: a mistyped recipient was accepted and paid."""
    recipient = world.addresses["worker"]
    typo = recipient[:2] + recipient[2:].swapcase()  # the same digits, every capital flipped
    before = world.nonce("backer")
    result = world.cli("refund", campaign, "--to", typo, "--account", "backer")
    assert result.code == 2 and "do not match its checksum" in result.err and "Traceback" not in result.err
    assert world.nonce("backer") == before
    # all lowercase carries no checksum, so it is taken as written
    assert "Traceback" not in world.cli("show", "account", recipient.lower()).err
    assert "do not match its checksum" in world.refused("show", "account", typo)
