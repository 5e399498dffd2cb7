// A worker enters a contest: the page hashes the work, draws a secret salt, commits to
// keccak256(abi.encode(deliverableHash, worker, salt)) (what Bounty.commitmentOf computes), and keeps the
// secret in this browser with a backup download, for the reveal after the deadline. An invite-only contest
// also takes the proof built from the invite list.
import { encodeAbiParameters, keccak256, stringToHex, toHex } from "viem";
import { saveEntry } from "../lib/entries.js";
import { checkInvites, invitation } from "../lib/invites.js";

export default {
  name: "commit-entry",
  validate: checkInvites,
  async run(ctx) {
    const taskId = ctx.data.task;
    const deliverableHash = keccak256(stringToHex(ctx.form.elements.deliverable.value));
    const salt = toHex(crypto.getRandomValues(new Uint8Array(32)));
    const commitment = keccak256(
      encodeAbiParameters(
        [{ type: "bytes32" }, { type: "address" }, { type: "bytes32" }],
        [deliverableHash, ctx.account, salt],
      ),
    );
    const bounty = ctx.contract("Bounty");
    const proof = invitation(ctx);
    await ctx.check(bounty, "submit", [BigInt(taskId), commitment, proof]);
    // Kept before sending: a commitment on chain without its secret could never be revealed.
    saveEntry({ taskId, worker: ctx.account, deliverableHash, uri: ctx.form.elements.uri.value, salt, commitment });
    await ctx.send(bounty, "submit", [BigInt(taskId), commitment, proof]);
  },
};
