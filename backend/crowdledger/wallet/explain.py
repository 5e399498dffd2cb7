"""A revert as one line a person understands: the error's name from the ABIs, what it means in words, and its
values in token units, dates and percentages.

    NotFunding: campaign 3 ended on 2026-12-01 14:00 UTC without reaching its goal; ...

MEANINGS has a sentence for every error in every compiled ABI (tests/cli/test_errors.py checks it). A sentence
is a format string over the error's arguments by their ABI names, and over what the command is about:
{campaign}, {task}, {place} ("place 2" of a micro-task), {sender}, {thing} ("campaign 3" or "task 4"),
{deadline} and {starts_at} of that campaign or task, {state_phrase} (a campaign state in words). An error that
two contracts declare with the same types but other argument names (NotVerified's `voter` and `account`) is
given every one of those names. A field's format spec says how to show it: amount (in the token of
the campaign or task), eth, date, duration, pct (basis points), points (WAD), supply, last (n - 1), nth
(0-based index as 1st, 2nd...), state, status, place_status, decided_by, short (bytes32 abbreviated).
"""

import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_utils.address import is_address, to_checksum_address
from eth_utils.crypto import keccak

from crowdledger.wallet.abi import canonical, named, signature
from crowdledger.wallet.units import (
    ETH,
    Token,
    format_duration,
    format_percent,
    format_points,
    format_time,
)

CAMPAIGN_STATES = ("Upcoming", "Funding", "Succeeded", "Failed", "Cancelled", "Rejected")
TASK_STATUSES = ("Open", "Awarded", "SplitByDefault", "Reclaimed")
PLACE_STATUSES = ("Open", "Taken", "Submitted", "Approved", "Rejected", "Appealed")
VOTE_MODES = ("pledge-weighted", "one vote per verified identity")
DECIDED_BY = ("by default", "by the requester", "by the requester and the co-reviewer", "by the arbiter")
ROLES = ("Creator", "Backer", "Requester", "Worker", "Reviewer")

_PANICS = {
    0x01: "an assertion failed",
    0x11: "an amount overflowed or went below zero",
    0x12: "a division by zero",
    0x21: "a value out of an enum's range",
    0x22: "a corrupt storage byte array",
    0x31: "pop() on an empty array",
    0x32: "an index out of an array's bounds",
    0x41: "too much memory",
    0x51: "a call to an uninitialised function",
}

MEANINGS: dict[str, str] = {
    # built in to Solidity
    "Error": "the contract refused: {reason}",
    "Panic": "the contract stopped on {code:panic}; this is a bug worth reporting",
    # Crowdfund
    "CampaignNotFound": "there is no campaign {campaignId}; `crowdledger show account` lists yours",
    "NotCreator": "only {campaign}'s creator {creator} may do this, not {caller}",
    "ZeroAmount": "the amount is 0; give more than 0",
    "GoalIsZero": "the campaign's goal is 0; give a goal above 0",
    "TokenNotAContract": (
        "{token} is not a contract on this chain, so it cannot be the token; use ETH or an ERC-20's address"
    ),
    "DurationOutOfRange": (
        "the {kind} would run {duration:duration}; it must run between {min:duration} and {max:duration}"
    ),
    "StartTooFarAhead": (
        "the campaign would open on {startsAt:date}; the latest allowed opening is {latest:date}"
    ),
    "QuorumOutOfRange": (
        "a rejection quorum of {quorumBps:pct}; pledge-weighted votes take {min:pct} to {max:pct} of the "
        "money "
        "raised (quorum_percent)"
    ),
    "IdentityVotesTakeNoQuorum": (
        "one vote per verified identity is decided by the majority, so the quorum must be 0, not "
        "{quorumBps:pct};"
        " drop quorum_percent"
    ),
    "AttestationLevelNeedsIdentityVotes": (
        "an attestation level ({minAttestationLevel}) only applies to one vote per verified identity; drop "
        'min_attestation_level or use "vote_mode": "identity"'
    ),
    "DeliveryDateOutOfRange": (
        "rewards would be due on {deliveryDate:date}; the delivery date must be between the deadline "
        "({earliest:date}) and {latest:date}"
    ),
    "TooManyMilestones": "{count} milestones; at most {max} are allowed",
    "EmptyMilestone": "the {index:nth} milestone has 0%; every milestone needs a share above 0",
    "MilestonesMustSumTo100Percent": "the milestones add up to {sumBps:pct}; they must add up to 100%",
    "TooManyTiers": "{campaign} already has {max} tiers, the most allowed",
    "TierPriceIsZero": "a tier's price is 0; give every tier a price above 0",
    "TierNotFound": "{campaign} has no tier {tierId}; `crowdledger show campaign` lists its tiers",
    "TierSoldOut": (
        "tier {tierId} of {campaign} is sold out ({supply} places, all taken); choose another tier, or --tier"
        " 0 for none"
    ),
    "SupplyCannotShrink": (
        "the tier's supply is {supply:supply} and can only grow; {requested:supply} is not more"
    ),
    "BelowTierPrice": (
        "the pledge would total {pledgeTotal:amount}, below the tier's price of {price:amount}; pledge at "
        "least the difference"
    ),
    "NotFunding": (
        "{campaign} {state_phrase}; pledges, unpledges, tiers and tier changes are possible only before it "
        "ends"
    ),
    "WrongEthAmount": "{sent:eth} was sent with the call, but {expected:eth} was expected",
    "PermitNeedsToken": (
        "{campaign} is in ETH, and a permit is only for ERC-20 tokens; pledge without --permit"
    ),
    "NothingPledged": "{sender} has no pledge in {campaign}",
    "UnpledgeWouldDropBelowGoal": (
        "in its last 24 hours {campaign} cannot be unpledged below its goal: it would fall to "
        "{raisedAfter:amount} of {goal:amount}"
    ),
    "CannotCancel": "{campaign} {state_phrase}; only a campaign that has not ended can be cancelled",
    "NotClaimable": "{campaign} {state_phrase}; this needs a campaign that reached its goal",
    "NothingToClaim": (
        "nothing of {campaign} is unlocked and unclaimed; the next share needs an approved milestone vote"
    ),
    "NotRefundable": (
        "{campaign} {state_phrase}; refunds open when a campaign fails, is cancelled, or a milestone is "
        "rejected"
    ),
    "NotFailed": "{campaign} {state_phrase}; only a failed campaign can be recorded as failed",
    "FailureAlreadyRecorded": "{campaign}'s failure is already recorded in the reputation ledger",
    "NoReputationLedger": (
        "this Crowdfund has no reputation ledger, so nothing can be recorded in it nor any identity verified"
    ),
    "ReputationNotAContract": "{ledger} is not a contract, so it cannot be the reputation ledger",
    "NotEnoughGasToRecord": (
        "only {gasLeft} gas was left to record reputation, which needs {needed}; send the transaction with "
        "more gas"
    ),
    "NoMilestoneLeft": "{campaign} has no milestone left to vote on",
    "VoteAlreadyOpen": "a milestone vote of {campaign} is already open",
    "VoteNotOpen": "no milestone vote of {campaign} is open",
    "VoteStillRunning": "the milestone vote of {campaign} runs until {endsAt:date}; close it after that",
    "VoteEnded": "the milestone vote of {campaign} ended on {endsAt:date}",
    "OnlyCreatorUntil": "only the creator may open the next milestone vote of {campaign} until {time:date}",
    "AlreadyVoted": "{sender} has already voted on milestone {milestone} of {campaign}",
    "CreatorCannotVote": "{creator} created {campaign}, and a creator never votes on its own milestones",
    "NotFunded": (
        "{campaign} {state_phrase}; delivery is recorded only for a campaign that reached its goal"
    ),
    "CreatorCannotReportDelivery": (
        "{creator} created {campaign}; only its backers confirm or report the delivery of their rewards"
    ),
    "DeliveryAlreadyRecorded": (
        "{sender} has already confirmed or reported the delivery of {campaign}; each backer records it once"
    ),
    "DeliveryNotDueYet": (
        "{campaign}'s rewards are due on {deliveryDate:date}; non-delivery can be reported from then on "
        "(confirm-delivery is possible now)"
    ),
    "NotTheLedger": "{caller} is not the reputation ledger; ratings go through `crowdledger rate`",
    "OnlyTheCreatorIsRated": "{subject} is not {campaign}'s creator; its backers rate the creator, {creator}",
    "DeliveryNotRecorded": (
        "{sender} rates {campaign}'s creator after recording delivery: `crowdledger confirm-delivery`, or "
        "`report-not-delivered` from the delivery date"
    ),
    # PlatformFees (Crowdfund and Bounty)
    "ZeroAddress": "an address is zero (0x0000…0000); give a real one",
    "FeeTooHigh": "a fee of {feeBps:pct} is above the most allowed, {max:pct}",
    "NoFees": "no fees have accrued in this token",
    "TokenDeliveredLess": (
        "the token delivered {received:amount} instead of {expected:amount}; tokens that keep a fee on "
        "transfer are not supported"
    ),
    "EthTransferFailed": (
        "{to} does not accept {amount:eth}; name another recipient with --to (for the platform's fees, "
        "set another treasury with set-treasury)"
    ),
    # Bounty
    "TaskNotFound": "there is no task {taskId}",
    "NotAContest": "task {taskId} is a micro-task, not a contest",
    "NotAMicroTask": "task {taskId} is a contest, not a micro-task",
    "NotRequester": (
        "only {task}'s requester {requester} may do this, not {caller} (a co-reviewer confirms or objects, "
        "an "
        "arbiter arbitrates)"
    ),
    "NotCoReviewer": "{caller} is not {task}'s co-reviewer; only its co-reviewer confirms or objects",
    "NotArbiter": "{caller} is not {task}'s arbiter; only its arbiter arbitrates",
    "LedgerHasNoCode": "{ledger} is not a contract, so it cannot be the reputation ledger",
    "NotOpen": "{task} is {status:status}, no longer open",
    "RewardIsZero": "the reward (or the pay per place) is 0; give more than 0",
    "NoPlaces": "a micro-task needs at least one place",
    "ReviewPeriodOutOfRange": (
        "the review period is {reviewPeriod:duration}; it must be between {min:duration} and {max:duration}"
    ),
    "WorkWindowOutOfRange": (
        "the work window is {workWindow:duration}; it must be between {min:duration} and {max:duration}"
    ),
    "CoReviewerIsRequester": "the co-reviewer must be someone other than the requester",
    "ArbiterIsRequester": "the arbiter must be someone other than the requester",
    "ArbiterIsCoReviewer": "the arbiter must be someone other than the co-reviewer",
    "UnknownAccessRules": (
        "access rules {accessRules} include bits that mean nothing; use min_worker_score, invite list and "
        "min_verified_level"
    ),
    "AccessNeedsReputation": (
        "a minimum score or a verified identity needs a reputation ledger, and this Bounty has none"
    ),
    "InviteListIsEmpty": "an invite-only task needs an invite list",
    "DeadlinePassed": "{task}'s deadline passed on {deadline:date}",
    "ReviewersCannotWork": "{account} reviews {task} and so cannot work on it",
    "WorkerScoreTooLow": "{task} needs a Worker score of {minScore:points}; {sender} has {score:points}",
    "NotInvited": (
        "{account} is not on {task}'s invite list, or the list given (--invites) is not the one the task was "
        "posted with"
    ),
    "NotVerified": (
        "{thing} admits only identities verified at level {minLevel} or more (an attestation from a "
        "registered "
        "attester), which {account} does not hold"
    ),
    "EmptyHash": "the deliverable's hash is empty",
    "RevealNotOpenYet": "entries of {task} are revealed after its deadline, from {opensAt:date}",
    "ReviewPeriodOver": "the review period of {task} ended on {reviewEndsAt:date}",
    "NoEntry": "{worker} has no entry in {task}",
    "AlreadyRevealed": "{sender}'s entry in {task} is already revealed",
    "CommitmentMismatch": (
        "the deliverable and salt do not match the entry committed ({committed:short}); reveal with the "
        "secret file `crowdledger enter` wrote"
    ),
    "WinnerCountOutOfRange": "{count} winners were named; name between 1 and {max}",
    "SharesDoNotMatchWinners": "{winners} winners but {shares} shares were given",
    "ShareIsZero": "{winner}'s share is 0%; every winner needs a share above 0",
    "SharesMustSumTo100Percent": "the shares add up to {sumBps:pct}; they must add up to 100%",
    "WinnerNotRevealed": "{winner} has no revealed entry in {task}",
    "DuplicateWinner": "{winner} is named twice",
    "NoPendingDecision": (
        "the requester has made no decision on {place} of {task} to confirm, object to or carry out"
    ),
    "AlreadyObjected": (
        "the co-reviewer objected to the decision on {place} of {task}, so it can no longer be confirmed or "
        "changed; it goes to the arbiter, or stands when the windows end"
    ),
    "CoReviewWindowOver": (
        "the co-review of the decision on {place} of {task} ended on {endedAt:date}; it can only be carried "
        "out "
        "now (`crowdledger finalize`)"
    ),
    "AwardDiffers": (
        "this award is not the one the requester proposed ({proposed:short}); `crowdledger co-review "
        "confirm` and `crowdledger finalize` read the proposed one from the chain"
    ),
    "PlaceDecisionDiffers": (
        "the requester decided to {requesterApproves:verdict} place {placeIndex}; only that decision can be "
        "confirmed (object to it instead)"
    ),
    "NothingToArbitrate": (
        "there is nothing on {place} of {task} for the arbiter: it decides after an objection, for a "
        "requester "
        "silent until the review ended, or on an appeal"
    ),
    "ArbitrationOver": "the arbiter's time on {place} of {task} ended on {endedAt:date}",
    "NotFinalYet": "the decision on {place} of {task} stands from {finalAt:date}; carry it out then",
    "NoArbiter": "task {taskId} has no arbiter, so a rejection there cannot be appealed",
    "PlaceNotRejected": (
        "place {placeIndex} of {task} is {status:place_status}; only a rejection held for an appeal can be "
        "appealed"
    ),
    "AlreadyAppealed": "place {placeIndex} of {task} was already appealed; one appeal per rejection",
    "AppealWindowOver": "the time to appeal the rejection of {place} of {task} ended on {endedAt:date}",
    "ReviewStillRunning": (
        "the requester's review of {place} of {task} runs until {reviewEndsAt:date}; the arbiter or the "
        "default "
        "comes after that"
    ),
    "ArbitrationStillOpen": (
        "{task}'s arbiter may decide until {endsAt:date}; the default applies after that"
    ),
    "RequesterDecided": (
        "the requester decided on {place} of {task}, so no default applies; once its windows end anyone "
        "carries "
        "out the decision with `crowdledger finalize`"
    ),
    "NoRevealedEntries": "{task} has no revealed entry to share its reward; its requester can reclaim it",
    "EntriesRevealed": "{task} has {revealedCount} revealed entries, so its reward cannot be reclaimed",
    "TooEarlyToReclaim": "{task}'s reward can be reclaimed from {reclaimableAt:date}",
    "NothingToReclaim": "every place of {task} is approved or awaiting review; there is nothing to reclaim",
    "PlaceNotFound": "{task} has places 0 to {places:last}; there is no place {placeIndex}",
    "PlaceNotFree": "place {placeIndex} of {task} is {status:place_status}, not free",
    "PlaceHeldUntil": "place {placeIndex} of {task} is held by {worker} until {expiresAt:date}",
    "PlaceNotTaken": "place {placeIndex} of {task} is {status:place_status}, not taken",
    "NotPlaceHolder": "place {placeIndex} of {task} is held by {holder}, not by {caller}",
    "WorkWindowOver": (
        "the time to submit work for this place ended on {expiredAt:date}; take a free place again"
    ),
    "PlaceNotSubmitted": (
        "place {placeIndex} of {task} is {status:place_status}; there is no submitted work to decide on"
    ),
    "NothingToWithdraw": "{sender} has nothing to withdraw from {task}",
    # Reputation
    "NotAModule": "{caller} is not a module of the reputation ledger",
    "SelfDeal": "{account} cannot deal with itself",
    "PointsOutOfRange": "{points:points} is more than a record may carry ({maxMagnitude:points})",
    "ScoreOutOfRange": "the score would be {newScore:points}, out of range",
    "StarsOutOfRange": "{stars} stars; give {min} to {max}",
    "SelfRating": "nobody can rate themselves",
    "NotACounterparty": (
        "{rater} has nothing to rate {subject} for in {thing}: a task's requester and each worker it paid "
        "rate "
        "each other (the requester names the worker with --subject)"
    ),
    "AlreadyRated": "{sender} has already given this rating in {thing}; one rating per relationship",
    "NotAnAttester": "{attester} is not a registered identity attester",
    "LevelIsZero": "an attestation's level must be 1 or more",
    "ExpiryNotInFuture": "the attestation would expire on {expiresAt:date}, not after now ({now_:date})",
    "SignatureExpired": "the signature expired on {deadline:date}",
    "InvalidSignature": (
        "the signature is not {attester}'s for these terms, or it was used already, voided, or replaced by "
        "the attester's later word"
    ),
    "NoAttestation": "{account} holds no attestation",
    "NotTheAttester": "the attestation was issued by {attester}, not by {caller}",
    "HalfLifeHistoryFull": "the half-life has changed as often as it may ({maxPeriods} periods)",
    "WeightAboveFull": "an unverified weight of {weightBps:pct} is above a verified one's, {max:pct}",
    # OpenZeppelin
    "OwnableUnauthorizedAccount": "only the contract's owner may do this, and {account} is not",
    "OwnableInvalidOwner": "{owner} cannot be the owner",
    "ReentrancyGuardReentrantCall": "a call tried to re-enter the contract, which it refuses",
    "EnforcedPause": "the platform's owner has paused new launches",
    "ExpectedPause": "the contract is not paused",
    "SafeERC20FailedOperation": "the token {token} refused the transfer",
    "SafeERC20FailedDecreaseAllowance": (
        "{spender}'s allowance is {currentAllowance:amount}, less than {requestedDecrease:amount}"
    ),
    "SafeCastOverflowedUintDowncast": "{value} is too large for the contract (more than {bits} bits)",
    "SafeCastOverflowedIntDowncast": "{value} is out of range for the contract ({bits} bits)",
    "SafeCastOverflowedIntToUint": "{value} is negative where the contract needs a positive number",
    "SafeCastOverflowedUintToInt": "{value} is too large for the contract",
    "ERC20InsufficientBalance": "{sender} holds {balance:amount}, and this needs {needed:amount}",
    "ERC20InsufficientAllowance": (
        "the token lets {spender} take {allowance:amount} from you, and this needs {needed:amount}: approve "
        "it first (the command does unless told not to)"
    ),
    "ERC20InvalidSender": "the token cannot send from {sender}",
    "ERC20InvalidReceiver": "the token cannot send to {receiver}",
    "ERC20InvalidApprover": "{approver} cannot approve",
    "ERC20InvalidSpender": "{spender} cannot be approved",
    "ERC2612ExpiredSignature": "the permit signature expired on {deadline:date}",
    "ERC2612InvalidSigner": "the permit was signed by {signer}, not by {owner}",
    "InvalidAccountNonce": "{account}'s signature nonce is {currentNonce}; the signature used another",
    "ECDSAInvalidSignature": "the signature is invalid",
    "ECDSAInvalidSignatureLength": "the signature is {length} bytes long; 65 are expected",
    "ECDSAInvalidSignatureS": "the signature is malformed (its s value is too high)",
    "ERC5267ExtensionsNotSupported": "the contract's EIP-712 domain has extensions this cannot read",
    "InvalidShortString": "a short string is malformed",
    "StringTooLong": "the string {str!r} is too long",
    "StringsInsufficientHexLength": "{value} does not fit in {length} hex digits",
    "StringsInvalidAddressFormat": "a text is not an address",
    "StringsInvalidChar": "a text has an invalid character",
    "MerkleProofInvalidMultiproof": "the Merkle multiproof is invalid",
    "ERC721IncorrectOwner": "token {tokenId} is owned by {owner}, not {sender}",
    "ERC721InsufficientApproval": "{operator} may not move token {tokenId}",
    "ERC721InvalidApprover": "{approver} cannot approve",
    "ERC721InvalidOperator": "{operator} cannot be an operator",
    "ERC721InvalidOwner": "{owner} cannot own a token",
    "ERC721InvalidReceiver": "{receiver} cannot receive the token",
    "ERC721InvalidSender": "{sender} cannot send the token",
    "ERC721NonexistentToken": "token {tokenId} does not exist",
    "ERC1155InsufficientBalance": "{sender} holds {balance} of token {tokenId}, and this needs {needed}",
    "ERC1155InvalidApprover": "{approver} cannot approve",
    "ERC1155InvalidArrayLength": "{idsLength} ids but {valuesLength} values",
    "ERC1155InvalidOperator": "{operator} cannot be an operator",
    "ERC1155InvalidReceiver": "{receiver} cannot receive the token",
    "ERC1155InvalidSender": "{sender} cannot send the token",
    "ERC1155MissingApprovalForAll": "{operator} is not approved by {owner}",
    # test mocks (contracts/test)
    "RefusingEth": "the receiver refuses ETH",
    "NoRelationship": "{rater} has no relationship {ref} with {subject} to rate",
    "LedgerRefuses": "the (test) reputation ledger refuses every record",
}

_BUILTIN_ERRORS: list[dict[str, Any]] = [
    {"type": "error", "name": "Error", "inputs": [{"name": "reason", "type": "string"}]},
    {"type": "error", "name": "Panic", "inputs": [{"name": "code", "type": "uint256"}]},
]


@dataclass(frozen=True)
class Revert:
    """A decoded revert: the error's name and its arguments by name."""

    name: str
    args: dict[str, Any]


class ErrorTable:
    """Error ABI entries by selector, from every ABI the command knows. Two contracts may declare the same
    error with other argument names (NotVerified's `voter` and `account`): a decoded value is given each."""

    def __init__(self, abis: list[list[dict[str, Any]]]) -> None:
        self._by_selector: dict[bytes, dict[str, Any]] = {}
        self._aliases: dict[bytes, list[list[str]]] = {}
        for abi in [*abis, _BUILTIN_ERRORS]:
            for entry in abi:
                if entry.get("type") == "error":
                    selector = keccak(text=signature(entry))[:4]
                    self._by_selector[selector] = entry
                    names = [i.get("name") or f"arg{n}" for n, i in enumerate(entry["inputs"])]
                    known = self._aliases.setdefault(selector, [])
                    if names not in known:
                        known.append(names)

    def decode(self, data: bytes) -> Revert | None:
        entry = self._by_selector.get(data[:4]) if len(data) >= 4 else None
        if entry is None:
            return None
        try:
            values = abi_decode([canonical(i) for i in entry["inputs"]], data[4:])
        except Exception:  # noqa: BLE001 - malformed data from a hostile contract is just "unknown"
            return None
        args: dict[str, Any] = {}
        for names in self._aliases.get(data[:4], []):
            for n, i, v in zip(names, entry["inputs"], values, strict=True):
                args.setdefault(n, named(i, v))
        return Revert(entry["name"], args)


@dataclass
class About:
    """What a command is about, so that an explanation can name it and show its amounts in its token.
    `facts` reads the campaign or task from the chain when a sentence needs it (and only then)."""

    campaign: int | None = None
    task: int | None = None
    place: int | None = None  # a micro-task's place the command is about
    sender: str | None = None
    token: Token = ETH
    facts: Callable[[], dict[str, Any]] = field(default=lambda: {})


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _name(names: tuple[str, ...], value: int) -> str:
    return names[value] if 0 <= value < len(names) else f"in state {value}"


class _Sentence(string.Formatter):
    """str.format over `values` (an error's or an event's arguments) and what the command is about."""

    def __init__(self, values: dict[str, Any], about: About) -> None:
        self.values = values
        self.about = about
        self._facts: dict[str, Any] | None = None

    def facts(self) -> dict[str, Any]:
        if self._facts is None:
            try:
                self._facts = self.about.facts()
            except Exception:  # noqa: BLE001 - an explanation must never fail for want of a detail
                self._facts = {}
        return self._facts

    def get_value(self, key: int | str, args: Any, kwargs: Any) -> Any:
        if isinstance(key, int):
            raise KeyError(key)
        if key in self.values:
            return self.values[key]
        about = self.about
        if key == "campaign":
            return f"campaign {about.campaign}" if about.campaign is not None else "the campaign"
        if key == "task":
            return f"task {about.task}" if about.task is not None else "the task"
        if key == "place":
            return f"place {about.place}" if about.place is not None else "the award"
        if key == "thing":
            if about.task is not None:
                return f"task {about.task}"
            return f"campaign {about.campaign}" if about.campaign is not None else "the campaign"
        if key == "kind":
            return "task" if about.task is not None else "campaign"
        if key == "sender":
            return about.sender or "the sender"
        if key == "state_phrase":
            return self._state_phrase(int(self.values.get("state", -1)))
        if key == "ref_phrase":
            return f"{self.values.get('source', 'its source')}'s #{self.values.get('ref', '?')}"
        if key in ("deadline", "starts_at"):
            return self.facts().get(key, 0)
        raise KeyError(key)

    def _state_phrase(self, state: int) -> str:
        facts = self.facts()
        deadline, starts = facts.get("deadline"), facts.get("starts_at")
        ended = f"ended on {format_time(deadline)}" if deadline else "has ended"
        return {
            0: f"has not opened yet (it opens on {format_time(starts)})" if starts else "has not opened yet",
            1: "is still funding" + (f" until {format_time(deadline)}" if deadline else ""),
            2: f"{ended} and reached its goal",
            3: f"{ended} without reaching its goal",
            4: "was cancelled by its creator",
            5: "was stopped by a rejected milestone vote",
        }.get(state, f"is in state {state}")

    def format_field(self, value: Any, spec: str) -> str:
        token = self.about.token
        match spec:
            case "amount":
                return token.format(int(value))
            case "eth":
                return ETH.format(int(value))
            case "date":
                return format_time(int(value))
            case "duration":
                return format_duration(int(value))
            case "pct":
                return format_percent(int(value))
            case "points":
                return format_points(int(value))
            case "supply":
                return "unlimited" if int(value) == 0 else f"{int(value):,}"
            case "last":
                return str(int(value) - 1)
            case "nth":
                return _ordinal(int(value) + 1)
            case "state":
                return _name(CAMPAIGN_STATES, int(value))
            case "status":
                return {"SplitByDefault": "split by default"}.get(
                    _name(TASK_STATUSES, int(value)), _name(TASK_STATUSES, int(value))
                ).lower()
            case "place_status":
                return _name(PLACE_STATUSES, int(value)).lower()
            case "decided_by":
                return _name(DECIDED_BY, int(value))
            case "short":
                text = value if isinstance(value, str) else "0x" + bytes(value).hex()
                return text[:10] + "…"
            case "panic":
                return _PANICS.get(int(value), f"panic code {int(value):#x}")
            case "verdict":
                return "approve" if value else "reject"
            case "kind":
                return "micro-task" if int(value) else "contest"
            case "role":
                return _name(ROLES, int(value))
            case "signed_points":
                return ("+" if int(value) >= 0 else "") + format_points(int(value))
        if isinstance(value, str) and spec == "" and is_address(value):
            return to_checksum_address(value)  # events carry addresses in lower case
        return str(super().format_field(value, spec))


def render(template: str, values: dict[str, Any], about: About) -> str:
    """`template` filled in; a template that names a value it was not given is shown with the raw values
    rather than failing (an explanation must never be the thing that breaks)."""
    try:
        return _Sentence(values, about).format(template)
    except (KeyError, ValueError, TypeError, IndexError, AttributeError):
        raw = ", ".join(f"{k}={v}" for k, v in values.items())
        return f"{template} [{raw}]"


def explain(revert: Revert | None, about: About, message: str = "") -> str:
    """One line: the error's name and what it means, with its values in units and dates."""
    if revert is None:
        detail = f" ({message})" if message and message.lower() != "execution reverted" else ""
        return f"the transaction would revert without saying why{detail}"
    sentence = MEANINGS.get(revert.name)
    if sentence is None:
        values = ", ".join(f"{k}={v}" for k, v in revert.args.items())
        return f"{revert.name}({values})"
    return f"{revert.name}: {render(sentence, revert.args, about)}"
