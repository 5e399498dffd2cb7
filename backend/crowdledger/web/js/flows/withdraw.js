// A worker takes what they earned in a task.
import { simpleFlow } from "./simple.js";

export default simpleFlow("withdraw", "Bounty", "withdraw", (ctx) => [BigInt(ctx.data.task), ctx.account]);
