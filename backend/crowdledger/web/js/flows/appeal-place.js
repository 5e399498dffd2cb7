// A worker whose work was rejected appeals to the task's arbiter, within the appeal window.
import { simpleFlow } from "./simple.js";

export default simpleFlow("appeal-place", "Bounty", "appeal", (ctx) => [
  BigInt(ctx.data.task),
  BigInt(ctx.form.elements.place.value),
]);
