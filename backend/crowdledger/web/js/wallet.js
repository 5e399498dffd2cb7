// The wallet layer: loaded only on pages with actions. Each <form data-flow="NAME"> runs the flow module of
// that name through the transaction runner. A new flow is one module in flows/ and one line in FLOWS.
import addTier from "./flows/add-tier.js";
import appealPlace from "./flows/appeal-place.js";
import approveByDefault from "./flows/approve-by-default.js";
import arbitrateAward from "./flows/arbitrate-award.js";
import arbitratePlace from "./flows/arbitrate-place.js";
import attest from "./flows/attest.js";
import award from "./flows/award.js";
import cancel from "./flows/cancel.js";
import claim from "./flows/claim.js";
import closeVote from "./flows/close-vote.js";
import coReviewAward from "./flows/co-review-award.js";
import coReviewPlace from "./flows/co-review-place.js";
import commitEntry from "./flows/commit-entry.js";
import confirmDelivery from "./flows/confirm-delivery.js";
import finalizeAward from "./flows/finalize-award.js";
import finalizePlace from "./flows/finalize-place.js";
import launch from "./flows/launch.js";
import openVote from "./flows/open-vote.js";
import pledge from "./flows/pledge.js";
import postTask from "./flows/post-task.js";
import raiseSupply from "./flows/raise-supply.js";
import rateCreator from "./flows/rate-creator.js";
import refund from "./flows/refund.js";
import reportNotDelivered from "./flows/report-not-delivered.js";
import reviewPlace from "./flows/review-place.js";
import revealEntry from "./flows/reveal-entry.js";
import revokeAttestation from "./flows/revoke-attestation.js";
import splitByDefault from "./flows/split-by-default.js";
import submitAttestation from "./flows/submit-attestation.js";
import submitWork from "./flows/submit-work.js";
import take from "./flows/take.js";
import unpledge from "./flows/unpledge.js";
import voidSignatures from "./flows/void-signatures.js";
import vote from "./flows/vote.js";
import reclaim from "./flows/reclaim.js";
import recordFailure from "./flows/record-failure.js";
import withdraw from "./flows/withdraw.js";
import { getAddress } from "viem";
import { loadChain } from "./lib/chain.js";
import { loadMessages, t } from "./lib/i18n.js";
import { runFlow } from "./lib/runner.js";
import { connect, connectedAccount, ensureChain } from "./lib/wallet.js";
import { explain } from "./lib/errors.js";

const FLOWS = Object.fromEntries(
  [pledge, unpledge, refund, vote, claim, addTier, raiseSupply, openVote, cancel, launch, take, submitWork,
    commitEntry, revealEntry, withdraw, reclaim, confirmDelivery, reportNotDelivered,
    rateCreator, reviewPlace, coReviewPlace, appealPlace, arbitratePlace, postTask,
    award, coReviewAward, arbitrateAward, finalizeAward, attest, revokeAttestation, approveByDefault,
    finalizePlace, splitByDefault, closeVote, recordFailure, submitAttestation, voidSignatures].map(
    (flow) => [flow.name, flow],
  ),
);

const enhanced = []; // [flow, form] of each form on the page

function showAccount(account) {
  const label = document.getElementById("account");
  if (label) label.textContent = account ? t("wallet.connected", { account: `${account.slice(0, 6)}…${account.slice(-4)}` }) : "";
  // What only one party may do (the creator's claim, the requester's award, the arbiter's ruling...) is shown to
  // that account alone: to anyone else the contract would refuse it.
  for (const section of document.querySelectorAll("[data-only-for]")) {
    const allowed = section.dataset.onlyFor.toLowerCase().split(",");
    section.hidden = !account || !allowed.includes(account.toLowerCase());
  }
  // And what everyone but some may do (a vote, for any backer but the creator; work, for anyone but the
  // task's reviewers) is hidden from those.
  for (const section of document.querySelectorAll("[data-not-for]")) {
    const refused = section.dataset.notFor.toLowerCase().split(",");
    section.hidden = Boolean(account) && refused.includes(account.toLowerCase());
  }
  // A flow may fit its form to the account (the pledge form shows the tier the backer holds).
  for (const [flow, form] of enhanced) flow.forAccount?.(form, account)?.catch(() => {});
}

async function start() {
  await Promise.all([loadChain(), loadMessages()]);
  if (!window.ethereum) {
    for (const note of document.querySelectorAll("[data-wallet-missing]")) note.hidden = false;
    const button = document.getElementById("connect");
    if (button) button.hidden = true;
    return;
  }
  for (const section of document.querySelectorAll("[data-wallet-actions]")) section.hidden = false;
  for (const form of document.querySelectorAll("form[data-flow]")) {
    const flow = FLOWS[form.dataset.flow];
    if (!flow) continue;
    flow.enhance?.(form);
    enhanced.push([flow, form]);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      runFlow(flow, form);
    });
  }
  document.addEventListener("crowdledger:account", (event) => showAccount(event.detail));
  const button = document.getElementById("connect");
  if (button) button.disabled = false; // rendered disabled: a click before this script is ready would be lost
  button?.addEventListener("click", async () => {
    try {
      const account = await connect();
      await ensureChain();
      showAccount(account);
    } catch (error) {
      const label = document.getElementById("account");
      if (label) label.textContent = explain(error);
    }
  });
  // An account switched (or disconnected) in the wallet shows at once, with what it may do: the page must not
  // keep offering the old account's forms. (Each flow asks the wallet for its account again when it runs.)
  window.ethereum.on?.("accountsChanged", (accounts) => showAccount(accounts?.length ? getAddress(accounts[0]) : null));
  showAccount(await connectedAccount());
  document.body.dataset.wallet = "ready";
}

start();
