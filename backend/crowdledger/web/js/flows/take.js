// A worker takes a micro-task place, with the proof an invite-only task asks for (built from the invite list).
import { checkInvites, invitation } from "../lib/invites.js";

export default {
  name: "take",
  validate: checkInvites,
  async run(ctx) {
    const args = [BigInt(ctx.data.task), BigInt(ctx.form.elements.place.value), invitation(ctx)];
    await ctx.send(ctx.contract("Bounty"), "take", args);
  },
};
