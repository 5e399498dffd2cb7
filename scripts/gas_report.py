"""Print the gas each Crowdfund, Reputation and Bounty operation uses, as the Markdown tables in docs/GAS.md.

    ./dev gas

Each figure is a whole transaction's gasUsed on a fresh local chain (21,000 base included), measured in the
situation a user meets most: a backer pledging to a campaign that already has other backers, with the
reputation ledger wired in as deploy.py wires it (ETH registered as an asset, identities weighed).
"""

import time

from brownie import accounts, chain
from eth_account import Account as EthAccount

from crowdledger.wallet.attest import sign_attest
from crowdledger.wallet.erc20 import PERMIT_TYPES
from scripts import gas_bounty
from scripts.deploy import code_for, deploy

DAY = 86400
TARGETS = {
    "launch, 2 tiers": 200_000,
    "pledge ETH, new backer": 70_000,
    "pledge ERC-20 with tier, new backer": 80_000,
    "refund": 45_000,
    "Reputation: rate a creator": 65_000,
}


def launch_params(token: str, goal: int, milestones: list[int] | None = None) -> tuple:
    tiers = [(10**16, 100), (5 * 10**16, 0)]  # an early-bird tier with 100 places and an unlimited one
    # startsAt 0: a start in the past means "now"; rewards due 30 days after the deadline; pledge-weighted
    deadline = chain.time() + 30 * DAY
    return (
        token,
        goal,
        0,
        deadline,
        2000,
        milestones or [],
        tiers,
        "ipfs://demo",
        b"\x11" * 32,
        deadline + 30 * DAY,
        0,
        0,
    )


def permit_signature(
    token, owner_key: str, spender: str, amount: int, deadline: int
) -> tuple[int, bytes, bytes]:
    owner = EthAccount.from_key(owner_key)
    signed = owner.sign_typed_data(
        domain_data={
            "name": token.name(),
            "version": "1",
            "chainId": chain.id,
            "verifyingContract": token.address,
        },
        message_types=PERMIT_TYPES,
        message_data={
            "owner": owner.address,
            "spender": spender,
            "value": amount,
            "nonce": token.nonces(owner.address),
            "deadline": deadline,
        },
    )
    return signed.v, signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big")


def attest_signature(
    reputation, attester_key: str, account: str, level: int, expires_at: int, deadline: int
) -> bytes:
    """The attester's EIP-712 Attest signature (r‖s‖v) with its current nonce for `account`."""
    nonce = reputation.nonces(EthAccount.from_key(attester_key).address, account)
    return sign_attest(
        attester_key, chain.id, reputation.address, account, level, expires_at, nonce, deadline
    )


def measure(evm: str = "cancun") -> dict[str, int]:
    """The figures for the contracts as built for `evm` (scripts/build_evm.py; cancun: the default build)."""
    owner, creator, *backers = accounts[:8]
    deployed = deploy(owner, treasury=owner.address, evm=evm)["contracts"]
    crowdfund = code_for(evm, "Crowdfund").at(deployed["Crowdfund"]["address"])
    usd = code_for(evm, "MockToken").deploy("Demo Dollar", "DUSD", 18, {"from": owner})
    reputation = code_for(evm, "Reputation").at(deployed["Reputation"]["address"])
    reputation.setAsset(usd, 100 * 10**18, 10**18, {"from": owner})  # as demo.py registers it
    gas: dict[str, int] = {}

    tx = crowdfund.launch(launch_params("0x" + "00" * 20, 10**18), {"from": creator})
    gas["launch, 2 tiers"] = tx.gas_used
    eth_id = tx.return_value
    gas["pledge ETH, first into a campaign"] = crowdfund.pledge(
        eth_id, 0, 10**17, {"from": backers[0], "value": 10**17}
    ).gas_used
    gas["pledge ETH, new backer"] = crowdfund.pledge(
        eth_id, 0, 10**17, {"from": backers[1], "value": 10**17}
    ).gas_used
    gas["pledge ETH with tier, new backer"] = crowdfund.pledge(
        eth_id, 1, 10**17, {"from": backers[2], "value": 10**17}
    ).gas_used
    gas["pledge ETH, repeat"] = crowdfund.pledge(
        eth_id, 0, 10**17, {"from": backers[1], "value": 10**17}
    ).gas_used
    gas["unpledge"] = crowdfund.unpledge(eth_id, backers[2], {"from": backers[2]}).gas_used

    token_id = crowdfund.launch(
        launch_params(usd.address, 10**24, [4000, 3000, 3000]), {"from": creator}
    ).return_value
    for backer in backers[:3]:
        usd.mint(backer, 10**21, {"from": owner})
        usd.approve(crowdfund, 10**20, {"from": backer})
    crowdfund.pledge(token_id, 1, 10**18, {"from": backers[0]})
    gas["pledge ERC-20 with tier, new backer"] = crowdfund.pledge(
        token_id, 1, 10**18, {"from": backers[1]}
    ).gas_used

    permit_backer = accounts.add()
    owner.transfer(permit_backer, 10**18)
    usd.mint(permit_backer, 10**21, {"from": owner})
    deadline = chain.time() + DAY
    v, r, s = permit_signature(usd, permit_backer.private_key, crowdfund.address, 10**18, deadline)
    gas["pledge ERC-20 with permit, new backer"] = crowdfund.pledgeWithPermit(
        token_id, 1, 10**18, deadline, v, r, s, {"from": permit_backer}
    ).gas_used

    # eth_id reaches its goal; failing_id and token_id do not.
    crowdfund.pledge(eth_id, 0, 10**18, {"from": backers[3], "value": 10**18})
    failing_id = crowdfund.launch(launch_params("0x" + "00" * 20, 10**20), {"from": creator}).return_value
    for backer in backers[:2]:
        crowdfund.pledge(failing_id, 0, 10**17, {"from": backer, "value": 10**17})
    chain.sleep(31 * DAY)
    chain.mine()
    gas["claim (no milestones; records the value released)"] = crowdfund.claim(
        eth_id, creator, {"from": creator}
    ).gas_used
    gas["refund"] = crowdfund.refund(failing_id, backers[0], {"from": backers[0]}).gas_used
    gas["refund ERC-20"] = crowdfund.refund(token_id, backers[0], {"from": backers[0]}).gas_used

    vote_id = crowdfund.launch(
        launch_params(usd.address, 10**18, [4000, 3000, 3000]), {"from": creator}
    ).return_value
    crowdfund.pledge(vote_id, 0, 10**18, {"from": backers[1]})
    crowdfund.pledge(vote_id, 0, 10**18, {"from": backers[2]})
    chain.sleep(31 * DAY)
    chain.mine()
    gas["claim first milestone (records the value released)"] = crowdfund.claim(
        vote_id, creator, {"from": creator}
    ).gas_used
    gas["open milestone vote"] = crowdfund.openVote(vote_id, {"from": creator}).gas_used
    gas["vote (weighed by the voter's identity)"] = crowdfund.vote(
        vote_id, True, {"from": backers[1]}
    ).gas_used
    chain.sleep(8 * DAY)
    chain.mine()
    gas["close vote, approved"] = crowdfund.closeVote(vote_id, {"from": backers[1]}).gas_used
    crowdfund.openVote(vote_id, {"from": creator})
    crowdfund.vote(vote_id, False, {"from": backers[2]})
    chain.sleep(8 * DAY)
    chain.mine()
    gas["close vote, rejected (records the refund pool)"] = crowdfund.closeVote(
        vote_id, {"from": backers[1]}
    ).gas_used

    # Delivery: backers of the funded ETH campaign confirm their rewards arrived (a deal: the creator's and
    # the backer's scores, the pair's count); the first writes the backer's first Backer score.
    gas["confirm delivery (records a deal)"] = crowdfund.confirmDelivery(
        eth_id, {"from": backers[0]}
    ).gas_used
    crowdfund.confirmDelivery(eth_id, {"from": backers[1]})
    chain.sleep(31 * DAY)
    chain.mine()
    gas["report non-delivery (records a penalty deal)"] = crowdfund.reportNotDelivered(
        eth_id, {"from": backers[3]}
    ).gas_used

    # Reputation: backers who recorded delivery rate the creator (the second rating is the typical one: the
    # creator's score slot and the rating's pair count already exist; the rater has no attestation).
    reputation.rate(crowdfund, eth_id, creator, 5, {"from": backers[0]})
    gas["Reputation: rate a creator"] = reputation.rate(
        crowdfund, eth_id, creator, 4, {"from": backers[1]}
    ).gas_used
    reputation.setAttester(owner, True, {"from": owner})
    gas["Reputation: attest"] = reputation.attest(backers[4], 1, chain.time() + DAY, {"from": owner}).gas_used
    # an attestation signed by an attester (an EOA with a known key), submitted by the account it vouches for
    signer, signed_for, deadline = accounts.add(), accounts[8], chain.time() + DAY
    reputation.setAttester(signer, True, {"from": owner})
    signature = attest_signature(reputation, signer.private_key, signed_for.address, 1, deadline, deadline)
    gas["Reputation: attest by signature (EOA attester)"] = reputation.attestBySig(
        signed_for, 1, deadline, signer, deadline, signature, {"from": signed_for}
    ).gas_used

    # recordDeal as a module calls it (Bounty's award, Crowdfund's delivery), from a plain account registered
    # as a module: a worker paid by a requester, both already holding a score in their role, first as a new
    # pair (its counter is a new slot), then again as a repeat pair.
    reputation.setModule(owner, True, {"from": owner})
    worker, requester, other_worker, other_requester = backers[2:6]

    def deal(payee, payer):
        return reputation.recordDeal(
            (payee, 3, 10**18, payer, 2, 10**18, "0x" + "00" * 20, 10**17, b"gas".ljust(32, b"\0"), 1),
            {"from": owner},
        )

    deal(worker, other_requester)
    deal(other_worker, requester)
    gas["Reputation: record a deal, new pair (scores exist)"] = deal(worker, requester).gas_used
    gas["Reputation: record a deal, repeat pair"] = deal(worker, requester).gas_used
    return gas


def main(evm: str = "cancun") -> None:
    """`./dev gas [--evm shanghai|paris]`: the pre-Cancun build measures on a chain of that EVM version."""
    started = time.time()
    gas = measure(evm)
    gas.update(gas_bounty.measure(accounts[0], accounts[1:8], evm))
    targets = TARGETS | gas_bounty.TARGETS
    print("\n| operation | gas | target |\n|---|---:|---:|")
    for operation, used in gas.items():
        target = targets.get(operation)
        verdict = "" if target is None else f"≤ {target:,} {'met' if used <= target else 'MISSED'}"
        print(f"| {operation} | {used:,} | {verdict} |")
    print(f"\n(measured in {time.time() - started:.0f} s)")
