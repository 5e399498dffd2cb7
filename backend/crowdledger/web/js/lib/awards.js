// A contest's award, as the forms give it and as the index holds it. Shares are typed in % (up to 2 decimals)
// and sent in basis points; a proposed award is handed over by the task page (data-proposal-winners and
// data-proposal-shares, from the indexed AwardProposed), so nobody types it twice and no log is scanned here.
import { t } from "./i18n.js";

const FULL = 10_000;

/** The winners and shares (bps) of a form's share inputs; throws a message unless they add up to 100%. */
export function sharesFromForm(form) {
  const winners = [];
  const sharesBps = [];
  let sum = 0;
  let bad = false;
  for (const input of form.querySelectorAll("input[data-worker]")) {
    const text = input.value.trim();
    if (!text || Number(text) === 0) continue;
    const share = Number(text);
    if (!/^\d+(\.\d{1,2})?$/.test(text) || !(share > 0)) bad = true;
    if (Number.isFinite(share)) sum += share;
    winners.push(input.dataset.worker);
    sharesBps.push(Math.round(share * 100));
  }
  const total = sharesBps.reduce((a, b) => a + b, 0);
  if (bad || !winners.length || total !== FULL) {
    throw new Error(t("flow.award.shares", { sum: Math.round(sum * 100) / 100 }));
  }
  return { winners, sharesBps };
}

/** The award the requester proposed, as { winners, sharesBps }, from the page's data attributes (the wallet
 * actions' dataset, `ctx.data`); throws a message if the page shows none. */
export function proposedAward(data) {
  if (!data.proposalWinners) throw new Error(t("flow.award.none"));
  return {
    winners: data.proposalWinners.split(","),
    sharesBps: data.proposalShares.split(",").map(Number),
  };
}

/** "0x1234…abcd 60%, 0x5678…ef01 40%": an award in words for the finishing message. */
export function describe({ winners, sharesBps }) {
  return winners.map((w, i) => `${w.slice(0, 6)}…${w.slice(-4)} ${sharesBps[i] / 100}%`).join(", ");
}
