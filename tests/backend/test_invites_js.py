"""The browser's invite lists (web/js/lib/invites.js) against the CLI's (wallet/merkle.py): the same root for
the same list, so a task posted from either is taken from either, and a proof for every invited account that
the contract's check (OpenZeppelin's MerkleProof, sorted pairs) accepts. Run by node on the module itself,
not on the bundle; the catalogue's texts are not loaded there, so refusals show their message keys."""

import json
import random
import subprocess
import tempfile
from pathlib import Path

import pytest
from eth_account import Account
from eth_utils.crypto import keccak

from crowdledger.errors import ConfigError
from crowdledger.wallet.merkle import InviteTree, leaf, read_invites

ROOT = Path(__file__).resolve().parents[2]
INVITES_JS = ROOT / "backend" / "crowdledger" / "web" / "js" / "lib" / "invites.js"

# Reads {"lists": [[text, account], ...]} on stdin; prints, for each, the root and the account's proof, or the
# message a refusal throws.
SCRIPT = f"""
import {{ readFileSync }} from "node:fs";
import {{ inviteProof, inviteTree, readInvites }} from "{INVITES_JS.as_uri()}";
const {{ lists }} = JSON.parse(readFileSync(0, "utf8"));
const answers = lists.map(([text, account]) => {{
  try {{
    const tree = inviteTree(readInvites(text));
    return {{ root: tree[0], proof: account ? inviteProof(tree, account) : [] }};
  }} catch (error) {{
    return {{ refused: error.message }};
  }}
}});
process.stdout.write(JSON.stringify(answers));
"""


def in_node(lists: list[tuple[str, str | None]]) -> list[dict]:
    done = subprocess.run(
        ["node", "--input-type=module", "-e", SCRIPT],
        input=json.dumps({"lists": lists}),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


def read_invites_text(text: str) -> list[str]:
    """The CLI's reading of an invite list file holding `text`."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "invites.txt"
        path.write_text(text, newline="")
        return read_invites(path)


def verifies(proof: list[bytes], root: bytes, account: str) -> bool:
    """OpenZeppelin's MerkleProof.verify: hash up the sorted pairs from the leaf."""
    node = leaf(account)
    for sibling in proof:
        node = keccak(node + sibling if node <= sibling else sibling + node)
    return node == root


def addresses(count: int, rng: random.Random) -> list[str]:
    return [Account.from_key(rng.randbytes(32)).address for _ in range(count)]


def test_the_browser_builds_the_clis_root_and_proofs_the_contract_accepts():
    rng = random.Random(8)
    cases = []
    for size in [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33]:
        accounts = addresses(size, rng)
        for account in {accounts[0], accounts[-1], rng.choice(accounts)}:
            cases.append((accounts, account))
    lists = [("\n".join(accounts), account) for accounts, account in cases]
    for (accounts, account), answer in zip(cases, in_node(lists), strict=True):
        tree = InviteTree.of(accounts)
        assert answer["root"] == "0x" + tree.root.hex()
        proof = [bytes.fromhex(p[2:]) for p in answer["proof"]]
        assert proof == tree.proof(account)
        assert verifies(proof, tree.root, account)


def test_the_browser_reads_an_invite_list_as_the_cli_does():
    accounts = addresses(3, random.Random(2))
    lowercase = [a.lower() for a in accounts]
    written = [
        "\n".join(accounts),
        json.dumps(accounts),
        "# invited\n" + "\n".join(f"  {a}   # a comment" for a in lowercase) + "\n\n",
        "\r\n".join(accounts),
        "\r".join(accounts),  # what Python's splitlines() splits on, as the CLI reads a file
        "\u2028".join(accounts),
        "\n".join("0x" + a[2:].upper() for a in accounts),  # all capitals carry no checksum
        "\n".join(a[2:] for a in lowercase),  # no 0x
        json.dumps([f" {a} " for a in accounts]),
    ]
    for text in written:
        assert InviteTree.of(read_invites_text(text)).accounts == tuple(accounts), text
    roots = {answer["root"] for answer in in_node([(text, None) for text in written])}
    assert roots == {"0x" + InviteTree.of(accounts).root.hex()}


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("", "flow.invites.empty"),
        ("# nobody\n", "flow.invites.empty"),
        ("[]", "flow.invites.empty"),
        ("[1, 2", "flow.invites.not_json"),
        ('{"a": 1}', "flow.invites.bad_address"),  # not an array, so lines, as the CLI reads it
        ("0x1234", "flow.invites.bad_address"),
        ("0x" + "00" * 20, "flow.invites.bad_address"),  # nobody can send from it
        ("alice", "flow.invites.bad_address"),
        ("0x90f79bf6eb2c4f870365e785982e1f101e93B906", "flow.invites.bad_address"),  # a broken checksum
        (
            "0x90F79bf6EB2c4f870365E785982E1f101E93b906\n0x90f79bf6eb2c4f870365e785982e1f101e93b906",
            "flow.invites.repeated",
        ),
    ],
)
def test_a_list_the_cli_would_refuse_is_refused_in_the_browser_too(text, refusal):
    assert in_node([(text, None)]) == [{"refused": refusal}]
    with pytest.raises(ConfigError):
        InviteTree.of(read_invites_text(text))


def test_an_account_not_on_the_list_gets_no_proof():
    accounts = addresses(4, random.Random(3))
    outsider = addresses(1, random.Random(4))[0]
    assert in_node([("\n".join(accounts), outsider)]) == [{"refused": "error.NotInvited"}]
