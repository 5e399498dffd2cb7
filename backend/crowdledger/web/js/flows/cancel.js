// The creator calls the campaign off; every backer can refund.
import { simpleFlow } from "./simple.js";

export default simpleFlow("cancel", "Crowdfund", "cancel", (ctx) => [BigInt(ctx.data.campaign)]);
