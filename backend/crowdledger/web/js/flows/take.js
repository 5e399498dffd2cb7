// A worker takes a micro-task place (public tasks: no invite proof).
import { simpleFlow } from "./simple.js";

export default simpleFlow("take", "Bounty", "take", (ctx) => [BigInt(ctx.data.task), BigInt(ctx.form.elements.place.value), []]);
