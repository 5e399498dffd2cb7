// The attester withdraws its attestation of the account the page shows (and voids its unsubmitted signatures).
// The form is outside the page's live part, so it hides itself once there is nothing left to revoke.
export default {
  name: "revoke-attestation",
  async run(ctx) {
    await ctx.send(ctx.contract("Reputation"), "revoke", [ctx.data.account]);
    ctx.form.hidden = true;
  },
};
