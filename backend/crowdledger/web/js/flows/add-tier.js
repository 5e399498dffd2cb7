// The creator adds a reward tier (its price in the campaign's token; 0 places: unlimited).
import { parseAmount } from "../lib/amounts.js";
import { simpleFlow } from "./simple.js";

export default simpleFlow("add-tier", "Crowdfund", "addTier", (ctx) => [
  BigInt(ctx.data.campaign),
  parseAmount(ctx.form.elements.price.value, ctx.money?.decimals),
  Number(ctx.form.elements.supply.value || 0),
]);
