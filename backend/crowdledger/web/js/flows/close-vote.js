// Anyone closes a milestone vote whose week is over: the tranche unlocks for the creator, or the backers'
// refunds start.
import { simpleFlow } from "./simple.js";

export default simpleFlow("close-vote", "Crowdfund", "closeVote", (ctx) => [BigInt(ctx.data.campaign)]);
