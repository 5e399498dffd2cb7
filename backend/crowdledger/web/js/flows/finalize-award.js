// Anyone carries out a proposed award once it stands (the co-reviewer's window passed in silence, or an
// objection the arbiter left undecided): its winners and shares are the indexed proposal the page carries.
import { describe, proposedAward } from "../lib/awards.js";
import { t } from "../lib/i18n.js";

export default {
  name: "finalize-award",
  async run(ctx) {
    const task = BigInt(ctx.data.task);
    const award = proposedAward(ctx.data);
    await ctx.send(ctx.contract("Bounty"), "finalizeAward", [task, award.winners, award.sharesBps]);
    return t("flow.award.done", { winners: describe(award) });
  },
};
