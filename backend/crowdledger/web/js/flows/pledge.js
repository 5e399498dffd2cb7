// Pledge to a campaign: ETH sent with the call; a token either approved first (two transactions) or with
// one EIP-2612 permit signature (approved after all when the token offers no permit). A repeat pledge
// naming another tier moves the backer to it (changes tier); one that names none keeps the tier held: the
// contract reads tier 0 as "give up my reward place", and a backer adding to a pledge with the form's
// default would otherwise lose theirs without being asked.
import { parseSignature } from "viem";
import { getBlock, readContract } from "viem/actions";
import { parseAmount } from "../lib/amounts.js";
import { contract, publicClient } from "../lib/chain.js";
import { t } from "../lib/i18n.js";

const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};
const PERMIT_SECONDS = 3600n;
const ETH = "0x0000000000000000000000000000000000000000";

/** What a permit for `tokenContract` is signed against (its EIP-712 domain, from EIP-5267, and the
 * backer's nonce), or null when the token offers no permit: many stablecoins do not, and then the pledge
 * takes the approval's two transactions instead of failing on a call the token does not have. */
async function permitTerms(ctx, tokenContract) {
  try {
    const [[, name, version, chainId, verifyingContract], nonce] = await Promise.all([
      readContract(ctx.reader, { ...tokenContract, functionName: "eip712Domain" }),
      readContract(ctx.reader, { ...tokenContract, functionName: "nonces", args: [ctx.account] }),
    ]);
    return { domain: { name, version, chainId: Number(chainId), verifyingContract }, nonce };
  } catch {
    return null;
  }
}

/** The tier `account` holds in the campaign (0 for none, or no pledge yet). */
async function heldTier(crowdfund, campaignId, account) {
  const [, tierId] = await readContract(publicClient(), {
    ...crowdfund, functionName: "pledges", args: [campaignId, account],
  });
  return BigInt(tierId);
}

export default {
  name: "pledge",
  enhance(form) {
    const select = form.elements.tier;
    select?.addEventListener("change", () => {
      select.dataset.chosen = "true"; // the backer's own choice from now on, "No reward" included
    });
  },
  /** Show the tier the connected backer holds as the one the form will keep (offered even when sold out:
   * the holder keeps their place). Called again when the wallet switches account: what the last account held
   * is not this one's, and an answer about an account no longer connected is dropped. */
  async forAccount(form, account) {
    const select = form.elements.tier;
    if (!select) return;
    const previous = select.dataset.account ?? "";
    select.dataset.account = account ?? "";
    if (previous && previous !== select.dataset.account) {
      // Another account than the one the form was fitted to: neither that one's tier nor the choice made for
      // it is this one's. (A choice made before the first connection is kept: it is this account's.)
      delete select.dataset.chosen;
      const reopened = select.querySelector("option[data-reopened]");
      if (reopened) {
        reopened.disabled = true;
        delete reopened.dataset.reopened;
      }
    }
    if (select.dataset.chosen) return;
    select.value = "0";
    const asked = (select.dataset.asked = String(Number(select.dataset.asked ?? 0) + 1));
    if (!account) return;
    const data = form.closest("[data-wallet-actions]").dataset;
    const held = await heldTier(contract("Crowdfund"), BigInt(data.campaign), account);
    if (select.dataset.asked !== asked || select.dataset.chosen) return;
    const option = [...select.options].find((o) => o.value === String(held));
    if (held === 0n || !option) return;
    if (option.disabled) {
      option.disabled = false;
      option.dataset.reopened = "true";
    }
    select.value = option.value;
  },
  validate(form) {
    const data = form.closest("[data-wallet-actions]").dataset;
    parseAmount(form.elements.amount.value, Number(data.decimals));
  },
  async run(ctx) {
    const crowdfund = ctx.contract("Crowdfund");
    const campaignId = BigInt(ctx.data.campaign);
    const select = ctx.form.elements.tier;
    const tier = select?.dataset.chosen
      ? BigInt(select.value || 0)
      : await heldTier(crowdfund, campaignId, ctx.account); // untouched: keep what is held (none at first)
    const amount = parseAmount(ctx.form.elements.amount.value, ctx.money?.decimals);
    if (ctx.data.token === ETH) {
      await ctx.send(crowdfund, "pledge", [campaignId, tier, amount], { value: amount });
      return;
    }
    const tokenContract = ctx.token(ctx.data.token);
    await ctx.checkBalance(tokenContract, amount);
    const method = ctx.form.elements.method?.value || "permit";
    // The campaign's own rules first; the allowance is what the next step provides.
    await ctx.checkAllButAllowance(crowdfund, "pledge", [campaignId, tier, amount], undefined, tokenContract, amount);
    const permit = method === "permit" ? await permitTerms(ctx, tokenContract) : null;
    if (!permit) {
      await ctx.allow(tokenContract, crowdfund.address, amount);
      await ctx.send(crowdfund, "pledge", [campaignId, tier, amount]);
      return;
    }
    const block = await getBlock(ctx.reader);
    const deadline = block.timestamp + PERMIT_SECONDS; // the chain's clock, not the browser's
    const signature = await ctx.signTypedData({
      domain: permit.domain,
      types: PERMIT_TYPES,
      primaryType: "Permit",
      message: { owner: ctx.account, spender: crowdfund.address, value: amount, nonce: permit.nonce, deadline },
    });
    const { r, s, v, yParity } = parseSignature(signature);
    const recovery = Number(v ?? BigInt(yParity + 27));
    await ctx.send(crowdfund, "pledgeWithPermit", [campaignId, tier, amount, deadline, recovery, r, s]);
  },
};
