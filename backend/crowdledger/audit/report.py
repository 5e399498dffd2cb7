"""The audit report: JSON (the record), HTML (for people), the digest, and the ledger exports (JSON and CSV).

The digest is SHA-256 over canonical JSON lines (sorted keys, no spaces, amounts as decimal strings): a header
with the chain id and the audited block's number and hash, then each contract (by name) with every record its
replay rebuilt, then every (contract, holder, asset, amount owed). Two auditors who audit the same block with
the same deployment record get the same digest, whatever their machines, RPC providers or range sizes.
"""

from __future__ import annotations

import csv
import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

from crowdledger.audit.findings import Finding
from crowdledger.audit.merkle import Leaf, SumTree
from crowdledger.audit.model import ETH, BlockInfo, CheckResult, Status
from crowdledger.audit.money import Position
from crowdledger.audit.replay.base import Replay
from crowdledger.deployment import Deployment

FORMAT = "crowdledger-audit/1"


@dataclass
class Audit:
    report: dict[str, Any]
    tree: SumTree
    ledger: dict[str, list[dict[str, Any]]]

    @property
    def passed(self) -> bool:
        return bool(self.report["passed"])


def _line(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode() + b"\n"


def digest(chain_id: int, block: BlockInfo, replays: Mapping[str, Replay], leaves: list[Leaf]) -> str:
    h = hashlib.sha256()
    h.update(_line([FORMAT, chain_id, block.number, block.hash]))
    for name in sorted(replays):
        replay = replays[name]
        h.update(_line(["contract", name, replay.address]))
        for record in replay.state(block):
            h.update(_line(record))
    for leaf in leaves:
        h.update(_line(["owed", leaf.contract, leaf.holder, leaf.asset, str(leaf.amount)]))
    return "sha256:" + h.hexdigest()


def build_report(
    deployment: Deployment,
    chain_id: int,
    block: BlockInfo,
    replays: Mapping[str, Replay],
    checks: list[CheckResult],
    positions: list[Position],
    found: list[Finding],
    tree: SumTree,
    leaves: list[Leaf],
    ledger: dict[str, list[dict[str, Any]]],
    stats: dict[str, Any],
    command: str,
) -> Audit:
    passed = all(check.status != Status.FAIL for check in checks)
    report = {
        "format": FORMAT,
        "passed": passed,
        "chain_id": chain_id,
        "block": {"number": block.number, "hash": block.hash, "timestamp": block.timestamp},
        "deployment": {
            "network": deployment.network,
            "start_block": deployment.start_block,
            "contracts": {name: c.address for name, c in sorted(deployment.contracts.items())},
        },
        "digest": digest(chain_id, block, replays, leaves),
        "merkle": {
            "root": tree.root.hex(),
            "contracts": {
                name: {
                    "root": tree.contract_root(name).hex(),
                    "owed": {
                        key.split("/", 1)[1]: str(v)
                        for key, v in sorted(tree.contract_root(name).sums.items())
                    },
                }
                for name in tree.contracts
            },
        },
        "checks": [check.to_json() for check in checks],
        "findings": [f.to_json() for f in found],
        "obligations": [leaf.to_json() for leaf in leaves],
        "stats": stats,
        "rerun": {
            "command": f"{command} --block {block.number}",
            "compare": "the digest and the Merkle root; both depend only on the chain at this block",
        },
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    return Audit(report, tree, ledger)


def load(path: Path) -> tuple[dict[str, Any], SumTree]:
    """A report written before, and its Merkle tree rebuilt from its obligations, checked by its root."""
    from crowdledger.audit.merkle import ProofError

    try:
        report: dict[str, Any] = json.loads(path.read_text())
        if report.get("format") != FORMAT:
            raise ProofError(f"{path} is not a CrowdLedger audit report ({FORMAT})")
        leaves = [
            Leaf(o["contract"], o["holder"], o["asset"], int(o["amount"])) for o in report["obligations"]
        ]
        tree = SumTree(leaves, report["merkle"]["contracts"])
    except FileNotFoundError:
        raise ProofError(f"No report at {path}") from None
    except (ValueError, KeyError, TypeError) as bad:
        raise ProofError(f"{path} is not a readable audit report: {bad!r}") from None
    if tree.root.hex() != report["merkle"]["root"]:
        raise ProofError(
            f"{path} was altered: its obligations give root {tree.root.hex()}, it says "
            f"{report['merkle']['root']}"
        )
    return report, tree


# ----------------------------------------------------------------------------- text


def summary_lines(report: dict[str, Any]) -> list[str]:
    """The report in a few lines, as `crowdledger audit` prints it."""
    block = report["block"]
    lines = [
        f"CrowdLedger audit of chain {report['chain_id']} at block {block['number']:,} ({block['hash']})",
        f"  {'PASSED' if report['passed'] else 'FAILED'}",
    ]
    for check in report["checks"]:
        lines.append(f"  [{check['status']:^7}] {check['title']}: {check['summary']}")
        for mismatch in check["mismatches"][:5]:
            events = ", ".join(f"{e['event']} {e['tx']}:{e['log_index']}" for e in mismatch["events"][:3])
            lines.append(
                f"            {mismatch['subject']}: {mismatch['message']}"
                + (f" [{events}]" if events else "")
            )
        if check["mismatch_count"] > 5:
            lines.append(f"            ... {check['mismatch_count'] - 5:,} more in the JSON report")
    lines.append(f"  digest      {report['digest']}")
    lines.append(f"  merkle root {report['merkle']['root']}")
    if report["findings"]:
        lines.append(
            f"  findings ({len(report['findings'])}, signals for a person to look at, not verdicts):"
        )
        for f in report["findings"]:
            lines.append(f"    - {f['title']}: {f['reason']}")
    else:
        lines.append("  findings: none")
    stats = report["stats"]
    lines.append(
        f"  {stats['events']:,} events, {stats['transfers']:,} transfers, {stats['blocks']:,} blocks in "
        f"{stats['seconds']:,.1f} s; peak memory {stats['peak_memory_mb']:,.0f} MB"
    )
    return lines


# ----------------------------------------------------------------------------- HTML

_STYLE = """body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}td,th{padding:.3rem .5rem;border-bottom:1px
solid #ddd;
text-align:left;vertical-align:top}code{font-size:13px;word-break:break-all}.pass{color:#060}.fail{color:#a00}
.skipped{color:#777}.num{text-align:right;font-variant-numeric:tabular-nums}nav a{margin-right:.8rem}"""


def _units(value: str, asset: str) -> str:
    if asset == ETH:
        return f"{Decimal(value) / Decimal(10**18):,.6f} ETH"
    return f"{int(value):,} <small>units of <code>{escape(asset)}</code></small>"


def _asset(asset: str) -> str:
    return "ETH" if asset == ETH else f"<code>{escape(asset)}</code>"


def _masked(entry: dict[str, Any]) -> str:
    """What the code comparison masked, one line per thing (an immutable read in several places is one line),
    then the constructor arguments decoded."""
    places: dict[tuple[str, str], list[str]] = {}
    for part in ("runtime", "creation"):
        for m in entry[part]["masked"]:
            shown = "" if m["what"] == "constructor arguments" else m["value"]
            places.setdefault((f"{part}: {m['what']}", shown), []).append(str(m["start"]))
    lines = [
        escape(f"{what} at byte {', '.join(starts)}") + (f" = <code>{escape(value)}</code>" if value else "")
        for (what, value), starts in places.items()
    ]
    lines += [
        escape(f"constructor argument {a['name']} = {a['value']}") for a in entry["constructor_arguments"]
    ]
    return "<br>".join(lines)


def html(report: dict[str, Any]) -> str:
    block = report["block"]
    verdict = "passed" if report["passed"] else "failed"
    checks = "".join(
        f"<tr><td>{escape(c['title'])}<td class={c['status']}><b>{c['status']}</b>"
        f"<td>{escape(c['summary'])}</tr>"
        for c in report["checks"]
    )
    mismatches = "".join(
        f"<tr><td>{escape(c['name'])}<td>{escape(m['subject'])}<td>{escape(m['message'])}<td>"
        + "<br>".join(
            f"<code>{escape(e['event'])} {escape(e['tx'])}:{e['log_index']}</code>" for e in m["events"]
        )
        + "</tr>"
        for c in report["checks"]
        for m in c["mismatches"][:50]
    )
    solvency: dict[str, Any] = next((c for c in report["checks"] if c["name"] == "solvency"), {"details": []})
    positions = "".join(
        f"<tr><td>{escape(p['contract'])}<td>{_asset(p['asset'])}"
        f"<td class=num>{_units(p['owed'], p['asset'])}<td class=num>{_units(p['held'], p['asset'])}"
        f"<td class=num>{_units(p['difference'], p['asset'])}<td>{escape(p['verdict'])}</tr>"
        for p in solvency["details"]
    )
    code: dict[str, Any] = next((c for c in report["checks"] if c["name"] == "bytecode"), {"details": []})
    contracts = "".join(
        f"<tr><td>{escape(d['contract'])}<td><code>{escape(d['address'])}</code><td>{escape(d['runtime']['status'])}"
        f"<td>{escape(d['creation']['status'])}<td>" + _masked(d) + "</tr>"
        for d in code["details"]
    )
    found = "".join(
        f"<li><b>{escape(f['title'])}</b>: {escape(f['reason'])}<br><small>accounts: "
        + ", ".join(f"<code>{escape(a)}</code>" for a in f["accounts"])
        + "<br>transactions: "
        + ", ".join(f"<code>{escape(t)}</code>" for t in f["transactions"])
        + "</small></li>"
        for f in report["findings"]
    )
    stats = report["stats"]
    return (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>Audit {verdict} at block {block['number']}"
        " · CrowdLedger</title><meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<style>{_STYLE}</style>"
        "<nav><a href='/'>Campaigns</a><a href='/audit'>Report (JSON)</a></nav>"
        f"<h1>Audit <span class={'pass' if report['passed'] else 'fail'}>{verdict}</span></h1>"
        f"<p>Chain {report['chain_id']}, block {block['number']:,} <code>{escape(block['hash'])}</code>, "
        f"block time {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime(block['timestamp']))}."
        f"<p>Digest <code>{escape(report['digest'])}</code><br>Merkle sum root "
        f"<code>{escape(report['merkle']['root'])}</code>"
        f"<h2>Checks</h2><table><tr><th>Check<th>Result<th>Summary</tr>{checks}</table>"
        + (
            f"<h2>Differences</h2><table><tr><th>Check<th>What<th>Difference<th>Events</tr>{mismatches}</table>"
            if mismatches
            else ""
        )
        + f"<h2>Funds held and owed</h2><table><tr><th>Contract<th>Asset<th class=num>Owed<th class=num>Held"
        f"<th class=num>Held − owed<th></tr>{positions}</table>"
        + (
            f"<h2>Code</h2><table><tr><th>Contract<th>Address<th>Runtime<th>Creation<th>Masked</tr>{contracts}"
            "</table>"
            if contracts
            else ""
        )
        + "<h2>Findings</h2><p>Signals for a person to look at, not verdicts."
        + (f"<ul>{found}</ul>" if found else "<p>None.")
        + "<h2>How to rerun it</h2><p>With this repository checked out, the deployment record and any RPC "
        "endpoint "
        f"of chain {report['chain_id']}:<pre>{escape(report['rerun']['command'])}</pre>"
        f"<p>then compare {escape(report['rerun']['compare'])}. docs/AUDIT.md says what each check does."
        f"<p><small>{stats['events']:,} events and {stats['transfers']:,} transfers in {stats['blocks']:,} "
        "blocks, "
        f"audited in {stats['seconds']:,.1f} s; generated {escape(report['generated_at'])}.</small>"
    )


# ----------------------------------------------------------------------------- exports


def write_exports(folder: Path, result: Audit) -> list[Path]:
    """report.json, report.html, ledger.json and one CSV per ledger table, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (
        ("report.json", json.dumps(result.report, indent=2)),
        ("report.html", html(result.report)),
        ("ledger.json", json.dumps({"block": result.report["block"], **result.ledger}, indent=2)),
    ):
        (folder / name).write_text(text + "\n")
        written.append(folder / name)
    for table, rows in result.ledger.items():
        path = folder / f"{table}.csv"
        with path.open("w", newline="") as out:
            if rows:
                writer = csv.DictWriter(out, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)
        written.append(path)
    return written
