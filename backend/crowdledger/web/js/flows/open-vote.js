// The creator asks the backers to release the next milestone.
import { simpleFlow } from "./simple.js";

export default simpleFlow("open-vote", "Crowdfund", "openVote", (ctx) => [BigInt(ctx.data.campaign)]);
