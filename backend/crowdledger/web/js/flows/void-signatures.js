// The attester voids every attestation of the account the page shows that it signed and nobody submitted yet
// (a signature handed to the wrong person, or terms it no longer stands by); its attestation, if any, stays.
import { t } from "../lib/i18n.js";

export default {
  name: "void-signatures",
  async run(ctx) {
    await ctx.send(ctx.contract("Reputation"), "voidOutstandingSignatures", [ctx.data.account]);
    return t("flow.void_signatures.done");
  },
};
