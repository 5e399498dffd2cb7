// The co-reviewer confirms the requester's pending decision on a place (naming it, so that a changed decision
// is not confirmed by mistake) or objects to it, which sends it to the arbiter or the default.
export default {
  name: "co-review-place",
  async run(ctx) {
    const task = BigInt(ctx.data.task);
    const place = BigInt(ctx.form.elements.place.value);
    const choice = ctx.form.elements.choice.value;
    if (choice === "object") {
      await ctx.send(ctx.contract("Bounty"), "objectToPlace", [task, place]);
    } else {
      await ctx.send(ctx.contract("Bounty"), "confirmPlace", [task, place, choice === "approve"]);
    }
  },
};
