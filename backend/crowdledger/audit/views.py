"""The replayed state against the contracts' own view functions, all called at the audited block."""

from __future__ import annotations

from collections.abc import Iterable

from crowdledger.audit.calls import Call, Caller, call_all
from crowdledger.audit.model import BlockInfo, CheckResult, Mismatch
from crowdledger.audit.replay.base import Replay, ViewCheck
from crowdledger.chain.rpc import Rpc
from crowdledger.deployment import DeployedContract
from crowdledger.errors import RpcRefused

CHUNK = 2_000  # view checks built and sent at a time, so their number never sits in memory at once


def _same(expected: object, actual: object) -> bool:
    if isinstance(expected, str) and isinstance(actual, str):
        return expected.lower() == actual.lower()
    return expected == actual


def check(
    rpc: Rpc, block: BlockInfo, replays: Iterable[Replay], contracts: dict[str, DeployedContract]
) -> CheckResult:
    result = CheckResult("views", "The replay equals the contracts' view functions at the block")
    calls = 0
    for replay in replays:
        caller = Caller(contracts[replay.contract])
        pending: list[ViewCheck] = []
        for view in replay.view_checks(block):
            pending.append(view)
            if len(pending) == CHUNK:
                calls += _run(rpc, block, caller, pending, result)
                pending = []
        calls += _run(rpc, block, caller, pending, result)
    result.summary = (
        f"{calls:,} view calls agree with the replay"
        if not result.mismatch_count
        else f"{result.mismatch_count:,} of {calls:,} view calls disagree with the replay"
    )
    return result


def _run(rpc: Rpc, block: BlockInfo, caller: Caller, views: list[ViewCheck], result: CheckResult) -> int:
    answers = call_all(rpc, [Call(caller, v.function, v.args) for v in views], block.number)
    for view, answer in zip(views, answers, strict=True):
        call = f"{view.function}({', '.join(str(a) for a in view.args)})"
        if isinstance(answer, RpcRefused):
            result.add(Mismatch("views", view.subject, f"{call} failed: {answer}", view.events))
            continue
        wrong = [
            f"{name}: contract {answer.get(name)!r}, replay {value!r}"
            for name, value in view.expected.items()
            if not _same(value, answer.get(name))
        ]
        if wrong:
            result.add(Mismatch("views", view.subject, f"{call}: " + "; ".join(wrong), view.events))
    return len(views)
