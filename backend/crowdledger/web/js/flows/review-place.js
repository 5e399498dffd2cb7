// The requester (or the co-reviewer) approves or rejects the work submitted for a micro-task place. With a
// co-reviewer, the decision waits for the other reviewer's confirmation or objection.
export default {
  name: "review-place",
  async run(ctx) {
    const place = BigInt(ctx.form.elements.place.value);
    const approve = ctx.form.elements.decision.value === "approve";
    await ctx.send(ctx.contract("Bounty"), approve ? "approve" : "reject", [BigInt(ctx.data.task), place]);
  },
};
