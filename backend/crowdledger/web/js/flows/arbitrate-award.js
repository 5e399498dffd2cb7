// The task's arbiter decides an objected award, or a contest nobody awarded after its review period: the
// winners among the revealed entries and their shares in %.
import { describe, sharesFromForm } from "../lib/awards.js";
import { t } from "../lib/i18n.js";

export default {
  name: "arbitrate-award",
  async validate(form) {
    sharesFromForm(form);
  },
  async run(ctx) {
    const award = sharesFromForm(ctx.form);
    await ctx.send(ctx.contract("Bounty"), "arbitrateAward", [BigInt(ctx.data.task), award.winners, award.sharesBps]);
    return t("flow.award.done", { winners: describe(award) });
  },
};
