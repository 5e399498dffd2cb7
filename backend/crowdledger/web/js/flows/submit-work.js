// A worker submits the work for a micro-task place they hold: only its hash goes on chain.
import { keccak256, stringToHex } from "viem";
import { simpleFlow } from "./simple.js";

export default simpleFlow("submit-work", "Bounty", "submitWork", (ctx) => [
  BigInt(ctx.data.task),
  BigInt(ctx.form.elements.place.value),
  keccak256(stringToHex(ctx.form.elements.deliverable.value)),
]);
