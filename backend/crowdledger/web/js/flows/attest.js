// A registered identity attester vouches for the account the page shows: a level and an expiry, or none.
import { t } from "../lib/i18n.js";

const NEVER = 2n ** 64n - 1n; // the largest expiresAt: an attestation that does not expire

function terms(form) {
  const level = Number(form.elements.level.value);
  if (!Number.isInteger(level) || level < 1 || level > 255) throw new Error(t("flow.attest.level"));
  if (form.elements.never.checked) return { level, expiresAt: NEVER };
  const until = form.elements.until.value ? Math.floor(new Date(form.elements.until.value).getTime() / 1000) : NaN;
  if (!(until > Date.now() / 1000)) throw new Error(t("flow.attest.until"));
  return { level, expiresAt: BigInt(until) };
}

export default {
  name: "attest",
  async validate(form) {
    terms(form);
  },
  async run(ctx) {
    const { level, expiresAt } = terms(ctx.form);
    await ctx.send(ctx.contract("Reputation"), "attest", [ctx.data.account, level, expiresAt]);
    return t("flow.attest.done");
  },
};
