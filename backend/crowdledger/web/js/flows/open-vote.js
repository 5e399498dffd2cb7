// The creator asks the backers to release the next milestone (a backer may, once the creator has been silent
// for MILESTONE_GRACE).
import { simpleFlow } from "./simple.js";

export default simpleFlow("open-vote", "Crowdfund", "openVote", (ctx) => [BigInt(ctx.data.campaign)]);
