// The task's arbiter decides an appealed or objected place: approve (the worker is paid) or reject.
import { simpleFlow } from "./simple.js";

export default simpleFlow("arbitrate-place", "Bounty", "arbitratePlace", (ctx) => [
  BigInt(ctx.data.task),
  BigInt(ctx.form.elements.place.value),
  ctx.form.elements.decision.value === "approve",
]);
