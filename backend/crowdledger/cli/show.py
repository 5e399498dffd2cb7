"""Everyone: balances, and a campaign, task or account as the chain has it now (read from the contracts and
their logs, not from the index)."""

import argparse
import base64
import json
from typing import Any

from eth_utils.address import is_hex_address
from eth_utils.crypto import keccak

from crowdledger.chain.decode import Decoder
from crowdledger.cli.common import chain_options, command, open_chain
from crowdledger.errors import ConfigError, Refused
from crowdledger.settings import Settings
from crowdledger.wallet.addresses import checked_address
from crowdledger.wallet.chain import Chain, Reverted
from crowdledger.wallet.describe import half_life_text
from crowdledger.wallet.explain import (
    CAMPAIGN_STATES,
    PLACE_STATUSES,
    ROLES,
    TASK_STATUSES,
    VOTE_MODES,
    About,
    explain,
)
from crowdledger.wallet.keystore import Keystore
from crowdledger.wallet.send import error_table
from crowdledger.wallet.units import (
    ETH,
    Token,
    format_duration,
    format_expiry,
    format_percent,
    format_points,
    format_time,
)

MAX_PLACES_SHOWN = 50
IDENTITY_VOTES = 1  # Crowdfund.VoteMode.OnePerVerifiedIdentity
VERDICTS = ("", "approve", "reject")  # Bounty.Verdict: None, Approve, Reject


def register(commands: Any) -> None:
    balance = command(
        commands,
        "balance",
        "ETH and token balances of an address or a keystore account",
        _balance,
        [
            "crowdledger balance alice",
            "crowdledger balance 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 "
            "--token 0x5FbDB2315678afecb367f032d93F642f64180aa3",
        ],
    )
    balance.add_argument("who", metavar="ADDRESS|ACCOUNT")
    balance.add_argument("--token", action="append", default=[], help="an ERC-20 address (repeatable)")
    chain_options(balance)

    show = command(
        commands,
        "show",
        "a campaign, a task, an account or the platform's settings as the chain has them now",
        _show,
        [
            "crowdledger show campaign 3",
            "crowdledger show campaign 3 --as alice          # with alice's pledge and refund",
            "crowdledger show task 4 --as carol              # with carol's entry and earnings",
            "crowdledger show task 5 --place 700             # a micro-task's place beyond the first 50",
            "crowdledger show account alice",
            "crowdledger show platform --token 0x5FbDB2315678afecb367f032d93F642f64180aa3",
        ],
    )
    show.add_argument("kind", choices=("campaign", "task", "account", "platform"))
    show.add_argument("id", metavar="ID|ADDRESS|ACCOUNT", nargs="?", help="(none for the platform)")
    show.add_argument("--as", dest="viewer", metavar="ADDRESS|ACCOUNT", help="also show this account's part")
    show.add_argument(
        "--token", action="append", default=[], help="platform: also its fees and asset in this ERC-20"
    )
    show.add_argument(
        "--place",
        dest="places",
        metavar="INDEX",
        type=int,
        action="append",
        help=f"task: show this place of a micro-task, free or not (repeatable), instead of the places taken "
        f"among the first {MAX_PLACES_SHOWN}",
    )
    chain_options(show)


def _who(settings: Settings, text: str) -> tuple[str, str]:
    """An address, or a keystore account id: (address, label)."""
    if is_hex_address(text):
        address = checked_address(text, "the account")
        return address, address
    found = Keystore.at(settings.keystore_dir).address(text)
    return found, f"{found} ({text})"


def _balance(settings: Settings, args: argparse.Namespace) -> int:
    who, label = _who(settings, args.who)
    chain = open_chain(settings, args)
    print(label)
    for token in [ETH, *(chain.token_named(t) for t in args.token)]:
        print(f"  {token.format(chain.balance(who, token))}")
    return 0


def _show(settings: Settings, args: argparse.Namespace) -> int:
    if args.kind == "platform":
        if args.id is not None:
            raise ConfigError(f"show platform takes no {args.id!r}: there is one platform per deployment")
        chain = open_chain(settings, args)
        tokens = {token.address: token for token in [ETH, *map(chain.token_named, args.token)]}
        _show_platform(chain, list(tokens.values()))
        return 0
    if args.id is None:
        raise ConfigError(f"show {args.kind} needs the {args.kind}'s {_NAMED_BY[args.kind]}")
    viewer = _who(settings, args.viewer)[0] if args.viewer else None
    if args.places is not None and args.kind != "task":
        raise ConfigError("--place is for show task (a micro-task's places)")
    if args.kind == "account":
        who, label = _who(settings, args.id)
        _show_account(open_chain(settings, args), who, label)
        return 0
    try:
        number = int(args.id)
    except ValueError:
        raise ConfigError(f"a {args.kind} is shown by its number, got {args.id!r}") from None
    chain = open_chain(settings, args)
    try:
        if args.kind == "campaign":
            _show_campaign(chain, number, viewer)
        else:
            _show_task(chain, number, viewer, args.places)
    except Reverted as reverted:
        about = About(campaign=number) if args.kind == "campaign" else About(task=number)
        raise Refused(explain(error_table(chain).decode(reverted.data), about, reverted.message)) from None
    return 0


def _title(chain: Chain, contract: str, event: str, key: str, number: int) -> str:
    """The title in the metadata document the launch or post named, when inline and matching its hash."""
    target = chain.contract(contract)
    logs = chain.logs(target, event, **{key: number})
    events = Decoder(chain.deployment).decode(logs)
    if not events:
        return ""
    uri, digest = str(events[0].args["metadataURI"]), str(events[0].args["metadataHash"])
    prefix = "data:application/json;base64,"
    if not uri.startswith(prefix):
        return f"(metadata at {uri})"
    try:
        document = base64.b64decode(uri[len(prefix) :])
        title = str(json.loads(document).get("title", ""))
    except ValueError:
        return "(metadata unreadable)"
    if "0x" + keccak(document).hex() != digest:
        return f"{title!r} (metadata does not match its hash!)"
    return repr(title)


_NAMED_BY = {"campaign": "number", "task": "number", "account": "address or keystore id"}


def _show_platform(chain: Chain, tokens: list[Token]) -> None:
    """Who owns each contract, the fees and where they go, and the reputation ledger's settings."""
    for name in ("Crowdfund", "Bounty", "Reputation"):
        if name not in chain.deployment.contracts:
            continue
        contract = chain.contract(name)
        print(f"{name} {contract.address}")
        owner, pending = chain.read(contract, "owner"), chain.read(contract, "pendingOwner")
        _line("owner", owner + (f" (offered to {pending})" if int(pending, 16) else ""))
        if name == "Reputation":
            _show_ledger(chain, contract, tokens)
            continue
        _line("fee", f"{format_percent(chain.read(contract, 'feeBps'))} of what is created from now on")
        _line("treasury", chain.read(contract, "treasury"))
        for token in tokens:
            _line("fees due", token.format(chain.read(contract, "feesAccrued", token.address)))
        if name == "Crowdfund":
            _line("launching", "paused" if chain.read(contract, "paused") else "open")
            ledger = chain.read(contract, "reputation")
            _line("ledger", ledger if int(ledger, 16) else "none (outcomes are not recorded)")


def _show_ledger(chain: Chain, ledger: Any, tokens: list[Token]) -> None:
    half_life = chain.read(ledger, "halfLife")
    _line("half-life", half_life_text(half_life) if half_life else "none (scores do not fade)")
    _line(
        "verified",
        f"identity level {chain.read(ledger, 'identityLevel')} or more; unverified accounts weigh "
        f"{format_percent(chain.read(ledger, 'unverifiedWeightBps'))}",
    )
    modules = [n for n in ("Crowdfund", "Bounty") if n in chain.deployment.contracts]
    registered = [n for n in modules if chain.read(ledger, "isModule", chain.contract(n).address)]
    _line("modules", ", ".join(registered) or "none of this deployment's")
    for token in tokens:
        unit, minimum = chain.read(ledger, "assets", token.address).values()
        priced = f"by units of {token.format(unit)}, from {token.format(minimum)}"
        _line("asset", f"{token.symbol}: {priced if unit else 'earns no reputation'}")


def _line(label: str, text: str) -> None:
    print(f"  {label:<12} {text}")


def _show_campaign(chain: Chain, number: int, viewer: str | None) -> None:
    crowdfund = chain.contract("Crowdfund")
    state = CAMPAIGN_STATES[chain.read(crowdfund, "stateOf", number)]  # reverts CampaignNotFound
    c = chain.read(crowdfund, "campaign", number)
    token: Token = chain.token(c["token"])
    print(
        f"Campaign {number}: {state}  {_title(chain, 'Crowdfund', 'CampaignLaunched', 'campaignId', number)}"
    )
    _line("creator", c["creator"])
    _line("token", "ETH" if token.is_eth else f"{token.symbol} ({token.address})")
    share = f" ({format_percent(c['raised'] * 10_000 // c['goal'])})" if c["goal"] else ""
    _line("raised", f"{token.format(c['raised'])} of {token.format(c['goal'])}{share}")
    _line("funding", f"{format_time(c['startsAt'])} to {format_time(c['deadline'])}")
    _line("fee", format_percent(c["feeBps"]))
    if c["voteMode"] == IDENTITY_VOTES:
        level = c["minAttestationLevel"]
        votes = f"{VOTE_MODES[IDENTITY_VOTES]} (attestation level {level} or more), the majority decides"
    else:
        votes = f"{VOTE_MODES[0]}, a veto at {format_percent(c['quorumBps'])} of the money raised"
    _line("votes", votes)
    _line("delivery", f"rewards due {format_time(c['deliveryDate'])}")
    schedule = chain.read(crowdfund, "milestoneSchedule", number)
    if len(schedule) > 1:
        shares = " / ".join(format_percent(s) for s in schedule)
        _line("milestones", f"{shares}; {c['milestonesApproved']} approved after the first")
        tally = chain.read(crowdfund, "tallies", number)
        if c["voteOpen"]:
            _line(
                "vote",
                f"open until {format_time(c['voteEndsAt'])}: approve {token.format(tally['approveWeight'])}, "
                f"reject {token.format(tally['rejectWeight'])}",
            )
        elif c["voteEndsAt"]:
            _line("vote", f"last closed {format_time(c['voteEndsAt'])}")
    _line(
        "released",
        f"{token.format(c['released'])}; claimable now "
        f"{token.format(chain.read(crowdfund, 'claimable', number))}",
    )
    for tier_id in range(1, c["tierCount"] + 1):
        tier = chain.read(crowdfund, "tiers", number, tier_id)
        taken, supply = tier["taken"], tier["supply"]
        places = f"{taken} of {supply} taken" if supply else f"{taken} taken, unlimited"
        _line(f"tier {tier_id}", f"{token.format(tier['price'])}, {places}")
    if viewer:
        pledge = chain.read(crowdfund, "pledges", number, viewer)
        amount, tier, last_voted = pledge["amount"], pledge["tierId"], pledge["lastVotedMilestone"]
        refundable = chain.read(crowdfund, "refundable", number, viewer)
        _line(
            "pledge",
            f"{viewer}: {token.format(amount)}, tier {tier}, refundable now {token.format(refundable)}"
            + (f", voted on milestone {last_voted}" if last_voted else "")
            + (", delivery confirmed" if pledge["deliveryConfirmed"] else "")
            + (", non-delivery reported" if pledge["nonDeliveryReported"] else "")
            + (", rated the creator" if pledge["rated"] else ""),
        )


def _show_task(chain: Chain, number: int, viewer: str | None, places: list[int] | None = None) -> None:
    bounty = chain.contract("Bounty")
    t = chain.read(bounty, "task", number)
    if not int(t["requester"], 16):
        raise ConfigError(f"there is no task {number}")
    m = chain.read(bounty, "microTask", number) if t["kind"] else None
    if places is not None:  # checked before anything is printed
        if m is None:
            raise ConfigError(f"task {number} is a contest: it has entries, not places (drop --place)")
        wrong = [index for index in places if not 0 <= index < m["places"]]
        if wrong:
            raise ConfigError(
                f"task {number} has places 0 to {m['places'] - 1}: there is no place {wrong[0]}"
            )
    token = chain.token(t["token"])
    kind = "micro-task" if t["kind"] else "contest"
    status = TASK_STATUSES[t["status"]]
    print(f"Task {number}: {kind}, {status}  {_title(chain, 'Bounty', 'TaskPosted', 'taskId', number)}")
    _line("requester", t["requester"])
    if int(t["coReviewer"], 16):
        _line("co-reviewer", f"{t['coReviewer']} (confirms or objects to each decision)")
    if int(t["arbiter"], 16):
        _line("arbiter", f"{t['arbiter']} (decides after an objection, a silent requester, an appeal)")
    _line("token", "ETH" if token.is_eth else f"{token.symbol} ({token.address})")
    _line("deadline", f"{format_time(t['deadline'])}; review period {format_duration(t['reviewPeriod'])}")
    _line("fee", format_percent(t["feeBps"]))
    rules = t["accessRules"]
    if rules:
        access = chain.read(bounty, "accessOf", number)
        parts = []
        if rules & 1:
            parts.append(f"Worker score ≥ {format_points(access['minWorkerScore'])}")
        if rules & 2:
            parts.append(f"invited (root 0x{access['inviteRoot'].hex()[:12]}…)")
        if rules & 4:
            parts.append(f"verified at level ≥ {access['minVerifiedLevel']}")
        _line("open to", ", ".join(parts))
    if m is None:
        c = chain.read(bounty, "contest", number)
        _line("reward", token.format(c["reward"]))
        _line(
            "entries",
            f"{c['entryCount']} entered, {c['revealedCount']} revealed; reveals and the award run "
            f"until {format_time(t['deadline'] + t['reviewPeriod'])}",
        )
        proposal = chain.read(bounty, "awardProposal", number)
        if any(bytes(proposal["decision"])) and t["status"] == 0:
            objected = "; the co-reviewer objected" if proposal["objected"] else ""
            _line("award", f"proposed {format_time(proposal['proposedAt'])}{objected}")
    else:
        _line(
            "places",
            f"{m['places']} at {token.format(m['pay'])}; {m['pending']} awaiting review, "
            f"{m['settled']} settled; a taken place is held {format_duration(m['workWindow'])}",
        )
        asked, now = places is not None, chain.now()
        for index in places or range(min(m["places"], MAX_PLACES_SHOWN)):
            place = chain.read(bounty, "placeOf", number, index)
            if place["status"]:
                since = format_time(place["since"])
                decision = VERDICTS[place["decision"]] if place["decision"] < len(VERDICTS) else ""
                pending = f"; the requester decided to {decision}" if decision else ""
                pending += "; the co-reviewer objected" if place["objected"] else ""
                held_until = place["since"] + m["workWindow"]
                if place["status"] == 1 and held_until <= now:  # Taken, no work by the end of its hold
                    pending += f"; the hold ended {format_time(held_until)}: anyone may take it"
                _line(
                    f"place {index}",
                    f"{PLACE_STATUSES[place['status']].lower()} by {place['worker']} since {since}{pending}",
                )
            elif asked:
                _line(f"place {index}", "free")
        if not asked and m["places"] > MAX_PLACES_SHOWN:
            _line("", f"places from {MAX_PLACES_SHOWN} on are not listed: --place INDEX shows any")
    if viewer:
        entry = chain.read(bounty, "entryOf", number, viewer)
        withdrawable = chain.read(bounty, "withdrawable", number, viewer)
        state = (
            "revealed"
            if entry["revealed"]
            else ("entered" if int.from_bytes(entry["commitment"], "big") else "")
        )
        _line("you", f"{viewer}: {state + ', ' if state else ''}withdrawable {token.format(withdrawable)}")


def _show_account(chain: Chain, who: str, label: str) -> None:
    print(label)
    _line("balance", ETH.format(chain.balance(who)))
    if "Reputation" in chain.deployment.contracts:
        reputation = chain.contract("Reputation")
        for role, name in enumerate(ROLES):
            score = chain.read(reputation, "scoreOf", who, role)
            if score:
                _line(name, format_points(score))
        attestation = chain.read(reputation, "attestationOf", who)
        if int(attestation["attester"], 16):
            valid = "valid" if chain.read(reputation, "isVerified", who, 1) else "not valid now"
            _line(
                "identity",
                f"level {attestation['level']} by {attestation['attester']} "
                f"{format_expiry(attestation['expiresAt'])} ({valid})",
            )
    decoder = Decoder(chain.deployment)
    crowdfund = chain.contract("Crowdfund")
    launched = [
        e.args["campaignId"] for e in decoder.decode(chain.logs(crowdfund, "CampaignLaunched", creator=who))
    ]
    backed = sorted(
        {e.args["campaignId"] for e in decoder.decode(chain.logs(crowdfund, "Pledged", backer=who))}
    )
    _line("launched", ", ".join(map(str, launched)) or "no campaign")
    _line("backed", ", ".join(map(str, backed)) or "no campaign")
    if "Bounty" in chain.deployment.contracts:
        bounty = chain.contract("Bounty")
        posted = [e.args["taskId"] for e in decoder.decode(chain.logs(bounty, "TaskPosted", requester=who))]
        _line("posted", ", ".join(map(str, posted)) or "no task")
