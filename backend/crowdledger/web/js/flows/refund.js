// Take the money back from a failed, cancelled or rejected campaign.
import { simpleFlow } from "./simple.js";

export default simpleFlow("refund", "Crowdfund", "refund", (ctx) => [BigInt(ctx.data.campaign), ctx.account]);
