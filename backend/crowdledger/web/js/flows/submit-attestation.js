// Anyone submits an attestation an attester signed for the account the page shows (the file `crowdledger
// sign-attestation` writes), paying the gas: most often the account's holder, who needs no command line then.
// The file is read as the CLI's submit-attestation reads it, so that a damaged file, or one for another chain,
// ledger or account, is named before the wallet is asked.
import { isAddress } from "viem";
import { contract, settings } from "../lib/chain.js";
import { t } from "../lib/i18n.js";

const KEYS = ["chainId", "reputation", "account", "level", "expiresAt", "attester", "deadline", "signature"];
const INTEGERS = ["chainId", "level", "expiresAt", "deadline"];
const NEVER = 2n ** 64n - 1n; // the largest expiresAt: an attestation that does not expire

/** The file's terms, its integers exact (JSON.parse would round 2**64 - 1, the "never" of expiresAt): each is
 * quoted with a mark before parsing, so that a string where the file should hold a number is still refused. */
export function readAttestation(text) {
  const integer = /("(?:chainId|level|expiresAt|deadline)"\s*:\s*)(0|[1-9]\d*)(?=\s*[,}])/g;
  const quoted = text.replace(integer, '$1"#$2"');
  let file;
  try {
    file = JSON.parse(quoted);
  } catch {
    throw new Error(t("flow.signed.not_json"));
  }
  const keys = file && typeof file === "object" && !Array.isArray(file) ? Object.keys(file).sort() : [];
  if (keys.join() !== [...KEYS].sort().join()) throw new Error(t("flow.signed.keys", { keys: KEYS.join(", ") }));
  const damaged = (field) => new Error(t("flow.signed.damaged", { field }));
  const terms = {};
  for (const key of INTEGERS) {
    if (typeof file[key] !== "string" || !/^#\d+$/.test(file[key])) throw damaged(key);
    terms[key] = BigInt(file[key].slice(1));
  }
  if (terms.level < 1n || terms.level > 255n) throw damaged("level");
  if (terms.expiresAt < 1n || terms.expiresAt > NEVER) throw damaged("expiresAt");
  if (terms.deadline < 1n || terms.deadline >= 2n ** 256n) throw damaged("deadline");
  for (const key of ["reputation", "account", "attester"]) {
    if (typeof file[key] !== "string" || !isAddress(file[key])) throw damaged(key); // mixed case: checksummed
    terms[key] = file[key];
  }
  if (typeof file.signature !== "string" || !/^0x[0-9a-fA-F]{130}$/.test(file.signature)) throw damaged("signature");
  terms.signature = file.signature;
  return terms;
}

function check(form, account) {
  const terms = readAttestation(form.elements.attestation.value);
  const here = settings();
  if (terms.chainId !== BigInt(here.chainId)) {
    throw new Error(t("flow.signed.other_chain", { chainId: terms.chainId, here: here.chainId }));
  }
  const ledger = contract("Reputation").address;
  if (terms.reputation.toLowerCase() !== ledger.toLowerCase()) {
    throw new Error(t("flow.signed.other_ledger", { reputation: terms.reputation, here: ledger }));
  }
  if (terms.account.toLowerCase() !== account.toLowerCase()) {
    throw new Error(t("flow.signed.other_account", { account: terms.account }));
  }
  return terms;
}

export default {
  name: "submit-attestation",
  async validate(form) {
    check(form, form.closest("[data-wallet-actions]").dataset.account);
  },
  async run(ctx) {
    const a = check(ctx.form, ctx.data.account);
    const args = [a.account, Number(a.level), a.expiresAt, a.attester, a.deadline, a.signature];
    await ctx.send(ctx.contract("Reputation"), "attestBySig", args);
    return t("flow.signed.done", { level: a.level });
  },
};
