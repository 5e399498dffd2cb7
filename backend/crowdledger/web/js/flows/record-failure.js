// Anyone records a failed campaign against its creator's reputation (once).
import { simpleFlow } from "./simple.js";

export default simpleFlow("record-failure", "Crowdfund", "recordFailure", (ctx) => [BigInt(ctx.data.campaign)]);
