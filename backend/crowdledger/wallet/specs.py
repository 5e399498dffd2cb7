"""The campaign and task files `crowdledger launch` and `crowdledger post` read, checked with messages that
say what to fix, and turned into the contracts' LaunchParams and TaskParams. docs/CLI.md documents both
formats; examples/ holds one file of each kind.

Amounts are in whole tokens of the file's token (ETH unless "token" names an ERC-20 address). Times are a
span from now ("+30d", "+12h") or an ISO date (UTC unless it says otherwise). Metadata is either inline
("metadata": {...}, carried as a data: URI with its keccak256) or published elsewhere ("metadata_uri" with
"metadata_hash"). A campaign's rewards are due on "delivery_date" (a time as above) or "delivery_days" after
the deadline (DEFAULT_DELIVERY_DAYS without either); its milestone votes are pledge-weighted (a veto at
"quorum_percent" of the money raised) or one vote per verified identity ("vote_mode": "identity", with an
optional "min_attestation_level"). A task may name a "co_reviewer" (four eyes) and an "arbiter" (objections,
a silent requester, appeals).
"""

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak

from crowdledger.errors import ConfigError
from crowdledger.wallet.addresses import checked_address
from crowdledger.wallet.merkle import InviteTree, read_invites
from crowdledger.wallet.units import DAY, HOUR, WAD, Token, format_time, parse_percent, parse_time, scaled

METADATA_KEYS = {"metadata", "metadata_uri", "metadata_hash"}
CAMPAIGN_KEYS = {
    "token",
    "goal",
    "starts_at",
    "deadline",
    "duration_days",
    "quorum_percent",
    "milestones_percent",
    "delivery_date",
    "delivery_days",
    "vote_mode",
    "min_attestation_level",
}
CAMPAIGN_KEYS |= {"tiers"} | METADATA_KEYS
TASK_KEYS = {"kind", "token", "reward", "pay", "places", "work_window_hours", "deadline", "duration_days"}
TASK_KEYS |= {"review_days", "co_reviewer", "arbiter", "access"} | METADATA_KEYS
ACCESS_KEYS = {"min_worker_score", "invite_list", "min_verified_level"}
ACCESS_MIN_SCORE, ACCESS_INVITED, ACCESS_VERIFIED = 1, 2, 4
ZERO_HASH = b"\0" * 32
ZERO_ADDRESS = "0x" + "00" * 20
DEFAULT_QUORUM_PERCENT = 20
DEFAULT_DELIVERY_DAYS = 30
VOTE_MODES = {"pledge": 0, "identity": 1}  # Crowdfund.VoteMode: PledgeWeighted, OnePerVerifiedIdentity


def read_spec(path: Path, what: str) -> dict[str, Any]:
    try:
        spec = json.loads(path.read_text())
    except OSError as bad:
        raise ConfigError(f"cannot read the {what} file {path}: {bad.strerror or bad}") from None
    except ValueError as bad:
        raise ConfigError(f"the {what} file {path} is not valid JSON: {bad}") from None
    if not isinstance(spec, dict):
        raise ConfigError(f"the {what} file {path} must hold a JSON object")
    return spec


def token_of(spec: dict[str, Any]) -> str:
    return str(spec.get("token", "ETH"))


@dataclass(frozen=True)
class Campaign:
    params: tuple[Any, ...]  # Crowdfund.LaunchParams


@dataclass(frozen=True)
class Task:
    kind: str  # "contest" or "micro-task"
    params: tuple[Any, ...]  # Bounty.TaskParams
    reward: int  # a contest's reward; a micro-task's pay per place
    places: int = 0
    work_window: int = 0
    invites: InviteTree | None = None

    @property
    def escrow(self) -> int:
        return self.reward * self.places if self.kind == "micro-task" else self.reward

    @property
    def reviewers(self) -> tuple[str, str]:
        """The co-reviewer and the arbiter (the zero address: none), as `task` lays out params."""
        return self.params[3], self.params[4]


def _check_keys(spec: dict[str, Any], allowed: set[str], what: str) -> None:
    unknown = sorted(set(spec) - allowed)
    if unknown:
        raise ConfigError(f"the {what} file has unknown keys {unknown}; known: {sorted(allowed)}")


def _need(spec: dict[str, Any], key: str, what: str) -> Any:
    if key not in spec:
        raise ConfigError(f"the {what} file needs {key!r} (see `crowdledger {_command(what)} --help`)")
    return spec[key]


def _command(what: str) -> str:
    return "launch" if what == "campaign" else "post"


def _number(value: Any, what: str, asked: str) -> Decimal:
    """`value` (a JSON number or a string) as a finite number, or a refusal saying what to write: JSON's NaN
    and Infinity, which Python reads, and 1e999999 (past Decimal's default exponents) were tracebacks."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise ConfigError(f"{what} must be {asked}, got {value!r}")
    return number


def _times(value: Any, unit: int, what: str, asked: str) -> int:
    """`value` times `unit`, rounded down to a whole number; refused past any uint256."""
    product = scaled(str(_number(value, what, asked)), unit)
    if not -(2**256) < product < 2**256:
        raise ConfigError(f"{what} is more than the contracts can take, got {value!r}")
    return int(product)


def _int(value: Any, what: str, low: int, high: int) -> int:
    number = _number(value, what, "a whole number")
    if number != number.to_integral_value() or number < low or number > high:  # before int(): 1e999999 hung
        raise ConfigError(f"{what} must be a whole number between {low} and {high}, got {value!r}")
    return int(number)


def _span(value: Any, unit: int, what: str) -> int:
    seconds = _times(value, unit, what, "a number")
    if seconds <= 0:
        raise ConfigError(f"{what} must be more than 0 (a second at least), got {value!r}")
    return seconds


def _deadline(spec: dict[str, Any], start: int, what: str) -> int:
    if "deadline" in spec and "duration_days" in spec:
        raise ConfigError(f"the {what} file gives both 'deadline' and 'duration_days'; keep one")
    if "deadline" in spec:
        return parse_time(spec["deadline"], start, "deadline")
    return start + _span(_need(spec, "duration_days", what), DAY, "duration_days")


def metadata(spec: dict[str, Any], what: str) -> tuple[str, bytes]:
    """(metadata URI, keccak256 of the document): inline metadata becomes a data: URI."""
    if "metadata" in spec:
        if "metadata_uri" in spec:
            raise ConfigError(f"the {what} file gives both 'metadata' and 'metadata_uri'; keep one")
        if not isinstance(spec["metadata"], dict) or not str(spec["metadata"].get("title", "")).strip():
            raise ConfigError(f"the {what} file's 'metadata' must be an object with a 'title'")
        document = json.dumps(spec["metadata"], sort_keys=True).encode()
        return "data:application/json;base64," + base64.b64encode(document).decode(), keccak(document)
    if "metadata_uri" not in spec:
        raise ConfigError(
            f"the {what} file needs 'metadata' (an object with a title) or 'metadata_uri' and 'metadata_hash'"
        )
    digest = str(_need(spec, "metadata_hash", what)).removeprefix("0x")
    try:
        hash_bytes = bytes.fromhex(digest)
    except ValueError:
        hash_bytes = b""
    if len(hash_bytes) != 32:
        raise ConfigError(
            "metadata_hash must be 32 bytes of hex: the keccak256 of the document at metadata_uri"
        )
    return str(spec["metadata_uri"]), hash_bytes


def campaign(spec: dict[str, Any], token: Token, now: int) -> Campaign:
    """LaunchParams from a campaign file; `now` is the chain's time (a local chain may run ahead)."""
    _check_keys(spec, CAMPAIGN_KEYS, "campaign")
    goal = token.parse(_need(spec, "goal", "campaign"), "goal")
    starts_at = parse_time(spec["starts_at"], now, "starts_at") if "starts_at" in spec else 0
    deadline = _deadline(spec, max(starts_at, now), "campaign")
    delivery = _delivery_date(spec, deadline, now)
    vote_mode, quorum, attestation_level = _votes(spec)
    milestones = spec.get("milestones_percent", [])
    if not isinstance(milestones, list):
        raise ConfigError("milestones_percent must be a list of percentages, e.g. [40, 30, 30]")
    milestone_bps = [parse_percent(share, "each of milestones_percent") for share in milestones]
    tiers = spec.get("tiers", [])
    if not isinstance(tiers, list) or not all(isinstance(t, dict) for t in tiers):
        raise ConfigError('tiers must be a list of objects such as {"price": "0.1", "supply": 50}')
    tier_specs = [
        (
            token.parse(_need(t, "price", "campaign"), "a tier's price"),
            _int(t.get("supply", 0), "a tier's supply", 0, 2**32 - 1),
        )
        for t in tiers
    ]
    uri, digest = metadata(spec, "campaign")
    return Campaign(
        (
            token.address,
            goal,
            starts_at,
            deadline,
            quorum,
            milestone_bps,
            tier_specs,
            uri,
            digest,
            delivery,
            vote_mode,
            attestation_level,
        )
    )


def _delivery_date(spec: dict[str, Any], deadline: int, now: int) -> int:
    """When the rewards are due: "delivery_date" (a time, a span from now like every time in the file), or
    "delivery_days" after the deadline."""
    if "delivery_date" in spec and "delivery_days" in spec:
        raise ConfigError("the campaign file gives both 'delivery_date' and 'delivery_days'; keep one")
    if "delivery_date" in spec:
        delivery = parse_time(spec["delivery_date"], now, "delivery_date")
        if delivery < deadline:
            raise ConfigError(
                f"delivery_date is {format_time(delivery)}, before the deadline ({format_time(deadline)}); "
                "rewards are due on or after it"
            )
        return delivery
    days = spec.get("delivery_days", DEFAULT_DELIVERY_DAYS)
    span = _times(days, DAY, "delivery_days", "a number of days")
    if span < 0:
        raise ConfigError(f"delivery_days must be 0 or more (days after the deadline), got {days!r}")
    return deadline + int(span)


def _votes(spec: dict[str, Any]) -> tuple[int, int, int]:
    """(vote mode, quorum in bps, minimum attestation level) of the milestone votes."""
    mode_name = str(spec.get("vote_mode", "pledge")).lower()
    if mode_name not in VOTE_MODES:
        raise ConfigError(
            f"vote_mode must be 'pledge' (votes weighed by the pledge, a veto at quorum_percent) or "
            f"'identity' (one vote per verified identity), got {spec['vote_mode']!r}"
        )
    if mode_name == "identity":
        if "quorum_percent" in spec:
            raise ConfigError(
                'with "vote_mode": "identity" the majority of verified voters decides; drop quorum_percent'
            )
        level = _int(spec.get("min_attestation_level", 0), "min_attestation_level", 0, 255)
        return VOTE_MODES[mode_name], 0, level
    if "min_attestation_level" in spec:
        raise ConfigError(
            'min_attestation_level applies only to "vote_mode": "identity"; drop it or set the vote mode'
        )
    quorum = parse_percent(spec.get("quorum_percent", DEFAULT_QUORUM_PERCENT), "quorum_percent")
    return VOTE_MODES[mode_name], quorum, 0


def task(
    spec: dict[str, Any],
    token: Token,
    now: int,
    base: Path,
    invites: Callable[[Path], list[str]] = read_invites,
) -> Task:
    """TaskParams (and the reward or the places) from a task file; `base` is the file's folder, against which
    an invite list file is found."""
    _check_keys(spec, TASK_KEYS, "task")
    kind = str(_need(spec, "kind", "task")).lower()
    if kind not in ("contest", "micro-task"):
        raise ConfigError(f"kind must be 'contest' or 'micro-task', got {spec['kind']!r}")
    deadline = _deadline(spec, now, "task")
    review = _span(_need(spec, "review_days", "task"), DAY, "review_days")
    co_reviewer = _reviewer(spec, "co_reviewer")
    arbiter = _reviewer(spec, "arbiter")
    if arbiter != ZERO_ADDRESS and arbiter == co_reviewer:
        raise ConfigError("the arbiter must be someone other than the co_reviewer")
    rules, min_score, root, level, tree = _access(spec.get("access") or {}, base, invites)
    uri, digest = metadata(spec, "task")
    coordinates = (token.address, deadline, review, co_reviewer, arbiter)
    params = (*coordinates, rules, min_score, root, level, uri, digest)
    if kind == "contest":
        for key in ("pay", "places", "work_window_hours"):
            if key in spec:
                raise ConfigError(f"{key!r} is for micro-tasks; a contest has a 'reward'")
        return Task(kind, params, token.parse(_need(spec, "reward", "task"), "reward"), invites=tree)
    if "reward" in spec:
        raise ConfigError("a micro-task has 'pay' per place and 'places', not a 'reward'")
    pay = token.parse(_need(spec, "pay", "task"), "pay")
    places = _int(_need(spec, "places", "task"), "places", 1, 2**32 - 1)
    window = _span(_need(spec, "work_window_hours", "task"), HOUR, "work_window_hours")
    return Task(kind, params, pay, places, window, tree)


def _reviewer(spec: dict[str, Any], key: str) -> str:
    """The task's co-reviewer or arbiter: an address, or the zero address for none."""
    return checked_address(spec.get(key) or ZERO_ADDRESS, key)


def _access(
    access: Any, base: Path, read: Callable[[Path], list[str]]
) -> tuple[int, int, bytes, int, InviteTree | None]:
    if not isinstance(access, dict):
        raise ConfigError(
            "access must be an object with min_worker_score, invite_list and/or min_verified_level"
        )
    _check_keys(access, ACCESS_KEYS, "task's access")
    rules, min_score, root, level, tree = 0, 0, ZERO_HASH, 0, None
    if "min_worker_score" in access:
        rules |= ACCESS_MIN_SCORE
        min_score = _times(access["min_worker_score"], WAD, "min_worker_score", "a number of points")
    if "invite_list" in access:
        listed = access["invite_list"]
        accounts = [str(a) for a in listed] if isinstance(listed, list) else read(base / str(listed))
        tree = InviteTree.of(accounts)
        rules |= ACCESS_INVITED
        root = tree.root
    if "min_verified_level" in access:
        rules |= ACCESS_VERIFIED
        level = _int(access["min_verified_level"], "min_verified_level", 1, 255)
    return rules, min_score, root, level, tree
