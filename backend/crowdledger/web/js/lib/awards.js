// A contest's award, as the forms give it and as the chain holds it. Shares are typed in % (up to 2 decimals)
// and sent in basis points; a proposed award is read back from the task's last AwardProposed event whose
// arrays hash to the decision Bounty holds (as the CLI's `co-review` does), so nobody types it twice.
import { encodeAbiParameters, keccak256 } from "viem";
import { getContractEvents, readContract } from "viem/actions";
import { contract, publicClient, settings } from "./chain.js";
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

function decisionOf(winners, sharesBps) {
  return keccak256(encodeAbiParameters([{ type: "address[]" }, { type: "uint16[]" }], [winners, sharesBps]));
}

/** The award the requester proposed for `taskId`, as { winners, sharesBps }; throws a message if none. */
export async function proposedAward(taskId) {
  const bounty = contract("Bounty");
  const reader = publicClient();
  const proposal = await readContract(reader, { ...bounty, functionName: "awardProposal", args: [taskId] });
  if (/^0x0+$/.test(proposal.decision)) throw new Error(t("flow.award.none"));
  const logs = await getContractEvents(reader, {
    ...bounty,
    eventName: "AwardProposed",
    args: { taskId },
    fromBlock: BigInt(settings().startBlock || 0),
  });
  for (const log of logs.reverse()) {
    const { winners, sharesBps } = log.args;
    const shares = sharesBps.map(Number);
    if (decisionOf(winners, shares) === proposal.decision) return { winners: [...winners], sharesBps: shares };
  }
  throw new Error(t("flow.award.not_found"));
}

/** "0x1234…abcd 60%, 0x5678…ef01 40%": an award in words for the finishing message. */
export function describe({ winners, sharesBps }) {
  return winners.map((w, i) => `${w.slice(0, 6)}…${w.slice(-4)} ${sharesBps[i] / 100}%`).join(", ");
}

/** Shows the proposed award in the form's <output data-proposal>, as the page opens: what a confirmation or a
 * finalization would carry out. */
export async function showProposal(form) {
  const output = form.querySelector("output[data-proposal]");
  const taskId = form.closest("[data-wallet-actions]")?.dataset.task;
  if (!output || !taskId) return;
  try {
    output.value = describe(await proposedAward(BigInt(taskId)));
  } catch (error) {
    output.value = error.message;
  }
}
