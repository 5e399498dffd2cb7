// Every failure in words: a contract error by its name (texts in the catalogues, key error.NAME, with the
// error's own arguments formatted), a request the user declined in the wallet (EIP-1193 code 4001), or
// whatever else the wallet or the chain said.
import { BaseError, ContractFunctionRevertedError, formatUnits } from "viem";
import { has, t } from "./i18n.js";

const TIMES = new Set([
  "startsAt", "latest", "endsAt", "time", "deadline", "opensAt", "reviewEndsAt", "reclaimableAt", "expiresAt",
  "expiredAt", "now_", "endedAt", "finalAt", "deliveryDate", "earliest",
]);
const AMOUNTS = new Set([
  "sent", "expected", "pledgeTotal", "price", "raisedAfter", "goal", "amount", "allowance", "needed", "balance",
  "received",
]);
const BPS = new Set(["quorumBps", "sumBps", "feeBps", "weightBps"]);
const BPS_BOUNDS = new Set(["QuorumOutOfRange", "WeightAboveFull"]); // their min and max are basis points too
const DURATIONS = /Duration|ReviewPeriod|WorkWindow/;

export class Declined extends Error {}

export function declined(error) {
  if (error instanceof Declined || error?.code === 4001) return true;
  return error instanceof BaseError && Boolean(error.walk((cause) => cause?.code === 4001));
}

function duration(seconds) {
  const days = Number(seconds) / 86400;
  return days >= 1 ? t("time.days", { days: Math.round(days * 10) / 10 }) : `${Number(seconds) / 3600} h`;
}

function formatArgument(errorName, input, value, money) {
  const name = input.name;
  if (input.internalType?.startsWith("enum ")) {
    const key = `enum.${input.internalType.slice(5)}.${value}`;
    return has(key) ? t(key) : String(value);
  }
  if (input.type === "address") return `${value.slice(0, 6)}…${value.slice(-4)}`;
  if (TIMES.has(name)) return new Date(Number(value) * 1000).toLocaleString();
  if (AMOUNTS.has(name) && money) return `${formatUnits(value, money.decimals)} ${money.symbol}`;
  if (BPS.has(name) || (BPS_BOUNDS.has(errorName) && ["min", "max"].includes(name))) {
    return `${Number(value) / 100}%`;
  }
  if (DURATIONS.test(errorName) && ["duration", "min", "max", "reviewPeriod", "workWindow"].includes(name)) {
    return duration(value);
  }
  return String(value);
}

/** The contract error inside `error`, if any: { name, text }. `money` = { symbol, decimals } of the page. */
export function contractError(error, money) {
  if (!(error instanceof BaseError)) return null;
  const revert = error.walk((cause) => cause instanceof ContractFunctionRevertedError);
  if (!revert) return null;
  const data = revert.data;
  if (!data?.errorName) {
    return { name: revert.signature || "revert", text: t("wallet.unknown_error", { name: revert.signature || "?" }) };
  }
  const key = `error.${data.errorName}`;
  if (!has(key)) return { name: data.errorName, text: t("wallet.unknown_error", { name: data.errorName }) };
  const params = {};
  (data.abiItem?.inputs || []).forEach((input, i) => {
    params[input.name] = formatArgument(data.errorName, input, data.args?.[i], money);
  });
  return { name: data.errorName, text: t(key, params) };
}

export function explain(error, money) {
  if (declined(error)) return t("wallet.rejected");
  const known = contractError(error, money);
  if (known) return known.text;
  if (error?.code === "NO_WALLET") return t("wallet.missing");
  if (error instanceof BaseError) return error.shortMessage;
  return error?.message || String(error);
}
