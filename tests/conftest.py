"""What every contract test shares: accounts with roles, a deployed Crowdfund, a token, a way to launch."""

from collections.abc import Callable

import pytest
from brownie import Crowdfund, MockToken, accounts, chain

ETH = "0x" + "00" * 20
DAY = 86400
FEE_BPS = 250
METADATA_URI = "ipfs://bafy-demo-campaign"
METADATA_HASH = b"\x42" * 32


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
) -> tuple:
    """The LaunchParams tuple; starts_in 0 means "now"."""
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
