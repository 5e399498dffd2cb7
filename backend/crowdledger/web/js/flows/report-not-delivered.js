// A backer of a funded campaign reports, from the delivery date on, that the reward did not arrive.
import { simpleFlow } from "./simple.js";

export default simpleFlow("report-not-delivered", "Crowdfund", "reportNotDelivered", (ctx) => [
  BigInt(ctx.data.campaign),
]);
