// The creator raises a tier's places (never lowers them: backers counted on them).
import { simpleFlow } from "./simple.js";

export default simpleFlow("raise-supply", "Crowdfund", "raiseTierSupply", (ctx) => [
  BigInt(ctx.data.campaign),
  BigInt(ctx.form.elements.tier.value),
  Number(ctx.form.elements.supply.value),
]);
