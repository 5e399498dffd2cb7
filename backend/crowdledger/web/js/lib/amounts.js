import { parseUnits } from "viem";
import { t } from "./i18n.js";

/** A form's decimal text as the token's smallest unit; a message (thrown) unless it is a positive amount.
 * `decimals` is undefined when the page could not learn the token's: then nothing may be written in it (a
 * guess of 18 priced a 6-decimal token's tier 10**12 times too high). */
export function parseAmount(text, decimals) {
  if (!Number.isInteger(decimals)) throw new Error(t("flow.token_unknown"));
  const clean = String(text || "").trim();
  const fraction = clean.split(".")[1] || "";
  if (!/^\d*\.?\d+$/.test(clean) || fraction.length > decimals || parseUnits(clean, decimals) <= 0n) {
    throw new Error(t("flow.bad_amount", { decimals }));
  }
  return parseUnits(clean, decimals);
}

/** A percentage as written ("12.5") in basis points, or null unless it has at most two decimals: what the
 * contracts take (12.345% was sent as 1235 bps, and 33.333 × 3 as milestones the contract refused). */
export function parseBps(text) {
  const clean = String(text ?? "").trim();
  return /^\d+(\.\d{1,2})?$/.test(clean) ? Math.round(Number(clean) * 100) : null;
}
