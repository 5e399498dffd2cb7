// Anyone carries out a place's decision once it stands: a co-reviewed one, or a rejection nobody can appeal
// or arbitrate any more (the place reopens).
import { simpleFlow } from "./simple.js";

export default simpleFlow("finalize-place", "Bounty", "finalizePlace", (ctx) => [
  BigInt(ctx.data.task),
  BigInt(ctx.form.elements.place.value),
]);
