// The co-reviewer confirms the requester's proposed award (its winners and shares are the indexed proposal the
// page carries, so that exactly what was proposed is confirmed) or objects to it, which sends it to the arbiter.
import { describe, proposedAward } from "../lib/awards.js";
import { t } from "../lib/i18n.js";

export default {
  name: "co-review-award",
  async run(ctx) {
    const task = BigInt(ctx.data.task);
    const bounty = ctx.contract("Bounty");
    if (ctx.form.elements.choice.value === "object") {
      await ctx.send(bounty, "objectToAward", [task]);
      return undefined;
    }
    const award = proposedAward(ctx.data);
    await ctx.send(bounty, "confirmAward", [task, award.winners, award.sharesBps]);
    return t("flow.award.done", { winners: describe(award) });
  },
};
