import { parseUnits } from "viem";
import { t } from "./i18n.js";

/** A form's decimal text as the token's smallest unit; a message (thrown) unless it is a positive amount. */
export function parseAmount(text, decimals) {
  const clean = String(text || "").trim();
  const fraction = clean.split(".")[1] || "";
  if (!/^\d*\.?\d+$/.test(clean) || fraction.length > decimals || parseUnits(clean, decimals) <= 0n) {
    throw new Error(t("flow.bad_amount", { decimals }));
  }
  return parseUnits(clean, decimals);
}
