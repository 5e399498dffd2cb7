"""Deploy CrowdLedger to the local chain and fill it with demo campaigns in every state (Succeeded, Failed,
Funding, Rejected, Cancelled, Upcoming: ids 1 to 7), an awarded contest and a partly approved micro-task.

    ./dev up        (starts anvil, then runs this)

Campaign metadata travels as `data:` URIs, so the demo needs no file server and anyone who reads a URI
can check it against the content hash on chain.
"""

import base64
import json

from brownie import Bounty, Crowdfund, MockToken, Reputation, accounts, chain
from eth_utils import keccak

from crowdledger.wallet.devchain import DEMO_ATTESTER
from scripts.deploy import deploy

ETH = "0x" + "00" * 20
DAY = 86400
UNIT = 10**18
DUSD_ASSET = (100 * UNIT, UNIT)  # 100 DUSD is one unit of value; below 1 DUSD nothing is earned
DELIVERY_DAYS = 14  # rewards are due two weeks after a campaign's deadline


def metadata(title: str, description: str) -> tuple[str, bytes]:
    """A data: URI holding the campaign's JSON document, and keccak256 of that document."""
    document = json.dumps({"title": title, "description": description}, sort_keys=True).encode()
    return "data:application/json;base64," + base64.b64encode(document).decode(), keccak(document)


def launch(
    crowdfund, creator, token, goal, days, title, description, milestones=(), tiers=(), starts_in_days=0
) -> int:
    """A campaign with pledge-weighted milestone votes (vetoed at 20%), rewards due DELIVERY_DAYS after it;
    it opens now, or `starts_in_days` from now."""
    uri, digest = metadata(title, description)
    starts_at = chain.time() + starts_in_days * DAY if starts_in_days else 0
    deadline = (starts_at or chain.time()) + days * DAY
    params = (
        token,
        goal,
        starts_at,
        deadline,
        2000,
        list(milestones),
        list(tiers),
        uri,
        digest,
        deadline + DELIVERY_DAYS * DAY,
        0,  # Crowdfund.VoteMode.PledgeWeighted
        0,
    )
    return crowdfund.launch(params, {"from": creator}).return_value


def main() -> None:
    owner, alice, bob = accounts[0], accounts[1], accounts[2]
    backers = accounts[3:9]
    record = deploy(owner, treasury=accounts[9].address)
    crowdfund = Crowdfund.at(record["contracts"]["Crowdfund"]["address"])
    reputation = Reputation.at(record["contracts"]["Reputation"]["address"])
    usd = MockToken.deploy("Demo Dollar", "DUSD", 18, {"from": owner})
    reputation.setAsset(usd, *DUSD_ASSET, {"from": owner})
    for backer in backers:
        usd.mint(backer, 50_000 * UNIT, {"from": owner})
        usd.approve(crowdfund, 2**256 - 1, {"from": backer})

    # Two short campaigns first, so that a time jump can settle them while the long ones stay open.
    funded = launch(
        crowdfund, alice, ETH, 2 * UNIT, 2, "Open-source seed library", "Seed packets for 40 schools."
    )
    missed = launch(
        crowdfund, bob, usd.address, 20_000 * UNIT, 2, "Repair café van", "A van that brings the tools."
    )
    for backer in backers[:3]:
        crowdfund.pledge(funded, 0, UNIT, {"from": backer, "value": UNIT})
        crowdfund.pledge(missed, 0, 1_000 * UNIT, {"from": backer})
    chain.sleep(3 * DAY)
    chain.mine()
    crowdfund.claim(funded, alice, {"from": alice})
    crowdfund.refund(missed, backers[0], {"from": backers[0]})

    # An identity attester vouches for a few accounts; the funded campaign's backers confirm that the seeds
    # arrived (a deal between each of them and the creator) and then rate its creator.
    attester = accounts[DEMO_ATTESTER]
    reputation.setAttester(attester, True, {"from": owner})
    for account in (alice, bob, *backers[:2]):
        reputation.attest(account, 1, chain.time() + 365 * DAY, {"from": attester})
    for stars, backer in zip((5, 4, 5), backers[:3], strict=True):
        crowdfund.confirmDelivery(funded, {"from": backer})
        reputation.rate(crowdfund, funded, alice, stars, {"from": backer})

    solar = launch(
        crowdfund,
        alice,
        ETH,
        5 * UNIT,
        30,
        "Solar kiosk",
        "A solar charging kiosk for the market square, built in three stages.",
        milestones=[4000, 3000, 3000],
        tiers=[(UNIT // 10, 50), (UNIT // 2, 0)],  # an early-bird tier of 50 places, and an unlimited one
    )
    makerspace = launch(
        crowdfund,
        bob,
        usd.address,
        10_000 * UNIT,
        21,
        "Community makerspace",
        "Tools, benches and a laser cutter for the neighbourhood.",
        tiers=[(100 * UNIT, 0)],
    )
    for i, backer in enumerate(backers):
        crowdfund.pledge(solar, 1, UNIT // 10, {"from": backer, "value": UNIT // 10})
        crowdfund.pledge(makerspace, 1 if i % 2 else 0, (1 + i) * 800 * UNIT, {"from": backer})

    tasks = crowdsource(Bounty.at(record["contracts"]["Bounty"]["address"]), reputation, bob, backers)
    the_other_states(crowdfund, alice, bob, backers)

    states = ("Upcoming", "Funding", "Succeeded", "Failed", "Cancelled", "Rejected")
    print(f"\nCrowdfund  {crowdfund.address}\nReputation {reputation.address}")
    print(f"DUSD token {usd.address}\nChain id   {chain.id}\n")
    for campaign_id in range(1, crowdfund.campaignCount() + 1):
        c = crowdfund.campaign(campaign_id)
        state = states[crowdfund.stateOf(campaign_id)]
        raised, goal = c["raised"] / UNIT, c["goal"] / UNIT
        print(f"  campaign {campaign_id}: {state:<10} raised {raised:>9,.2f} of {goal:,.0f}")
    for name, task_id in tasks.items():
        print(f"  task {task_id}: {name}")


def the_other_states(crowdfund, alice, bob, backers) -> None:
    """The states the campaigns above do not reach: a campaign stopped by a rejected milestone (the creator
    claimed the first tranche, the backers vetoed the second and share the rest), a cancelled one, and one
    that opens later. Launched after the others so that the first campaigns keep their ids (the web app's
    browser tests open /c/2 and /c/3)."""
    stopped = launch(
        crowdfund,
        bob,
        ETH,
        UNIT,
        2,
        "Community radio mast",
        "A mast and a transmitter for the valley's radio, in two stages.",
        milestones=[5000, 5000],
    )
    for backer in backers[:3]:
        crowdfund.pledge(stopped, 0, UNIT // 2, {"from": backer, "value": UNIT // 2})
    chain.sleep(2 * DAY + 60)
    chain.mine()
    crowdfund.claim(stopped, bob, {"from": bob})
    crowdfund.openVote(stopped, {"from": bob})
    for backer in backers[:2]:
        crowdfund.vote(stopped, False, {"from": backer})
    crowdfund.vote(stopped, True, {"from": backers[2]})
    chain.sleep(7 * DAY + 60)
    chain.mine()
    crowdfund.closeVote(stopped, {"from": backers[2]})
    crowdfund.refund(stopped, backers[0], {"from": backers[0]})

    cancelled = launch(
        crowdfund, alice, ETH, 3 * UNIT, 20, "Rooftop garden", "Beds and water tanks on the library roof."
    )
    crowdfund.pledge(cancelled, 0, UNIT // 4, {"from": backers[5], "value": UNIT // 4})
    crowdfund.cancel(cancelled, {"from": alice})

    launch(
        crowdfund,
        alice,
        ETH,
        2 * UNIT,
        30,
        "Winter coat drive",
        "Warm coats for 200 children, collected and mended by volunteers.",
        starts_in_days=10,
    )


def crowdsource(bounty, reputation, requester, workers) -> dict[str, int]:
    """A logo contest awarded to one of three entries, and a micro-task of translations, partly approved; the
    requester and the paid workers rate each other."""
    # TaskParams: no co-reviewer, no arbiter, public
    task = (ETH, chain.time() + 2 * DAY, 2 * DAY, ETH, ETH, 0, 0, b"\0" * 32, 0, "", b"\0" * 32)
    uri, digest = metadata("Logo for the repair café", "Three colours, readable at 2 cm.")
    contest = bounty.postContest(
        (*task[:9], uri, digest), UNIT, {"from": requester, "value": UNIT}
    ).return_value
    uri, digest = metadata("Translate 5 pages into Spanish", "One page per place, glossary attached.")
    micro = bounty.postMicroTask(
        (*task[:9], uri, digest), UNIT // 20, 5, DAY, {"from": requester, "value": UNIT // 4}
    )
    micro = micro.return_value
    entries = {}
    for worker in workers[:3]:
        deliverable, salt = keccak(text=f"logo by {worker}"), keccak(text=f"salt {worker}")
        entries[worker] = (deliverable, salt)
        bounty.submit(contest, bounty.commitmentOf(deliverable, worker, salt), [], {"from": worker})
    for place, worker in enumerate(workers[3:6]):
        bounty.take(micro, place, [], {"from": worker})
        bounty.submitWork(micro, place, keccak(text=f"page {place}"), {"from": worker})
    bounty.approve(micro, 0, {"from": requester})
    bounty.approve(micro, 1, {"from": requester})
    bounty.reject(micro, 2, {"from": requester})
    chain.sleep(2 * DAY + 60)
    chain.mine()
    for worker, (deliverable, salt) in entries.items():
        bounty.reveal(contest, deliverable, f"ipfs://logo-{worker.address[:8]}", salt, {"from": worker})
    bounty.award(contest, [workers[1]], [10_000], {"from": requester})
    bounty.withdraw(contest, workers[1], {"from": workers[1]})
    reputation.rate(bounty, contest, workers[1], 5, {"from": requester})
    reputation.rate(bounty, contest, requester, 4, {"from": workers[1]})
    return {"contest (awarded)": contest, "micro-task (2 of 5 approved)": micro}
