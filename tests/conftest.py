"""What every contract test shares: accounts with roles, a deployed Crowdfund, a token, a way to launch."""

from collections.abc import Callable

import pytest
from brownie import Crowdfund, MockToken, accounts, chain
from eth_utils import keccak

ETH = "0x" + "00" * 20
DAY = 86400
FEE_BPS = 250
METADATA_URI = "ipfs://bafy-demo-campaign"
METADATA_HASH = b"\x42" * 32
PLEDGE_WEIGHTED, ONE_PER_VERIFIED_IDENTITY = 0, 1  # Crowdfund.VoteMode
DELIVERY_DELAY = 30 * DAY  # the default delivery date: this long after the deadline


@pytest.fixture(autouse=True)
def isolation(fn_isolation: None) -> None:
    """Every test starts from the same chain state."""


@pytest.fixture(scope="module")
def owner():
    return accounts[0]


@pytest.fixture(scope="module")
def treasury():
    return accounts[9]


@pytest.fixture(scope="module")
def creator():
    return accounts[1]


@pytest.fixture(scope="module")
def backers():
    return accounts[2:8]


@pytest.fixture(scope="module")
def crowdfund(owner, treasury):
    return Crowdfund.deploy(owner, treasury, FEE_BPS, {"from": owner})


@pytest.fixture(scope="module")
def token(owner, backers, crowdfund):
    """A stablecoin-like token every backer holds and has approved to the crowdfund."""
    usd = MockToken.deploy("Demo Dollar", "DUSD", 18, {"from": owner})
    for backer in backers:
        usd.mint(backer, 10**24, {"from": owner})
        usd.approve(crowdfund, 2**256 - 1, {"from": backer})
    return usd


def launch_params(
    token: str = ETH,
    goal: int = 10**18,
    starts_in: int = 0,
    duration: int = 30 * DAY,
    quorum_bps: int = 2000,
    milestones: list[int] | None = None,
    tiers: list[tuple[int, int]] | None = None,
    delivery_delay: int = DELIVERY_DELAY,
    vote_mode: int = PLEDGE_WEIGHTED,
    min_attestation_level: int = 0,
) -> tuple:
    """The LaunchParams tuple; starts_in 0 means "now"; the delivery date is `delivery_delay` after the
    deadline."""
    start = chain.time() + starts_in if starts_in else 0
    deadline = (start or chain.time()) + duration
    return (
        token,
        goal,
        start,
        deadline,
        quorum_bps,
        milestones or [],
        tiers or [],
        METADATA_URI,
        METADATA_HASH,
        deadline + delivery_delay,
        vote_mode,
        min_attestation_level,
    )


@pytest.fixture(scope="module")
def launch(crowdfund, creator) -> Callable[..., int]:
    """launch(**launch_params kwargs) -> campaign id, launched by `creator`."""

    def _launch(sender=None, **kwargs) -> int:
        return crowdfund.launch(launch_params(**kwargs), {"from": sender or creator}).return_value

    return _launch


def end_funding(days: int = 31) -> None:
    """Move past a campaign's deadline."""
    chain.sleep(days * DAY)
    chain.mine()


def selectors_before(contract, signature: str) -> int:
    """How many of `contract`'s functions (public constants included) the dispatcher tries before `signature`:
    it compares selectors in ascending order, 22 gas each, so this is what every caller of that function pays
    for the others."""

    def canonical(item: dict) -> str:
        def kind(arg: dict) -> str:
            if arg["type"].startswith("tuple"):
                return "(" + ",".join(kind(c) for c in arg["components"]) + ")" + arg["type"][5:]
            return str(arg["type"])

        return f"{item['name']}({','.join(kind(arg) for arg in item['inputs'])})"

    target = keccak(text=signature)[:4]
    return sum(
        keccak(text=canonical(item))[:4] < target for item in contract.abi if item["type"] == "function"
    )
