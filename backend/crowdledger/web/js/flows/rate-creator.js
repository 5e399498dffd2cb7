// A backer who confirmed or reported delivery rates the creator, once, in the reputation ledger; the ledger
// asks Crowdfund (the rating's source) whether this backer may, and prices the rating by the pledge.
import { simpleFlow } from "./simple.js";

export default simpleFlow("rate-creator", "Reputation", "rate", (ctx) => [
  ctx.contract("Crowdfund").address,
  BigInt(ctx.data.campaign),
  ctx.data.creator,
  Number(ctx.form.elements.stars.value),
]);
