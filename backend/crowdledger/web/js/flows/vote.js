// A backer approves or rejects the milestone under vote, weighted by their pledge.
import { simpleFlow } from "./simple.js";

export default simpleFlow("vote", "Crowdfund", "vote", (ctx) => [
  BigInt(ctx.data.campaign),
  ctx.form.elements.approve.value === "true",
]);
