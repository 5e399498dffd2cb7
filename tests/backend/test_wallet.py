"""The command line's wallet commands: launch a campaign from a file and pledge, signing with a brownie
keystore account; and the clear messages for files that are wrong."""

import json
import secrets
from pathlib import Path

import pytest
from brownie import accounts, chain

from crowdledger import cli
from crowdledger.errors import ConfigError
from crowdledger.wallet import launch_params
from tests.backend.conftest import deployment_of

WAD = 10**18


@pytest.fixture
def keystore(monkeypatch):
    """A funded account saved as an encrypted keystore, its password where the CLI looks for it."""
    account = accounts.add(secrets.token_hex(32))
    accounts[0].transfer(account, 10 * WAD)
    account_id = f"test-{secrets.token_hex(4)}"
    saved = Path(account.save(account_id, password="correct horse"))
    monkeypatch.setenv("CROWDLEDGER_ACCOUNT_PASSWORD", "correct horse")
    yield account_id, account
    saved.unlink()


@pytest.fixture
def deployment_file(crowdfund, tmp_path, monkeypatch):
    record = deployment_of(crowdfund)
    path = tmp_path / "deployment.json"
    path.write_text(
        json.dumps(
            {
                "network": record.network,
                "chain_id": record.chain_id,
                "start_block": record.start_block,
                "contracts": {
                    name: {"address": c.address, "abi": c.abi} for name, c in record.contracts.items()
                },
            }
        )
    )
    monkeypatch.setenv("CROWDLEDGER_DEPLOYMENT", str(path))
    return path


def test_launch_from_a_file_then_pledge(crowdfund, keystore, deployment_file, tmp_path, capsys):
    account_id, account = keystore
    spec = {
        "token": "ETH",
        "goal": "1.5",
        "duration_days": 10,
        "milestones_percent": [40, 60],
        "tiers": [{"price": "0.1", "supply": 5}],
        "metadata": {"title": "Keystore kiosk", "description": "Launched from the command line"},
    }
    campaign_file = tmp_path / "campaign.json"
    campaign_file.write_text(json.dumps(spec))
    assert cli.main(["launch", str(campaign_file), "--account", account_id]) == 0
    campaign_id = crowdfund.campaignCount()
    assert f"Launched campaign {campaign_id}" in capsys.readouterr().out
    launched = crowdfund.campaign(campaign_id)
    assert (launched["creator"], launched["goal"], launched["milestoneCount"]) == (account, 3 * WAD // 2, 2)
    assert [int(v) for v in crowdfund.tiers(campaign_id, 1)[:2]] == [WAD // 10, 5]

    assert cli.main(["pledge", str(campaign_id), "0.25", "--tier", "1", "--account", account_id]) == 0
    assert [int(v) for v in crowdfund.pledges(campaign_id, account)[:2]] == [WAD // 4, 1]


@pytest.mark.parametrize(
    "spec, complaint",
    [
        ({"goal": "1", "metadata": {}}, "duration_days"),
        ({"goal": "-1", "duration_days": 3, "metadata": {}}, "goal must be positive"),
        ({"goal": "1.0000000000000000001", "duration_days": 3, "metadata": {}}, "at most 18 decimals"),
        ({"goal": "lots", "duration_days": 3, "metadata": {}}, "goal must be a number"),
        ({"goal": "1", "duration_days": 3}, "metadata_uri"),
        (
            {"goal": "1", "duration_days": 3, "vote_mode": "loudest", "metadata": {}},
            "vote_mode must be one of",
        ),
    ],
)
def test_a_bad_campaign_file_says_what_to_fix(spec, complaint):
    with pytest.raises(ConfigError, match=complaint):
        launch_params(spec, 18, chain.time())


def test_a_campaign_file_sets_the_delivery_date_and_the_vote_mode():
    now = 1_700_000_000
    default = launch_params({"goal": "1", "duration_days": 3, "metadata": {}}, 18, now)
    deadline = now + 3 * 86_400
    assert (default[3], default[4], default[9:]) == (deadline, 2000, (deadline + 30 * 86_400, 0, 0))
    spec = {
        "goal": "1",
        "duration_days": 3,
        "delivery_days": 10,
        "vote_mode": "one-per-verified-identity",
        "min_attestation_level": 2,
        "metadata": {},
    }
    identity = launch_params(spec, 18, now)
    assert (identity[4], identity[9:]) == (0, (deadline + 10 * 86_400, 1, 2))


def test_an_unreadable_file_is_a_one_line_error(keystore, deployment_file, tmp_path, capsys):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert cli.main(["launch", str(broken), "--account", keystore[0]]) == 1
    assert "cannot read the campaign file" in capsys.readouterr().err
