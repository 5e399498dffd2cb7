"""The platform: sending the fees to the treasury (anyone), and what the contracts' owner sets: the fee and
the treasury, pausing launches, the reputation ledger's modules, attesters, assets, identity weights and
half-life, and handing the ownership over (Ownable2Step: the new owner accepts).

Each command is one checked call: a sender the contract refuses (OwnableUnauthorizedAccount for an owner's
setting) gets one line and nothing is sent. `crowdledger show platform` reads what they set."""

import argparse
import dataclasses
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from crowdledger.cli.common import (
    ZERO_ADDRESS,
    Session,
    address,
    address_or_none,
    command,
    open_session,
    positive_int,
    signer_options,
)
from crowdledger.errors import ConfigError, Refused, RpcError
from crowdledger.settings import Settings
from crowdledger.wallet.chain import Reverted
from crowdledger.wallet.explain import About
from crowdledger.wallet.send import Call
from crowdledger.wallet.units import BPS, DAY, HOUR, MINUTE, parse_percent, scaled

FEE_TAKERS = ("crowdfund", "bounty")  # the contracts that take the platform's fee (PlatformFees)
OWNED = (*FEE_TAKERS, "reputation")
MAX_UINT32, MAX_UINT128 = 2**32 - 1, 2**128 - 1
ADDRESS = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"  # for examples
TOKEN = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"  # for examples: an ERC-20 (mainnet's USDC)
SPANS = {"d": DAY, "h": HOUR, "m": MINUTE, "s": 1}
ATTESTER_REMOVED = (
    "Removing an attester also voids every attestation it issued, until it is registered again."
)


def register(commands: Any) -> None:
    withdraw = _command(
        commands,
        "withdraw-fees",
        "send the fees a contract has accrued in a token to the platform's treasury (anyone may)",
        _withdraw_fees,
        [
            "crowdledger withdraw-fees crowdfund --account alice",
            f"crowdledger withdraw-fees bounty --token {TOKEN} --account alice",
        ],
        FEE_TAKERS,
    )
    withdraw.add_argument("--token", default="ETH", help="ETH (default) or an ERC-20 address")

    fee = _command(
        commands,
        "set-fee",
        "set the platform's fee for what is created from now on (the contract's owner; at most 10 percent)",
        _set_fee,
        ["crowdledger set-fee crowdfund 2.5 --account owner"],
        FEE_TAKERS,
        details="Running campaigns and tasks keep the fee they were created with.",
    )
    fee.add_argument("percent", metavar="PERCENT", help="the fee in percent: 2.5 (two decimals at most)")

    treasury = _command(
        commands,
        "set-treasury",
        "set the address the platform's fees go to (the contract's owner)",
        _set_treasury,
        [f"crowdledger set-treasury bounty {ADDRESS} --account owner"],
        FEE_TAKERS,
    )
    treasury.add_argument("treasury", metavar="ADDRESS", type=address)

    for name, summary, function in (
        ("pause", "stop new campaigns being launched (Crowdfund's owner); running ones go on", "pause"),
        ("unpause", "let campaigns be launched again (Crowdfund's owner)", "unpause"),
    ):
        parser = command(
            commands, name, summary, _on("crowdfund", function), [f"crowdledger {name} --account owner"]
        )
        signer_options(parser)

    ledger = command(
        commands,
        "set-reputation",
        "point Crowdfund at another reputation ledger, or at none (Crowdfund's owner)",
        _set_reputation,
        [
            f"crowdledger set-reputation {ADDRESS} --account owner",
            "crowdledger set-reputation none --account owner",
        ],
        details="The new ledger must have registered Crowdfund as a module first (register-module, by "
        "its owner): a ledger that does not answer as one, or has not registered Crowdfund, is refused "
        "before anything is sent. With none, creators' and backers' outcomes are no longer recorded.",
    )
    ledger.add_argument("ledger", metavar="ADDRESS|none", type=address_or_none)
    signer_options(ledger)

    for name, noun, function in (
        ("register-module", "module (a contract that reports deals and values)", "setModule"),
        ("register-attester", "identity attester", "setAttester"),
    ):
        parser = command(
            commands,
            name,
            f"register a reputation {noun}, or --remove it (the ledger's owner)",
            _registration(function),
            [
                f"crowdledger {name} {ADDRESS} --account owner",
                f"crowdledger {name} {ADDRESS} --remove --account owner",
            ],
            details=ATTESTER_REMOVED if function == "setAttester" else "",
        )
        parser.add_argument("subject", metavar="ADDRESS", type=address)
        parser.add_argument("--remove", action="store_true", help="deregister it instead")
        signer_options(parser)

    asset = command(
        commands,
        "set-asset",
        "register a token as an asset that earns reputation, or unregister it with a unit of 0 (the "
        "ledger's owner)",
        _set_asset,
        [
            "crowdledger set-asset ETH 0.05 0.0005 --account owner",
            f"crowdledger set-asset {TOKEN} 0 0 --account owner",
        ],
        details="UNIT is the amount worth a value factor of 1 (points grow with the square root of the value "
        "in units), MINIMUM the least amount that earns anything; both in whole tokens. It applies to what "
        "is settled from now on.",
    )
    asset.add_argument("token", metavar="TOKEN", help="ETH or an ERC-20 address")
    asset.add_argument("unit", metavar="UNIT")
    asset.add_argument("minimum", metavar="MINIMUM")
    signer_options(asset)

    weights = command(
        commands,
        "set-identity-weights",
        "set the identity level that counts as verified, and what an unverified account's deals and "
        "ratings weigh (the ledger's owner)",
        _set_identity_weights,
        ["crowdledger set-identity-weights 1 50 --account owner"],
    )
    weights.add_argument("level", metavar="LEVEL", type=positive_int, help="1 to 255")
    weights.add_argument("weight", metavar="PERCENT", help="an unverified account's weight: 0 to 100")
    signer_options(weights)

    half_life = command(
        commands,
        "set-half-life",
        "set how fast reputation fades: the time in which a score halves, 0 for never (the ledger's owner)",
        _set_half_life,
        [
            "crowdledger set-half-life 90d --account owner",
            "crowdledger set-half-life 12h --account owner",
            "crowdledger set-half-life 0 --account owner",
        ],
        details="It applies from its block on; the time before keeps the half-life that was in force. A "
        "number alone is days; d, h, m and s say days, hours, minutes and seconds; rounded to a second.",
    )
    half_life.add_argument("span", metavar="SPAN", help="90d, 12h, 45m, 3600s, or 0")
    signer_options(half_life)

    transfer = _command(
        commands,
        "transfer-ownership",
        "offer a contract's ownership to another address, which takes it with accept-ownership (the owner)",
        _transfer_ownership,
        [
            f"crowdledger transfer-ownership reputation {ADDRESS} --account owner",
            "crowdledger transfer-ownership reputation none --account owner   # withdraw the offer",
        ],
        OWNED,
        details="Until the new owner accepts, the old one stays owner and may offer it to someone else, "
        "or withdraw the offer with none.",
    )
    transfer.add_argument("new_owner", metavar="ADDRESS|none", type=address_or_none)
    _command(
        commands,
        "accept-ownership",
        "take the ownership of a contract offered to you with transfer-ownership",
        _accept_ownership,
        ["crowdledger accept-ownership reputation --account carol"],
        OWNED,
    )


def _command(
    commands: Any,
    name: str,
    summary: str,
    handler: Any,
    examples: list[str],
    contracts: tuple[str, ...],
    details: str = "",
) -> argparse.ArgumentParser:
    """A command about one of `contracts`, named by its first argument."""
    parser = command(commands, name, summary, handler, examples, details)
    parser.add_argument("contract", choices=contracts)
    signer_options(parser)
    return parser


def _send(
    settings: Settings, args: argparse.Namespace, contract: str, function: str, values: list[Any]
) -> int:
    session = open_session(settings, args)
    session.send(Call(_contract(session, contract), function, values), About(sender=session.sender))
    return 0


def _contract(session: Session, name: str) -> Any:
    """Session.crowdfund, .bounty or .reputation."""
    return getattr(session, name)


def _on(contract: str, function: str) -> Any:
    """A handler calling `contract`.`function`() with no arguments."""
    return lambda settings, args: _send(settings, args, contract, function, [])


def _withdraw_fees(settings: Settings, args: argparse.Namespace) -> int:
    session = open_session(settings, args)
    token = session.chain.token_named(args.token)
    call = Call(_contract(session, args.contract), "withdrawFees", [token.address])
    session.send(call, About(sender=session.sender, token=token))
    return 0


def _set_fee(settings: Settings, args: argparse.Namespace) -> int:
    return _send(settings, args, args.contract, "setFee", [_share(args.percent, "the fee")])


def _set_treasury(settings: Settings, args: argparse.Namespace) -> int:
    return _send(settings, args, args.contract, "setTreasury", [args.treasury])


def _set_reputation(settings: Settings, args: argparse.Namespace) -> int:
    session = open_session(settings, args)
    if args.ledger != ZERO_ADDRESS:
        _check_ledger(session, args.ledger)
    recorded = session.reputation.address  # read before sending: a record without one fails unsent
    session.send(Call(session.crowdfund, "setReputation", [args.ledger]), About(sender=session.sender))
    if args.ledger not in (ZERO_ADDRESS, recorded) and not session.dry_run:
        print(
            f"Note: the deployment record ({session.chain.endpoint.record}) names the ledger {recorded}. "
            "The indexer, the web pages and the audit read that one, and Bounty reports to it for good (a "
            "Bounty's ledger is fixed when it is deployed). To show campaigns' outcomes from the new ledger, "
            "name it in a new deployment record and index that into a new database (docs/DEPLOY.md)."
        )
    return 0


def _check_ledger(session: Session, ledger: str) -> None:
    """Crowdfund reads the ledger's identity weights for every vote, unguarded, and records outcomes only as
    its module: a contract that is not a ledger would stop the votes of running campaigns, and one that has
    not registered Crowdfund would drop every outcome without a word."""
    chain, crowdfund = session.chain, session.crowdfund
    probe = dataclasses.replace(session.reputation, address=ledger)  # the ledger's ABI, at the new address
    try:
        chain.read(probe, "unverifiedWeightBps")
        registered = chain.read(probe, "isModule", crowdfund.address)
    except (Reverted, RpcError):  # reverted, or answered nothing a ledger would
        raise Refused(
            f"{ledger} does not answer as a reputation ledger (unverifiedWeightBps, isModule); nothing was "
            "sent"
        ) from None
    if not registered:
        raise Refused(
            f"the ledger at {ledger} has not registered Crowdfund ({crowdfund.address}) as a module: its "
            "owner runs register-module first, or outcomes would go unrecorded; nothing was sent"
        )


def _registration(function: str) -> Any:
    """A handler calling Reputation.`function`(ADDRESS, not --remove)."""
    return lambda settings, args: _send(
        settings, args, "reputation", function, [args.subject, not args.remove]
    )


def _set_asset(settings: Settings, args: argparse.Namespace) -> int:
    session = open_session(settings, args)
    token = session.chain.token_named(args.token)
    unit, minimum = (
        token.parse(text, what, allow_zero=True)
        for text, what in ((args.unit, "UNIT"), (args.minimum, "MINIMUM"))
    )
    if max(unit, minimum) > MAX_UINT128:
        raise ConfigError(f"UNIT and MINIMUM must be below 2**128 base units of {token.symbol}")
    call = Call(_contract(session, "reputation"), "setAsset", [token.address, unit, minimum])
    session.send(call, About(sender=session.sender, token=token))
    return 0


def _set_identity_weights(settings: Settings, args: argparse.Namespace) -> int:
    if not 1 <= args.level <= 255:
        raise ConfigError(
            f"LEVEL must be 1 to 255 (level 0 would count everyone as verified), got {args.level}"
        )
    weight = _share(args.weight, "the unverified weight")
    return _send(settings, args, "reputation", "setIdentityWeights", [args.level, weight])


def _set_half_life(settings: Settings, args: argparse.Namespace) -> int:
    written = args.span.strip().lower()
    unit = SPANS.get(written[-1:], 0)
    try:
        seconds = scaled(written[:-1] if unit else written, unit or DAY)
    except InvalidOperation:
        seconds = Decimal("NaN")
    # bounded before rounding (1e999999 has a million digits); a fraction of a second is not "never fade"
    rounded = (
        seconds.to_integral_value(ROUND_HALF_UP) if seconds.is_finite() and seconds.copy_abs() < 2**33 else -1
    )
    if not (seconds == 0 or 1 <= rounded <= MAX_UINT32):
        raise ConfigError(
            f"SPAN must be 0 (no fading) or from 1 second to {MAX_UINT32 // DAY:,} days, such as 90d, 12h "
            f"or 3600s; got {args.span!r}"
        )
    return _send(settings, args, "reputation", "setHalfLife", [int(rounded)])


def _transfer_ownership(settings: Settings, args: argparse.Namespace) -> int:
    return _send(settings, args, args.contract, "transferOwnership", [args.new_owner])


def _accept_ownership(settings: Settings, args: argparse.Namespace) -> int:
    return _send(settings, args, args.contract, "acceptOwnership", [])


def _share(text: str, what: str) -> int:
    """A percentage as basis points, at most 100% (the contract names its own, lower, limit)."""
    bps = parse_percent(text, what)
    if bps > BPS:
        raise ConfigError(f"{what} is a percentage from 0 to 100, got {text!r}")
    return bps
