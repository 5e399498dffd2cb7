"""Patterns that crowdfunding and crowdsourcing fraud leaves on chain: signals for a person to look at, not
verdicts. Each rule is a function of the facts (crowdledger.audit.facts) and of THRESHOLDS, the one place
every threshold lives; each finding names the accounts, the transactions and the reason in words.

Ties between accounts come from plain ETH transfers in the audited blocks: `a` is tied to `b` when it is `b`,
when `b` sent it ETH within the funding window before it acted, or when both were first funded by the same
account. An account is *fresh* when its first funding came within the window before its first act on our
contracts and it had sent no transaction before that funding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from crowdledger.audit.facts import Act, Deal, Facts
from crowdledger.audit.model import ETH
from crowdledger.audit.source import Transfer

HOUR = 3600
DAY = 24 * HOUR
BPS = 10_000


@dataclass(frozen=True)
class Thresholds:
    funding_window: int = 7 * DAY  # "shortly before": a funding at most this long before the act
    cluster_min_accounts: int = 3  # fresh accounts from one source that act on one deal
    together_window: int = 2 * DAY  # "together": their first acts on the deal lie within this span
    negligible: dict[str, int] = field(default_factory=lambda: {ETH: 10**16})  # per asset, smallest unit
    negligible_default: int = 10**16  # assets not listed: 0.01 of an 18-decimal token
    ring_min_relationships: int = 2  # a pair rating each other well in this many deals is a ring
    ring_max_length: int = 4  # longer cycles of good ratings are not looked for
    good_stars: int = 4  # a rating of at least this many stars is praise

    def negligible_for(self, asset: str) -> int:
        return self.negligible.get(asset, self.negligible_default)


THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Finding:
    rule: str
    title: str
    reason: str
    accounts: list[str]
    transactions: list[str]
    deal: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "title": self.title,
            "reason": self.reason,
            "accounts": self.accounts,
            "transactions": self.transactions,
            "deal": self.deal,
        }


def amount(units: int, asset: str) -> str:
    if asset == ETH:
        return f"{Decimal(units) / Decimal(10**18):f} ETH"
    return f"{units} units of token {asset}"


def _ago(seconds: int) -> str:
    return f"{seconds / HOUR:.1f} hours" if seconds < 2 * DAY else f"{seconds / DAY:.1f} days"


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


class Ties:
    """Who is tied to whom, from the plain transfers the audit saw."""

    def __init__(self, facts: Facts, t: Thresholds) -> None:
        self.facts = facts
        self.t = t

    def funding_from(self, account: str, funder: str, before: int) -> Transfer | None:
        """A transfer from `funder` to `account` within the window before time `before`."""
        for transfer in self.facts.funding.funders_of(account):
            if transfer.sender == funder and before - self.t.funding_window <= transfer.timestamp <= before:
                return transfer
        return None

    def first_funder(self, account: str) -> Transfer | None:
        fundings = self.facts.funding.funders_of(account)
        return fundings[0] if fundings else None

    def fresh(self, account: str) -> bool:
        first = self.first_funder(account)
        acted = self.facts.funding.first_act.get(account)
        if first is None or acted is None:
            return False
        if not 0 <= acted[1] - first.timestamp <= self.t.funding_window:
            return False
        return self.facts.prior_transactions.get(account, 0) == 0

    def tie(self, account: str, owner: str, at: int) -> tuple[str, list[str]] | None:
        """Why `account` is tied to `owner` at time `at` (in words, with the transactions), or None."""
        if account == owner:
            return "is the owner's own account", []
        funded = self.funding_from(account, owner, at)
        if funded is not None:
            return (
                f"was sent {amount(funded.value, ETH)} by {owner} {_ago(at - funded.timestamp)} before",
                [funded.tx_hash],
            )
        mine, theirs = self.first_funder(account), self.first_funder(owner)
        if mine is not None and theirs is not None and mine.sender == theirs.sender and self.fresh(account):
            return f"was first funded by {mine.sender}, as {owner} was", [mine.tx_hash, theirs.tx_hash]
        return None


# ----------------------------------------------------------------------------- the rules


def self_funding(facts: Facts, t: Thresholds) -> list[Finding]:
    """Creators pledging to their own campaigns, directly or through accounts they funded shortly before."""
    ties = Ties(facts, t)
    found = []
    for act in facts.acts:
        deal = facts.deals.get(act.deal)
        if act.kind != "pledge" or deal is None or deal.kind != "campaign":
            continue
        if act.account == deal.owner:
            reason = f"the creator pledged {amount(act.amount, deal.asset)} to their own campaign {deal.ref}"
            txs = [act.tx_hash]
        else:
            funded = ties.funding_from(act.account, deal.owner, act.timestamp)
            if funded is None:
                continue
            reason = (
                f"{act.account} pledged {amount(act.amount, deal.asset)} to campaign {deal.ref} "
                f"{_ago(act.timestamp - funded.timestamp)} after its creator sent it "
                f"{amount(funded.value, ETH)}"
            )
            txs = [funded.tx_hash, act.tx_hash]
        found.append(
            Finding(
                "self-funding",
                "Creator funds their own campaign",
                reason,
                _unique([deal.owner, act.account]),
                txs,
                deal.key,
            )
        )
    return found


def fresh_clusters(facts: Facts, t: Thresholds) -> list[Finding]:
    """Clusters of fresh accounts funded from one source that pledge, vote, enter, take places or rate
    together."""
    ties = Ties(facts, t)
    by_source: dict[str, list[str]] = defaultdict(list)
    for account in facts.funding.fundings:
        first = ties.first_funder(account)
        if first is not None and ties.fresh(account):
            by_source[first.sender].append(account)
    acts_by_deal: dict[tuple[str, str], list[Act]] = defaultdict(list)
    for act in facts.acts:
        acts_by_deal[(act.deal, act.kind)].append(act)
    found = []
    for source, members in sorted(by_source.items()):
        if len(members) < t.cluster_min_accounts:
            continue
        group = set(members)
        for (deal_key, kind), acts in sorted(acts_by_deal.items()):
            together = sorted((a for a in acts if a.account in group), key=lambda a: a.timestamp)
            best: list[Act] = []
            start = 0
            for end in range(len(together)):  # the largest run of first acts within the window
                while together[end].timestamp - together[start].timestamp > t.together_window:
                    start += 1
                if end - start + 1 > len(best):
                    best = together[start : end + 1]
            if len(best) < t.cluster_min_accounts:
                continue
            accounts = _unique([a.account for a in best])
            fundings = [f.tx_hash for a in accounts if (f := ties.first_funder(a)) is not None]
            span = best[-1].timestamp - best[0].timestamp
            found.append(
                Finding(
                    "fresh-cluster",
                    "Fresh accounts from one source act together",
                    f"{len(accounts)} fresh accounts, each first funded by {source}, all {_verb(kind)} "
                    f"{_deal_words(deal_key, facts)} within {_ago(span)}",
                    [source, *accounts],
                    _unique(fundings + [a.tx_hash for a in best]),
                    deal_key,
                )
            )
    return found


def cheap_reputation(facts: Facts, t: Thresholds) -> list[Finding]:
    """Reputation points or ratings earned from campaigns or tasks of negligible value."""
    deals = {(d.contract, d.ref): d for d in facts.deals.values()}
    found = []
    for earned in facts.earned:
        deal = deals.get((earned.source, earned.ref))
        if deal is None or deal.value >= t.negligible_for(deal.asset):
            continue
        found.append(
            Finding(
                "cheap-reputation",
                "Reputation bought cheaply",
                f"{earned.subject} gained {Decimal(earned.points) / Decimal(10**18):f} points "
                f"({earned.reason}) "
                f"from {deal.kind} {deal.ref}, which was worth {amount(deal.value, deal.asset)}, below "
                f"{amount(t.negligible_for(deal.asset), deal.asset)}",
                _unique([earned.subject, deal.owner]),
                _unique([deal.tx_hash, earned.tx_hash]),
                deal.key,
            )
        )
    return found


def rating_rings(facts: Facts, t: Thresholds) -> list[Finding]:
    """Good ratings exchanged in rings: a pair praising each other over and over, or a cycle of praise."""
    praise: dict[str, dict[str, list[str]]] = defaultdict(
        lambda: defaultdict(list)
    )  # rater -> subject -> txs
    deals: dict[tuple[str, str], set[tuple[str, int]]] = defaultdict(set)
    for r in facts.ratings:
        if r.stars >= t.good_stars:
            praise[r.rater][r.subject].append(r.tx_hash)
            deals[(r.rater, r.subject)].add((r.source, r.ref))
    found = []
    for a, subjects in sorted(praise.items()):
        for b in sorted(subjects):
            if a < b and a in praise.get(b, {}):
                shared = deals[(a, b)] & deals[(b, a)]
                if len(shared) >= t.ring_min_relationships:
                    found.append(
                        Finding(
                            "rating-ring",
                            "Two accounts praise each other again and again",
                            f"{a} and {b} rated each other {t.good_stars}+ stars in {len(shared)} "
                            "separate deals",
                            [a, b],
                            _unique(praise[a][b] + praise[b][a]),
                        )
                    )
    for cycle in _cycles(praise, t.ring_max_length):
        txs = [tx for x, y in zip(cycle, cycle[1:] + cycle[:1], strict=True) for tx in praise[x][y]]
        found.append(
            Finding(
                "rating-ring",
                "A ring of accounts praise each other in turn",
                " → ".join([*cycle, cycle[0]]) + f": each rated the next {t.good_stars}+ stars",
                list(cycle),
                _unique(txs),
            )
        )
    return found


def _cycles(graph: dict[str, dict[str, list[str]]], max_length: int) -> list[list[str]]:
    """Simple directed cycles of length 3..max_length, each once (starting at its smallest account)."""
    cycles = []

    def walk(start: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(path[-1], {})):
            if nxt == start and len(path) >= 3:
                cycles.append(list(path))
            elif nxt > start and nxt not in path and len(path) < max_length:
                walk(start, [*path, nxt])

    for start in sorted(graph):
        walk(start, [start])
    return cycles


def captured_votes(facts: Facts, t: Thresholds) -> list[Finding]:
    """Milestone votes that would have gone the other way without the votes of accounts tied to the creator"""
    ties = Ties(facts, t)
    ballots: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for ballot in facts.ballots:
        ballots[(ballot.campaign, ballot.milestone)].append(ballot)
    found = []
    for outcome in facts.outcomes:
        deal = facts.deals.get(f"Crowdfund/campaign/{outcome.campaign}")
        if deal is None or not outcome.approved:
            continue
        acts = {a.account: a for a in facts.acts if a.deal == deal.key and a.kind == "vote"}
        tied = []
        for ballot in ballots[(outcome.campaign, outcome.milestone)]:
            at = acts[ballot.voter].timestamp if ballot.voter in acts else 0
            tie = ties.tie(ballot.voter, deal.owner, at) or _tie_by_pledge(ties, facts, deal, ballot.voter)
            if tie is not None:
                tied.append((ballot, tie))
        if not tied:
            continue
        approve = outcome.approve_weight - sum(b.weight for b, _ in tied if b.approve)
        reject = outcome.reject_weight - sum(b.weight for b, _ in tied if not b.approve)
        if outcome.one_per_identity:  # rejected when rejects outnumber approvals
            rejected_without = reject > approve
        else:  # a veto: tied approvals cannot offset it, but tied pledges raise the bar it must reach
            pledged = {a.account: a.amount for a in facts.acts if a.deal == deal.key and a.kind == "pledge"}
            raised = outcome.raised - sum(pledged.get(b.voter, b.weight) for b, _ in tied)
            threshold = outcome.quorum_bps * max(raised, 0) * outcome.unverified_bps
            rejected_without = reject > 0 and reject * BPS * BPS >= threshold
        if not rejected_without:
            continue
        words = "; ".join(f"{b.voter} {why}" for b, (why, _) in tied)
        found.append(
            Finding(
                "captured-vote",
                "A milestone vote decided by the creator's own accounts",
                f"milestone {outcome.milestone} of campaign {outcome.campaign} "
                f"{'passed' if outcome.closed else 'is passing'}, but the honest backers' weight rejects it "
                f"({reject} against {approve}): tied to the creator, {words}",
                _unique([deal.owner, *(b.voter for b, _ in tied)]),
                _unique(
                    [tx for _, (_, txs) in tied for tx in txs]
                    + [b.tx_hash for b, _ in tied]
                    + [outcome.tx_hash]
                ),
                deal.key,
            )
        )
    return found


def _tie_by_pledge(ties: Ties, facts: Facts, deal: Deal, voter: str) -> tuple[str, list[str]] | None:
    """A voter funded by the creator shortly before it pledged (its vote may come much later)."""
    pledge = next(
        (a for a in facts.acts if a.deal == deal.key and a.kind == "pledge" and a.account == voter), None
    )
    return ties.tie(voter, deal.owner, pledge.timestamp) if pledge is not None else None


def tied_entries(facts: Facts, t: Thresholds) -> list[Finding]:
    """Contest entries (and micro-task places) by accounts tied to the requester, or tied to each other."""
    ties = Ties(facts, t)
    by_deal: dict[str, list[Act]] = defaultdict(list)
    for act in facts.acts:
        if act.kind in ("enter", "take"):
            by_deal[act.deal].append(act)
    found = []
    for deal_key, acts in sorted(by_deal.items()):
        deal = facts.deals.get(deal_key)
        if deal is None:
            continue
        seen: set[str] = set()
        for act in acts:
            if act.account in seen:
                continue
            seen.add(act.account)
            for reviewer, role in ((deal.owner, "requester"), (deal.co_reviewer, "co-reviewer")):
                if reviewer is None:
                    continue
                tie = ties.tie(act.account, reviewer, act.timestamp)
                if tie is not None:
                    found.append(
                        Finding(
                            "tied-entry",
                            f"An entry by an account tied to the {role}",
                            f"{act.account}, which {tie[0]}, {_verb(act.kind)} {deal.kind} {deal.ref} of "
                            f"{role} {reviewer}",
                            _unique([reviewer, act.account]),
                            _unique([*tie[1], act.tx_hash]),
                            deal_key,
                        )
                    )
        if deal.kind != "contest":
            continue
        entrants: dict[str, list[Act]] = defaultdict(list)
        for act in acts:
            first = ties.first_funder(act.account)
            if first is not None and ties.fresh(act.account) and first.sender != deal.owner:
                entrants[first.sender].append(act)
        for source, group in sorted(entrants.items()):
            accounts = _unique([a.account for a in group])
            if len(accounts) >= 2:
                fundings = [f.tx_hash for a in accounts if (f := ties.first_funder(a)) is not None]
                found.append(
                    Finding(
                        "tied-entry",
                        "Entries by accounts funded from one source",
                        f"{len(accounts)} entries in contest {deal.ref} come from fresh accounts first "
                        f"funded by {source}",
                        [source, *accounts],
                        _unique(fundings + [a.tx_hash for a in group]),
                        deal_key,
                    )
                )
    return found


def _verb(kind: str) -> str:
    return {
        "pledge": "pledged to",
        "vote": "voted on",
        "enter": "entered",
        "take": "took a place in",
        "rate": "rated",
    }.get(kind, kind)


def _deal_words(deal_key: str, facts: Facts) -> str:
    deal = facts.deals.get(deal_key)
    if deal is not None:
        return f"{deal.kind} {deal.ref}"
    return deal_key.replace("rated/", "the same account, ")


RULES: list[Callable[[Facts, Thresholds], list[Finding]]] = [
    self_funding,
    fresh_clusters,
    cheap_reputation,
    rating_rings,
    captured_votes,
    tied_entries,
]


def find(facts: Facts, t: Thresholds = THRESHOLDS) -> list[Finding]:
    return [finding for rule in RULES for finding in rule(facts, t)]
