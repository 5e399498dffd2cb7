// The creator takes what is unlocked.
import { simpleFlow } from "./simple.js";

export default simpleFlow("claim", "Crowdfund", "claim", (ctx) => [BigInt(ctx.data.campaign), ctx.account]);
