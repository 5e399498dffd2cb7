// A backer approves or rejects the milestone under vote: weighted by their pledge, or one vote per verified
// identity, as the campaign's vote mode says.
import { simpleFlow } from "./simple.js";

export default simpleFlow("vote", "Crowdfund", "vote", (ctx) => [
  BigInt(ctx.data.campaign),
  ctx.form.elements.approve.value === "true",
]);
