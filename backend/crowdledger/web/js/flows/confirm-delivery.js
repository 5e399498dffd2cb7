// A backer of a funded campaign confirms that the reward arrived; this also opens their rating of the creator.
import { simpleFlow } from "./simple.js";

export default simpleFlow("confirm-delivery", "Crowdfund", "confirmDelivery", (ctx) => [BigInt(ctx.data.campaign)]);
