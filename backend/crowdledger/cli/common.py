"""What the commands that read or sign share: the chain and account options, opening a checked connection,
unlocking the account, and sending a call with its outcome printed in words."""

import argparse
import dataclasses
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount

from crowdledger.errors import ConfigError, InsufficientFunds
from crowdledger.settings import Settings
from crowdledger.wallet.addresses import checked_address
from crowdledger.wallet.chain import Chain, Contract, Reverted, resolve
from crowdledger.wallet.describe import describe
from crowdledger.wallet.explain import About
from crowdledger.wallet.keystore import Keystore
from crowdledger.wallet.send import Call, Sent, WouldRevert, send, simulate
from crowdledger.wallet.units import ETH

Handler = Callable[[Settings, argparse.Namespace], int]


def command(
    commands: Any, name: str, summary: str, handler: Handler, examples: list[str], details: str = ""
) -> argparse.ArgumentParser:
    """A subcommand whose --help shows `summary`, `details` and worked examples."""
    epilog = "example" + ("s" if len(examples) > 1 else "") + ":\n" + "\n".join(f"  {e}" for e in examples)
    text = details.strip()
    if text and "\n" not in text:  # a paragraph is wrapped; a table (several lines) is kept as written
        text = textwrap.fill(text, 100)
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=summary + (f"\n\n{text}" if text else ""),
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler)
    return parser


def chain_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("chain and deployment")
    group.add_argument("--network", help="use deployments/NAME.json and brownie's RPC host for network NAME")
    group.add_argument("--rpc-url", help="the chain's JSON-RPC endpoint (default: CROWDLEDGER_RPC_URL)")
    group.add_argument(
        "--deployment", type=Path, help="the deployment record (default: CROWDLEDGER_DEPLOYMENT)"
    )


def signer_options(parser: argparse.ArgumentParser) -> None:
    """--account and --dry-run, with the chain options."""
    parser.add_argument(
        "--account",
        required=True,
        metavar="ID",
        help="the keystore account that signs (`crowdledger account list`); the password is asked for, or "
        "read from CROWDLEDGER_ACCOUNT_PASSWORD",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="check the transaction with a call and price it; send nothing"
    )
    chain_options(parser)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number of 0 or more, got {text!r}")
    return value


def address(text: str) -> str:
    try:
        return checked_address(text, "the address")
    except ConfigError as refused:
        raise argparse.ArgumentTypeError(str(refused)) from None


ZERO_ADDRESS = "0x" + "00" * 20


def address_or_none(text: str) -> str:
    """An address, or `none` for the zero address (no ledger, no pending owner)."""
    return ZERO_ADDRESS if text.strip().lower() == "none" else address(text)


@dataclass
class Session:
    """An open, checked chain and (for commands that sign) the account."""

    settings: Settings
    chain: Chain
    sender: str
    dry_run: bool
    keystore: Keystore
    account_id: str | None
    _account: LocalAccount | None = None

    @property
    def crowdfund(self) -> Contract:
        return self.chain.contract("Crowdfund")

    @property
    def bounty(self) -> Contract:
        return self.chain.contract("Bounty")

    @property
    def reputation(self) -> Contract:
        return self.chain.contract("Reputation")

    def account(self) -> LocalAccount:
        """The signing key, unlocked on first use (so a refusal found by a call never asks for a password)."""
        if self._account is None:
            assert self.account_id is not None
            password = self.settings.account_password or None
            self._account = self.keystore.unlock(self.account_id, password)
        return self._account

    def about_campaign(self, campaign_id: int) -> About:
        record = self.chain.read(self.crowdfund, "campaign", campaign_id)
        token = self.chain.token(record["token"]) if record["deadline"] else ETH
        return About(
            campaign=campaign_id,
            sender=self.sender,
            token=token,
            facts=lambda: {"deadline": record["deadline"], "starts_at": record["startsAt"]},
        )

    def about_task(self, task_id: int) -> About:
        record = self.chain.read(self.bounty, "task", task_id)
        token = self.chain.token(record["token"]) if int(record["requester"], 16) else ETH
        return About(
            task=task_id, sender=self.sender, token=token, facts=lambda: {"deadline": record["deadline"]}
        )

    def send(self, call: Call, about: About) -> Sent | None:
        """Check `call`, then (unless --dry-run) sign, send and print what it did."""
        if self.dry_run:
            quote = simulate(self.chain, self.sender, call, about)
            print(
                f"Checked {call.function}: it would succeed, using about {quote.gas:,} gas "
                f"(at most {ETH.format(quote.max_gas_cost)}); nothing was sent (--dry-run)"
            )
            return None
        sent = send(self.chain, self.sender, self.account, call, about, self.settings.receipt_timeout)
        for event in sent.events:
            if event.name != "ScoreChanged":  # a ledger detail; `show account` has the scores
                print(describe(event, about))
        print(f"  transaction {sent.tx_hash}, block {sent.block_number}, {sent.gas_used:,} gas")
        return sent


def open_chain(settings: Settings, args: argparse.Namespace) -> Chain:
    endpoint = resolve(settings, args.network, args.rpc_url, args.deployment)
    return Chain.connect(endpoint, settings.rpc_timeout)


def open_session(settings: Settings, args: argparse.Namespace) -> Session:
    """The chain, checked against its deployment, then the account's address (the password comes later)."""
    chain = open_chain(settings, args)
    keystore = Keystore.at(settings.keystore_dir)
    sender = keystore.address(args.account)
    return Session(settings, chain, sender, args.dry_run, keystore, args.account)


def recipient(session: Session, to: str | None) -> str:
    """--to, or the sender."""
    return to or session.sender


def send_paying_token(session: Session, call: Call, about: About, amount: int, spender: str) -> Sent | None:
    """Send a call that takes `amount` of the about-token from the sender (a token pledge, a task's escrow):
    check it first, letting only a missing allowance pass; approve exactly `amount`; then send it. Nothing is
    approved when the call would fail for any other reason it names (a token that refuses without a word, as
    USDT does, cannot say whether the allowance is all it misses: the call is checked again after
    approving)."""
    token, chain = about.token, session.chain
    if token.is_eth:
        return session.send(call, about)
    _require_balance(session, about, amount)
    erc20 = chain.erc20(token.address)
    allowance = int(chain.read(erc20, "allowance", session.sender, spender))
    if allowance >= amount:
        return session.send(call, about)
    check_all_but_allowance(session, call, about, amount, spender)
    approve = Call(erc20, "approve", [spender, amount])
    if allowance and _refused(session, approve, about):
        # USDT and others change no allowance that is not zero into another that is not
        print(f"Setting the allowance of {spender} to zero first (the {token.symbol} token asks for it)")
        session.send(Call(erc20, "approve", [spender, 0]), about)
        if session.dry_run:
            print(f"Then approve and {call.function} would follow; nothing was sent")
            return None
    print(f"Approving {spender} to take {token.format(amount)} (the {token.symbol} token asks first)")
    session.send(approve, about)
    if session.dry_run:
        print(f"Then {call.function} would follow; it was checked up to the missing approval")
        return None
    return session.send(call, about)


def _refused(session: Session, call: Call, about: About) -> bool:
    try:
        simulate(session.chain, session.sender, call, about)
    except WouldRevert:
        return True
    return False


def check_all_but_allowance(session: Session, call: Call, about: About, amount: int, spender: str) -> None:
    """Simulate a call that has `spender` take `amount` of the about-token from the sender: every refusal but
    a missing allowance (which the approval or the permit about to be made will give) is raised, so nothing
    is approved or signed for a doomed call; the call is checked again before it is sent. A missing
    allowance reads as the standard error, or as SafeERC20's for a token that returns false, or as a revert
    without data (USDT and others). The last two may as well be the token refusing to move the amount at
    all (paused, or an address it blocks, as USDT and USDC can): the token is then asked to move it itself."""
    try:
        simulate(session.chain, session.sender, call, about)
    except WouldRevert as refused:
        name = refused.revert.name if refused.revert else None
        if name == "ERC20InsufficientAllowance":
            return
        if not refused.silent and name != "SafeERC20FailedOperation":
            raise
        _require_balance(session, about, amount)
        _require_token_moves(session, about, amount, spender)


def _require_balance(session: Session, about: About, amount: int) -> None:
    token = about.token
    balance = session.chain.balance(session.sender, token)
    if balance < amount:
        raise InsufficientFunds(
            f"{session.sender} holds {token.format(balance)}, and this takes {token.format(amount)}; "
            "nothing was sent"
        )


def _require_token_moves(session: Session, about: About, amount: int, spender: str) -> None:
    """Refuses, in words, unless the token would let the sender transfer `amount` to `spender`: a simulated
    transfer read as SafeERC20 reads one (nothing returned, or a first word of exactly 1)."""
    token = about.token
    erc20 = session.chain.erc20(token.address)
    try:
        answer = session.chain.call(
            token.address, erc20.encode("transfer", [spender, amount]), session.sender
        )
    except Reverted:
        answer = None
    returned_true = answer is not None and len(answer) >= 32 and int.from_bytes(answer[:32], "big") == 1
    if answer is None or (answer and not returned_true):
        raise WouldRevert(
            f"the {token.symbol} token refuses to move {token.format(amount)} from {session.sender} to "
            f"{spender}, allowance or not: it may be paused, or block one of the two addresses; nothing was "
            "approved, signed or sent",
            None,
            silent=answer is None,
        )


@dataclass(frozen=True)
class Arg:
    """An argument of a contract command after the campaign or task id: argparse's flags and options."""

    flags: tuple[str, ...]
    options: dict[str, Any]


def arg(*flags: str, **options: Any) -> Arg:
    return Arg(flags, options)


TO = arg("--to", type=address, help="send it to this address instead of yours")
Values = Callable[[Session, argparse.Namespace, About], list[Any]]


def contract_command(
    commands: Any,
    name: str,
    summary: str,
    examples: list[str],
    function: str,
    about: str,
    args: tuple[Arg, ...] = (),
    values: Values | None = None,
    details: str = "",
) -> argparse.ArgumentParser:
    """`crowdledger NAME ID [ARGS]`: one call of `function` on Crowdfund (about="campaign") or Bounty
    (about="task") about campaign or task ID, signed by --account. The call's arguments are the id and the
    parsed ARGS in order, or what `values(session, args, about)` builds (an amount in the subject's token, a
    recipient defaulting to the sender). A new contract function is one such entry."""

    def handler(settings: Settings, parsed: argparse.Namespace) -> int:
        session = open_session(settings, parsed)
        subject = getattr(parsed, about)
        context = session.about_campaign(subject) if about == "campaign" else session.about_task(subject)
        if getattr(parsed, "place", None) is not None:  # a micro-task's place: errors name it
            context = dataclasses.replace(context, place=parsed.place)
        if values is not None:
            call_args = values(session, parsed, context)
        else:
            call_args = [subject, *(getattr(parsed, _dest(a)) for a in args)]
        contract = session.crowdfund if about == "campaign" else session.bounty
        session.send(Call(contract, function, call_args), context)
        return 0

    parser = command(commands, name, summary, handler, examples, details)
    parser.add_argument(about, metavar=about.upper(), type=positive_int)
    for extra in args:
        parser.add_argument(*extra.flags, **extra.options)
    signer_options(parser)
    return parser


def _dest(extra: Arg) -> str:
    return str(extra.options.get("dest", extra.flags[0].lstrip("-").replace("-", "_")))


def to_recipient(session: Session, parsed: argparse.Namespace, about: About) -> list[Any]:
    """(id, --to or the sender): the arguments of refund, unpledge, claim, withdraw and reclaim."""
    subject = parsed.campaign if "campaign" in parsed else parsed.task
    return [subject, recipient(session, parsed.to)]
