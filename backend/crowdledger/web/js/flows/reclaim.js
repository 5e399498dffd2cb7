// The requester takes back what no work can claim any more (a contest nobody won, a micro-task's unused places).
import { simpleFlow } from "./simple.js";

export default simpleFlow("reclaim", "Bounty", "reclaim", (ctx) => [BigInt(ctx.data.task), ctx.account]);
