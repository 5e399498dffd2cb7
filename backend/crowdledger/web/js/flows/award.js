// The requester awards a contest among its revealed entries: each winner's share in %. Without a co-reviewer
// the reward is paid now; with one it is a proposal the co-reviewer confirms or objects to.
import { parseEventLogs } from "viem";
import { describe, sharesFromForm } from "../lib/awards.js";
import { t } from "../lib/i18n.js";

export default {
  name: "award",
  async validate(form) {
    sharesFromForm(form);
  },
  async run(ctx) {
    const award = sharesFromForm(ctx.form);
    const bounty = ctx.contract("Bounty");
    const receipt = await ctx.send(bounty, "award", [BigInt(ctx.data.task), award.winners, award.sharesBps]);
    const proposed = parseEventLogs({ abi: bounty.abi, logs: receipt.logs, eventName: "AwardProposed" });
    return t(proposed.length ? "flow.award.proposed" : "flow.award.done", { winners: describe(award) });
  },
};
