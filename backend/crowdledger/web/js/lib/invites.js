// Invite lists as Merkle trees, built exactly as OpenZeppelin's StandardMerkleTree.of(accounts, ["address"])
// builds them and as the CLI does (crowdledger/wallet/merkle.py), so the root a requester posts from the page
// or the CLI is the same, and the proof built here is the one Bounty's MerkleProof check accepts.
//
// A leaf is keccak256(keccak256(abi.encode(account))); the sorted leaves are laid out as a complete binary tree
// in an array, the root at index 0 and node i's children at 2i + 1 and 2i + 2; a pair is hashed in sorted order.
// The list never leaves the browser: only the proof (the sibling hashes) goes into the transaction.
import { concat, encodeAbiParameters, getAddress, keccak256 } from "viem";
import { readContract } from "viem/actions";
import { contract, publicClient } from "./chain.js";
import { t } from "./i18n.js";

const leaf = (account) => keccak256(keccak256(encodeAbiParameters([{ type: "address" }], [account])));
// keccak256 gives lowercase hex of one length, so comparing the strings compares the bytes
const pair = (a, b) => keccak256(a <= b ? concat([a, b]) : concat([b, a]));

// Python's str.splitlines() boundaries, so that a list splits into the same lines as in the CLI
const LINE_BREAKS = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;
const HEX_ADDRESS = /^(?:0[xX])?([0-9a-fA-F]{40})$/;
const ZERO_ADDRESS = `0x${"0".repeat(40)}`;

/** An address as the CLI's checked_address reads it: 40 hex digits (0x optional), whose capitals, when
 * mixed, match its checksum; checksummed. Nothing else, and not the zero address, which nobody can use. */
function checkedAddress(entry) {
  const digits = HEX_ADDRESS.exec(entry.trim())?.[1];
  const mixed = digits && digits !== digits.toLowerCase() && digits !== digits.toUpperCase();
  const address = digits && getAddress(`0x${digits.toLowerCase()}`);
  if (!digits || (mixed && address !== `0x${digits}`) || address === ZERO_ADDRESS) {
    throw new Error(t("flow.invites.bad_address", { entry: entry.trim().slice(0, 60) }));
  }
  return address;
}

/** The addresses of an invite list: a JSON array, or one a line (# starts a comment), read exactly as the
 * CLI reads a list file. Throws a message for an empty list, a bad address or a repeated one. */
export function readInvites(text) {
  let entries;
  if (text.trimStart().startsWith("[")) {
    try {
      entries = JSON.parse(text);
    } catch {
      entries = null;
    }
    if (!Array.isArray(entries)) throw new Error(t("flow.invites.not_json"));
    entries = entries.map(String);
  } else {
    entries = text
      .split(LINE_BREAKS)
      .map((line) => line.split("#")[0].trim())
      .filter(Boolean);
  }
  if (!entries.length) throw new Error(t("flow.invites.empty"));
  const accounts = entries.map(checkedAddress);
  const seen = new Set();
  for (const account of accounts) {
    if (seen.has(account)) throw new Error(t("flow.invites.repeated", { account }));
    seen.add(account);
  }
  return accounts;
}

/** Every node of the list's tree, the root first. */
export function inviteTree(accounts) {
  const leaves = accounts.map(leaf).sort();
  const size = 2 * leaves.length - 1;
  const nodes = new Array(size);
  leaves.forEach((node, i) => {
    nodes[size - 1 - i] = node;
  });
  for (let i = size - 1 - leaves.length; i >= 0; i--) nodes[i] = pair(nodes[2 * i + 1], nodes[2 * i + 2]);
  return nodes;
}

/** The sibling hashes from `account`'s leaf to the root. */
export function inviteProof(tree, account) {
  let index = tree.indexOf(leaf(getAddress(account)));
  if (index < 0) throw new Error(t("error.NotInvited", { account }));
  const proof = [];
  while (index > 0) {
    proof.push(tree[index % 2 ? index + 1 : index - 1]);
    index = (index - 1) >> 1;
  }
  return proof;
}

/** The tree of a form's invite list, built once for its text (a list of 10,000 takes a second). */
function treeOf(form) {
  const text = form.elements.invites.value;
  if (form.inviteTree?.text !== text) form.inviteTree = { text, tree: inviteTree(readInvites(text)) };
  return form.inviteTree.tree;
}

/** A take or entry form's invite list, checked against the task's root before the wallet is asked anything:
 * a list that is not the task's is refused by name rather than by the contract as "not invited". Nothing to
 * check on a task open to all. */
export async function checkInvites(form) {
  if (!form.elements.invites) return;
  const tree = treeOf(form);
  const task = BigInt(form.closest("[data-wallet-actions]").dataset.task);
  const access = await readContract(publicClient(), { ...contract("Bounty"), functionName: "accessOf", args: [task] });
  if (tree[0] !== access.inviteRoot.toLowerCase()) throw new Error(t("flow.invites.other_list"));
}

/** The proof the form's invite list gives the connected account: [] on a task open to all. */
export function invitation(ctx) {
  return ctx.form.elements.invites ? inviteProof(treeOf(ctx.form), ctx.account) : [];
}
