"""The gas each Bounty operation uses, for scripts/gas_report.py (or on its own:
`./dev brownie run scripts/gas_bounty.py --network NAME`).

Each figure is a whole transaction's gasUsed (21,000 base and calldata included) on a freshly deployed
Bounty, measured mid-life, as a user meets it: the platform already has tasks and has accrued fees in the
asset, so the task counter and the fee balance are updated rather than created. The first table runs without
a reputation ledger (reputation = address(0)); the "with the ledger" figures run against the real Reputation
with ETH registered (unit 1 ETH, minimum 0.001 ETH), as deploy.py wires it, for a first deal between two fresh
accounts (new scores, a new pair) and for a repeat pair (both scores and the pair exist).
"""

from collections.abc import Sequence

from brownie import chain, web3
from brownie.network.account import Account
from eth_utils import keccak

from scripts.deploy import code_for

ETH = "0x" + "00" * 20
DAY = 86400
FEE_BPS = 250
REWARD = 10**18
CO_REVIEW_WINDOW = 3 * DAY
TARGETS = {
    "bounty: post a funded contest (ETH)": 180_000,
    "bounty: submit an entry": 70_000,
    "bounty: award a single winner": 80_000,
    "bounty: award a single winner, with the ledger, first deal of two fresh accounts": 90_000,
    "bounty: award a single winner, with the ledger, repeat pair": 90_000,
}


def _params(token: str = ETH, co_reviewer: str = ETH) -> tuple:
    """TaskParams: deadline in 7 days, 3-day reviews, no arbiter, public."""
    deadline = chain[-1].timestamp + 7 * DAY
    return (
        token,
        deadline,
        3 * DAY,
        co_reviewer,
        ETH,
        0,
        0,
        b"\x00" * 32,
        0,
        "ipfs://bafy-demo-task",
        b"\x42" * 32,
    )


def _mine_at(timestamp: int) -> None:
    web3.provider.make_request("evm_setNextBlockTimestamp", [timestamp])
    chain.mine()


def _contest_with_revealed_entries(
    bounty, requester: Account, workers: Sequence[Account], co_reviewer: str = ETH
) -> tuple[int, dict]:
    """Post an ETH contest, enter and reveal each worker; returns the task id and the gas of the last
    worker's submit and reveal (the first of each pays for nothing a later one does not)."""
    task_id = bounty.postContest(
        _params(co_reviewer=co_reviewer), REWARD, {"from": requester, "value": REWARD}
    ).return_value
    gas: dict[str, int] = {}
    for worker in workers:
        salt = keccak(text=f"salt {worker} {task_id}")
        work = keccak(text=f"work {worker} {task_id}")
        gas["submit"] = bounty.submit(
            task_id, bounty.commitmentOf(work, worker, salt), [], {"from": worker}
        ).gas_used
    _mine_at(bounty.task(task_id)["deadline"])
    for worker in workers:
        salt = keccak(text=f"salt {worker} {task_id}")
        work = keccak(text=f"work {worker} {task_id}")
        gas["reveal"] = bounty.reveal(task_id, work, "ipfs://bafy-entry", salt, {"from": worker}).gas_used
    return task_id, gas


def _submitted_micro_task(bounty, requester: Account, worker: Account, places: int) -> int:
    micro = bounty.postMicroTask(
        _params(), REWARD // 10, places, DAY, {"from": requester, "value": places * REWARD // 10}
    ).return_value
    for index in range(places):
        bounty.take(micro, index, [], {"from": worker})
        bounty.submitWork(micro, index, keccak(text=f"labels {index}"), {"from": worker})
    return micro


def measure(owner: Account, accounts: Sequence[Account], evm: str = "cancun") -> dict[str, int]:
    """Deploy a Bounty (and a Reputation for the figures that need it), as built for `evm`, and measure each
    operation. `accounts` needs at least six accounts besides `owner`: a requester, three workers, and two
    accounts that first meet in the "first deal" figure."""
    others = [account for account in accounts if account != owner]
    requester, workers, fresh = others[0], others[1:4], others[4:6]
    bounty = code_for(evm, "Bounty").deploy(owner, owner, FEE_BPS, ETH, {"from": owner})
    gas: dict[str, int] = {}

    # mid-life: an earlier task, awarded, so taskCount and feesAccrued[ETH] are already non-zero
    warm_up, _ = _contest_with_revealed_entries(bounty, requester, workers[:1])
    bounty.award(warm_up, [workers[0]], [10_000], {"from": requester})

    tx = bounty.postContest(_params(), REWARD, {"from": requester, "value": REWARD})
    gas["bounty: post a funded contest (ETH)"] = tx.gas_used
    usd = code_for(evm, "MockToken").deploy("Demo Dollar", "DUSD", 18, {"from": owner})
    usd.mint(requester, 10 * REWARD, {"from": owner})
    usd.approve(bounty, 2**256 - 1, {"from": requester})
    bounty.postContest(
        _params(usd.address), REWARD, {"from": requester}
    )  # the first pays for the balance slot
    gas["bounty: post a funded contest (ERC-20)"] = bounty.postContest(
        _params(usd.address), REWARD, {"from": requester}
    ).gas_used

    task_id, entry_gas = _contest_with_revealed_entries(bounty, requester, workers[:2])
    gas["bounty: submit an entry"] = entry_gas["submit"]
    gas["bounty: reveal an entry"] = entry_gas["reveal"]
    gas["bounty: award a single winner"] = bounty.award(
        task_id, [workers[1]], [10_000], {"from": requester}
    ).gas_used

    micro = bounty.postMicroTask(_params(), REWARD // 10, 5, DAY, {"from": requester, "value": REWARD // 2})
    micro_id = micro.return_value
    gas["bounty: post a micro-task, 5 places"] = micro.gas_used
    bounty.take(micro_id, 0, [], {"from": workers[2]})  # the first place takes the slots a later one reuses
    gas["bounty: take a place"] = bounty.take(micro_id, 1, [], {"from": workers[2]}).gas_used
    bounty.submitWork(micro_id, 0, keccak(text="labels 0"), {"from": workers[2]})
    gas["bounty: submit work for a place"] = bounty.submitWork(
        micro_id, 1, keccak(text="labels 1"), {"from": workers[2]}
    ).gas_used
    bounty.approve(micro_id, 0, {"from": requester})
    gas["bounty: approve a micro place"] = bounty.approve(micro_id, 1, {"from": requester}).gas_used
    gas["bounty: withdraw"] = bounty.withdraw(task_id, workers[1], {"from": workers[1]}).gas_used

    # a co-reviewed award: the requester's proposal, then the co-reviewer's confirmation (delegated)
    co_reviewed, _ = _contest_with_revealed_entries(
        bounty, requester, workers[:1], co_reviewer=workers[2].address
    )
    gas["bounty: propose an award (co-reviewed task)"] = bounty.award(
        co_reviewed, [workers[0]], [10_000], {"from": requester}
    ).gas_used
    gas["bounty: confirm an award (co-reviewer)"] = bounty.confirmAward(
        co_reviewed, [workers[0]], [10_000], {"from": workers[2]}
    ).gas_used

    gas.update(_with_ledger(owner, requester, workers, fresh, evm))
    return gas


def _with_ledger(
    owner: Account, requester: Account, workers: Sequence[Account], fresh: Sequence[Account], evm: str
) -> dict[str, int]:
    """The same Bounty wired to the real Reputation, ETH registered."""
    reputation = code_for(evm, "Reputation").deploy(owner, {"from": owner})
    reputation.setAsset(ETH, REWARD, REWARD // 1000, {"from": owner})
    ranked = code_for(evm, "Bounty").deploy(owner, owner, FEE_BPS, reputation, {"from": owner})
    reputation.setModule(ranked, True, {"from": owner})
    gas: dict[str, int] = {}

    warm_up, _ = _contest_with_revealed_entries(ranked, requester, workers[:1])
    ranked.award(warm_up, [workers[0]], [10_000], {"from": requester})  # requester and workers[0] have dealt

    fresh_requester, fresh_worker = fresh
    first, entry_gas = _contest_with_revealed_entries(ranked, fresh_requester, [workers[1], fresh_worker])
    gas["bounty: reveal an entry, with the ledger"] = entry_gas["reveal"]
    gas["bounty: award a single winner, with the ledger, first deal of two fresh accounts"] = ranked.award(
        first, [fresh_worker], [10_000], {"from": fresh_requester}
    ).gas_used
    repeat, _ = _contest_with_revealed_entries(ranked, requester, [workers[1], workers[0]])
    gas["bounty: award a single winner, with the ledger, repeat pair"] = ranked.award(
        repeat, [workers[0]], [10_000], {"from": requester}
    ).gas_used

    micro = _submitted_micro_task(ranked, requester, workers[0], 2)
    ranked.approve(micro, 0, {"from": requester})
    gas["bounty: approve a micro place, with the ledger, repeat pair"] = ranked.approve(
        micro, 1, {"from": requester}
    ).gas_used
    return gas


def main() -> None:
    from brownie import accounts

    gas = measure(accounts[0], accounts)
    print("\n| operation | gas | target |\n|---|---:|---:|")
    for operation, used in gas.items():
        target = TARGETS.get(operation)
        verdict = "" if target is None else f"≤ {target:,} {'met' if used <= target else 'MISSED'}"
        print(f"| {operation} | {used:,} | {verdict} |")
