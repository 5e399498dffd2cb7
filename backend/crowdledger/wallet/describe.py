"""What a confirmed transaction did, in words, from the events it emitted (the same sentences and format specs
as crowdledger.wallet.explain). An event without a sentence is shown by its name and values."""

from eth_utils.address import to_checksum_address

from crowdledger.chain.decode import Event
from crowdledger.wallet.explain import About, render
from crowdledger.wallet.units import DAY, HOUR, MINUTE, Token, format_duration, format_expiry, format_time

EVENT_SENTENCES: dict[str, str] = {
    # Crowdfund
    "CampaignLaunched": (
        "Launched campaign {campaignId}: goal {goal:amount}, funding from {startsAt:date} to "
        "{deadline:date}, rewards due {deliveryDate:date}"
    ),
    "TierAdded": "Tier {tierId} of campaign {campaignId}: {price:amount}, {supply:supply} places",
    "TierSupplyRaised": "Tier {tierId} of campaign {campaignId} now has {supply:supply} places",
    "Pledged": (
        "Pledged {amount:amount} to campaign {campaignId} (tier {tierId}); the pledge is now "
        "{pledgeTotal:amount} and the campaign has {raised:amount}"
    ),
    "Unpledged": (
        "Unpledged {amount:amount} from campaign {campaignId} to {to}; the campaign has {raised:amount}"
    ),
    "CampaignCancelled": "Cancelled campaign {campaignId}; its backers can refund",
    "Claimed": "Claimed {amount:amount} from campaign {campaignId} to {to} (platform fee {fee:amount})",
    "VoteOpened": "Opened the vote on milestone {milestone} of campaign {campaignId}, until {endsAt:date}",
    "Voted": (
        "Voted to {approve:verdict} milestone {milestone} of campaign {campaignId} with {weight:amount}; so "
        "far approve {approveWeight:amount}, reject {rejectWeight:amount}"
    ),
    "VoteClosed": (
        "Closed the vote on milestone {milestone} of campaign {campaignId}: {verdict_phrase} (approve "
        "{approveWeight:amount}, reject {rejectWeight:amount})"
    ),
    "Refunded": "Refunded {amount:amount} from campaign {campaignId} to {to}",
    "FailureRecorded": "Recorded campaign {campaignId} as failed",
    "DeliveryConfirmed": (
        "Confirmed the delivery of campaign {campaignId}'s rewards to {backer} (a pledge of "
        "{pledge:amount}); "
        "the creator may now be rated"
    ),
    "NonDeliveryReported": (
        "Reported that campaign {campaignId}'s rewards did not reach {backer} (a pledge of {pledge:amount}); "
        "the creator may now be rated"
    ),
    # Bounty
    "TaskPosted": (
        "Posted task {taskId}, a {kind:kind}: {reward:amount} escrowed, deadline {deadline:date}, review "
        "period {reviewPeriod:duration}"
    ),
    "PlacesOffered": (
        "Task {taskId} offers {places} places at {pay:amount}; a taken place is held {workWindow:duration}"
    ),
    "TaskRestricted": "Task {taskId} is open only to {rules_phrase}",
    "EntrySubmitted": "Entered task {taskId} with commitment {commitment:short} ({entryCount} entries)",
    "EntryRevealed": (
        "Revealed the entry of {worker} in task {taskId}: {deliverableURI} ({revealedCount} revealed)"
    ),
    "AwardProposed": (
        "Proposed an award for task {taskId}; it takes effect when the other reviewer awards the same "
        "(the co-reviewer confirms it, or it stands from {standsAt:date})"
    ),
    "AwardObjected": "{coReviewer} objected to the award proposed for task {taskId}{arbiter_phrase}",
    "Awarded": (
        "Awarded {shareBps:pct} of task {taskId} to {worker}: {amount:amount} to withdraw (platform fee "
        "{fee:amount}), decided {decidedBy:decided_by}"
    ),
    "ContestSplitByDefault": (
        "Split task {taskId} equally among {recipients} revealed entries{verified_phrase}, {share:amount} "
        "each "
        "before the fee; each withdraws their share"
    ),
    "DefaultShareCredited": "Credited {worker} {amount:amount} from the default split of task {taskId}",
    "RewardReclaimed": "Reclaimed {amount:amount} from task {taskId} to {to}",
    "PlaceTaken": "Took place {placeIndex} of task {taskId}; submit the work by {expiresAt:date}",
    "WorkSubmitted": (
        "Submitted work for place {placeIndex} of task {taskId}; the review ends {reviewEndsAt:date}"
    ),
    "PlaceDecisionProposed": (
        "Proposed to {approve:verdict} place {placeIndex} of task {taskId}; it takes effect when the other "
        "reviewer does the same (the co-reviewer confirms it, or it stands from {standsAt:date})"
    ),
    "PlaceObjected": (
        "{coReviewer} objected to the decision on place {placeIndex} of task {taskId}{arbiter_phrase}"
    ),
    "PlaceApproved": (
        "Approved place {placeIndex} of task {taskId}: {amount:amount} to {worker} (platform fee "
        "{fee:amount}), decided {decidedBy:decided_by}"
    ),
    "PlaceRejected": (
        "Rejected place {placeIndex} of task {taskId}, decided {decidedBy:decided_by}; {reopen_phrase}"
    ),
    "PlaceAppealed": (
        "{worker} appealed the rejection of place {placeIndex} of task {taskId}; the arbiter decides by "
        "{arbiterUntil:date}, or the rejection stands"
    ),
    "PlaceReopened": "Place {placeIndex} of task {taskId} is open again; {worker}'s rejection stands",
    "Withdrawn": "Withdrew {amount:amount} from task {taskId} to {to}",
    # Reputation
    "Rated": "Rated {subject} {stars} stars (the rating weighs {weightBps:pct})",
    "ScoreChanged": "{subject}'s {role:role} score: {points:signed_points}, now {newScore:points}",
    "Attested": "{attester} attested {account}'s identity at level {level} {expiry_phrase}",
    "AttestationRevoked": (
        "{attester} revoked the attestation of {account}; its unsubmitted signatures for it are void"
    ),
    "SignaturesVoided": "{attester}'s unsubmitted attestation signatures for {account} are void",
    "ModuleSet": "{module} is {registered_phrase} a reputation module",
    "AttesterSet": "{attester} is {registered_phrase} an identity attester",
    "AssetSet": "{asset_phrase}",
    "IdentityWeightsSet": (
        "Accounts verified at level {identityLevel} or more weigh in full; unverified ones "
        "{unverifiedWeightBps:pct}"
    ),
    "HalfLifeChanged": "{half_life_phrase} (before: {old_half_life_phrase})",
    # The platform (PlatformFees, Crowdfund's pause and ledger, Ownable2Step)
    "FeesWithdrawn": "Sent {amount:amount} of fees to the treasury {treasury}",
    "FeeChanged": "The platform's fee for what is created from now on: {newFeeBps:pct} (was {oldFeeBps:pct})",
    "TreasuryChanged": "The platform's fees now go to {newTreasury} (was {oldTreasury})",
    "Paused": "Launching campaigns is paused",
    "Unpaused": "Campaigns can be launched again",
    "ReputationChanged": "{ledger_phrase}",
    "OwnershipTransferStarted": "{offer_phrase}",
    "OwnershipTransferred": "The owner is now {newOwner} (was {previousOwner})",
}

_ACCESS = (
    (1, "workers with a Worker score of at least {minWorkerScore:points}"),
    (2, "invited workers"),
    (4, "workers verified at level {minVerifiedLevel} or more"),
)


def half_life_text(seconds: int) -> str:
    """A half-life in words, exact: format_duration names the two largest units, so the seconds follow when
    more than two units are in it."""
    units = (seconds // DAY, seconds % DAY // HOUR, seconds % HOUR // MINUTE, seconds % MINUTE)
    words = format_duration(seconds)
    return words if sum(map(bool, units)) <= 2 else f"{words} ({seconds:,} seconds)"


def describe(event: Event, about: About) -> str:
    values = dict(event.args)
    if event.name == "VoteClosed":
        values["verdict_phrase"] = (
            "approved" if values["approved"] else "rejected; backers can refund the rest"
        )
    if event.name in ("AwardObjected", "PlaceObjected"):
        until = int(values["arbiterUntil"])
        values["arbiter_phrase"] = (
            f"; the arbiter may decide until {format_time(until)}, else the requester's decision stands"
            if until
            else "; with no arbiter the objection is on record and the requester's decision stands"
        )
    if event.name == "ContestSplitByDefault":
        values["verified_phrase"] = " (verified entries only)" if values["verifiedOnly"] else ""
    if event.name == "PlaceRejected":
        until = int(values["appealableUntil"])
        values["reopen_phrase"] = (
            f"the worker may appeal to the arbiter until {format_time(until)}, else the place opens again"
            if until
            else "the place is open again"
        )
    if event.name in ("ModuleSet", "AttesterSet"):
        values["registered_phrase"] = "now" if values["registered"] else "no longer"
    if event.name == "AssetSet":
        token, asset = about.token, str(values["token"])
        name = token.symbol
        if int(token.address, 16) != int(asset, 16):  # not the command's token: amounts in base units
            token, name = Token(asset, "base units", 0), asset
        unit, minimum = int(values["unit"]), int(values["minimum"])
        values["asset_phrase"] = (
            f"{name} earns reputation by units of {token.format(unit)}, from {token.format(minimum)} on"
            if unit
            else f"{name} earns no more reputation"
        )
    if event.name == "HalfLifeChanged":
        new, old = int(values["newHalfLife"]), int(values["oldHalfLife"])
        values["half_life_phrase"] = (
            f"Scores now halve in {half_life_text(new)}" if new else "Scores no longer fade"
        )
        values["old_half_life_phrase"] = (
            f"they halved in {half_life_text(old)}" if old else "they did not fade"
        )
    if event.name == "ReputationChanged":
        ledger, before = (to_checksum_address(values[k]) for k in ("newReputation", "oldReputation"))
        was = f"the ledger at {before}" if int(before, 16) else "none"
        values["ledger_phrase"] = (
            f"Outcomes are now recorded in the ledger at {ledger} (was {was})"
            if int(ledger, 16)
            else f"Outcomes are no longer recorded (was {was})"
        )
    if event.name == "OwnershipTransferStarted":
        offered, owner = (to_checksum_address(values[k]) for k in ("newOwner", "previousOwner"))
        values["offer_phrase"] = (
            f"{offered} may now take the ownership from {owner} (accept-ownership)"
            if int(offered, 16)
            else "The offer of the ownership is withdrawn; the owner stays"
        )
    if event.name == "Attested":
        values["expiry_phrase"] = format_expiry(int(values["expiresAt"]))
    if event.name == "TaskRestricted":
        rules = [render(text, values, about) for bit, text in _ACCESS if int(values["accessRules"]) & bit]
        values["rules_phrase"] = ", ".join(rules)
    sentence = EVENT_SENTENCES.get(event.name)
    if sentence is None:
        return f"{event.name}(" + ", ".join(f"{k}={v}" for k, v in event.args.items()) + ")"
    return render(sentence, values, about)
