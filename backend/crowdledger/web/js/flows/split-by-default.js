// Anyone splits a contest's reward among its revealed entries when the requester awarded nothing in time.
import { simpleFlow } from "./simple.js";

export default simpleFlow("split-by-default", "Bounty", "splitByDefault", (ctx) => [BigInt(ctx.data.task)]);
