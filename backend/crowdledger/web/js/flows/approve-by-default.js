// Anyone pays a worker whose work the requester left unreviewed past its review (and the arbiter's window).
import { simpleFlow } from "./simple.js";

export default simpleFlow("approve-by-default", "Bounty", "approveByDefault", (ctx) => [
  BigInt(ctx.data.task),
  BigInt(ctx.form.elements.place.value),
]);
