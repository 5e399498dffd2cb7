// Take the whole pledge back before the deadline.
import { simpleFlow } from "./simple.js";

export default simpleFlow("unpledge", "Crowdfund", "unpledge", (ctx) => [BigInt(ctx.data.campaign), ctx.account]);
