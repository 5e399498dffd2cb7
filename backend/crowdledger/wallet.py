"""Launch and pledge from the command line, signing with a brownie account (an encrypted keystore).

The campaign file is JSON, amounts in whole tokens:
    {"token": "ETH" or an ERC-20 address, "goal": "5", "duration_days": 30,
     "delivery_days": 60,
     "vote_mode": "pledge-weighted", "quorum_percent": 20,
     "milestones_percent": [40, 30, 30],
     "tiers": [{"price": "0.1", "supply": 50}, {"price": "1", "supply": 0}],
     "metadata": {"title": "...", "description": "...", "image": "https://..."}}
or "metadata_uri" plus "metadata_hash" for a document published elsewhere. "delivery_days" is how long after
the deadline the rewards are due (default 30). "vote_mode" is "pledge-weighted" (the default: milestones are
vetoed by rejections worth "quorum_percent" of the money, 0.01 to 50, default 20) or
"one-per-verified-identity" (one vote per backer verified at "min_attestation_level", default 1; no quorum).
"""

import base64
import importlib
import json
import os
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak

from crowdledger.deployment import Deployment
from crowdledger.errors import ConfigError
from crowdledger.settings import Settings

ETH = "0x" + "00" * 20
DAY = 86_400
VOTE_MODES = {"pledge-weighted": 0, "one-per-verified-identity": 1}  # Crowdfund.VoteMode


def _units(amount: Any, decimals: int, what: str) -> int:
    try:
        value = Decimal(str(amount)) * (10**decimals)
    except InvalidOperation:
        raise ConfigError(f"{what} must be a number, got {amount!r}") from None
    if value <= 0 or value != value.to_integral_value():
        raise ConfigError(f"{what} must be positive with at most {decimals} decimals, got {amount!r}")
    return int(value)


def launch_params(spec: dict[str, Any], decimals: int, now: int) -> tuple[Any, ...]:
    """The contract's LaunchParams from a campaign file, checked with messages that say what to fix."""
    try:
        token = ETH if str(spec.get("token", "ETH")).upper() == "ETH" else str(spec["token"]).lower()
        days = int(spec["duration_days"])
        tiers = [
            (_units(t["price"], decimals, "tier price"), int(t.get("supply", 0)))
            for t in spec.get("tiers", [])
        ]
        milestones = [int(round(float(p) * 100)) for p in spec.get("milestones_percent", [])]
        mode = str(spec.get("vote_mode", "pledge-weighted"))
        if mode not in VOTE_MODES:
            raise ConfigError(f"vote_mode must be one of {', '.join(VOTE_MODES)}, got {mode!r}")
        identity_votes = VOTE_MODES[mode] == VOTE_MODES["one-per-verified-identity"]
        quorum_bps = int(round(float(spec.get("quorum_percent", 0 if identity_votes else 20)) * 100))
        min_level = int(spec.get("min_attestation_level", 1 if identity_votes else 0))
        delivery_days = int(spec.get("delivery_days", 30))
        if "metadata" in spec:
            document = json.dumps(spec["metadata"], sort_keys=True).encode()
            uri = "data:application/json;base64," + base64.b64encode(document).decode()
            digest = keccak(document)
        else:
            uri, digest = (
                str(spec["metadata_uri"]),
                bytes.fromhex(str(spec["metadata_hash"]).removeprefix("0x")),
            )
        goal = _units(spec["goal"], decimals, "goal")
    except KeyError as missing:
        raise ConfigError(f"the campaign file needs {missing}") from None
    except (TypeError, ValueError) as bad:
        raise ConfigError(f"the campaign file has a bad value: {bad}") from None
    deadline = now + days * DAY
    return (
        token,
        goal,
        0,
        deadline,
        quorum_bps,
        milestones,
        tiers,
        uri,
        digest,
        deadline + delivery_days * DAY,
        VOTE_MODES[mode],
        min_level,
    )


def _brownie() -> Any:
    """brownie, imported only by the commands that sign (its typed stubs want its own NewTypes everywhere)."""
    return importlib.import_module("brownie")


def _connect(settings: Settings, network_name: str, account_id: str) -> tuple[Any, Any]:
    brownie = _brownie()
    network, accounts, Contract = brownie.network, brownie.accounts, brownie.Contract
    deployment = Deployment.load(settings.deployment)
    if not network.is_connected():
        network.connect(network_name)
    # The keystore's password: prompted for, unless CROWDLEDGER_ACCOUNT_PASSWORD holds it (for scripts).
    account = accounts.load(account_id, password=os.environ.get("CROWDLEDGER_ACCOUNT_PASSWORD"))
    crowdfund = deployment.contracts["Crowdfund"]
    return account, Contract.from_abi("Crowdfund", crowdfund.address, crowdfund.abi)


def _decimals(token: str) -> int:
    if token == ETH:
        return 18
    abi = [
        {
            "name": "decimals",
            "type": "function",
            "stateMutability": "view",
            "inputs": [],
            "outputs": [{"name": "", "type": "uint8"}],
        }
    ]
    return int(_brownie().Contract.from_abi("ERC20", token, abi).decimals())


def launch(settings: Settings, file: str, account_id: str, network_name: str) -> int:
    try:
        spec = json.loads(Path(file).read_text())
    except (OSError, ValueError) as bad:
        raise ConfigError(f"cannot read the campaign file {file}: {bad}") from None
    account, crowdfund = _connect(settings, network_name, account_id)
    token = ETH if str(spec.get("token", "ETH")).upper() == "ETH" else str(spec.get("token"))
    params = launch_params(spec, _decimals(token), int(time.time()))
    return int(crowdfund.launch(params, {"from": account}).return_value)


def pledge(
    settings: Settings, campaign_id: int, amount: str, tier: int, account_id: str, network_name: str
) -> str:
    account, crowdfund = _connect(settings, network_name, account_id)
    token = crowdfund.campaign(campaign_id)[0]
    units = _units(amount, _decimals(token.lower()), "amount")
    value = units if token.lower() == ETH else 0
    return str(crowdfund.pledge(campaign_id, tier, units, {"from": account, "value": value}).txid)
