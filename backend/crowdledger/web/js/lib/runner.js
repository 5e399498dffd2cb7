// The transaction runner every flow uses. It shows each step as it happens (connect → switch network →
// check → approve or sign → send → confirmed), the pending transaction's hash, and a message in words when
// anything fails. Nothing is sent that a call to the contract says would fail: each transaction is
// simulated first (eth_call), and a refusal is shown by the error's name instead of asking the wallet.
import {
  ContractFunctionRevertedError,
  ExecutionRevertedError,
  WaitForTransactionReceiptTimeoutError,
  encodeFunctionData,
  erc20Abi,
  formatUnits,
} from "viem";
import {
  call,
  readContract,
  signTypedData,
  simulateContract,
  waitForTransactionReceipt,
  writeContract,
} from "viem/actions";
import { chain, contract, publicClient, settings, token, walletClient } from "./chain.js";
import { explain } from "./errors.js";
import { t } from "./i18n.js";
import { connect, ensureChain } from "./wallet.js";

const SILENT_REVERT = "(a revert without data)";

// How a call that takes a token is refused when only the allowance is missing: the standard error, SafeERC20's
// for a token that returns false, or no word at all (USDT and others revert without data). Such a call is
// checked again once the approval is made, so a refusal for any other reason still stops it unsent.
const ALLOWANCE_MISSING = ["ERC20InsufficientAllowance", "SafeERC20FailedOperation", SILENT_REVERT];

class Panel {
  constructor() {
    this.root = document.getElementById("tx");
    this.root.replaceChildren();
    delete this.root.dataset.state; // a new run: neither done nor failed yet
    this.root.hidden = false;
    this.list = document.createElement("ol");
    this.message = document.createElement("p");
    const close = document.createElement("button");
    close.type = "button";
    close.className = "secondary";
    close.textContent = t("wallet.close");
    close.addEventListener("click", () => {
      this.root.hidden = true;
    });
    this.root.append(this.list, this.message, close);
    this.current = null;
  }

  begin(key, params) {
    if (this.current) this.current.className = "done";
    const item = document.createElement("li");
    item.className = "now";
    item.textContent = t(key, params);
    item.dataset.step = key;
    this.list.append(item);
    this.current = item;
  }

  pending(hash) {
    const line = document.createElement("p");
    line.className = "hash";
    line.textContent = `${t("wallet.pending")} ${hash}`;
    line.dataset.hash = hash;
    this.root.insertBefore(line, this.message);
  }

  finish(text) {
    if (this.current) this.current.className = "done";
    this.message.className = "done";
    this.message.textContent = text;
    this.root.dataset.state = "done";
  }

  fail(text) {
    if (this.current) this.current.className = "failed";
    this.message.className = "error";
    this.message.textContent = text;
    this.root.dataset.state = "failed";
  }

  /** Sent, and not known to be mined or not: neither done nor failed. */
  unsure(text) {
    this.message.className = "unsure";
    this.message.textContent = text;
    this.root.dataset.state = "unsure";
  }
}

/** A transaction sent and not mined in the time waited: it may still be. */
class NotMined extends Error {}

/** What a flow works with: the connected account, the page's money, and send/sign helpers. */
export class Context {
  constructor(panel, account, form) {
    this.panel = panel;
    this.account = account;
    this.form = form;
    this.data = { ...(form.closest("[data-wallet-actions]")?.dataset || {}), ...form.dataset };
    this.money = this.data.decimals ? { symbol: this.data.symbol, decimals: Number(this.data.decimals) } : null;
    this.wallet = walletClient(account);
    this.reader = publicClient();
  }

  contract(name) {
    return contract(name);
  }

  token(address) {
    return token(address);
  }

  /** Throws the token's refusal in words (ERC20InsufficientBalance) unless this account holds `amount` of
   * it; `money` ({ decimals, symbol }) says how to write the amounts, the page's by default. */
  async checkBalance(tokenContract, amount, money = this.money) {
    const balance = await readContract(this.reader, {
      ...tokenContract, functionName: "balanceOf", args: [this.account],
    });
    if (balance < amount) {
      const show = (units) => [formatUnits(units, money.decimals), money.symbol].filter(Boolean).join(" ");
      throw new Error(t("error.ERC20InsufficientBalance", { balance: show(balance), needed: show(amount) }));
    }
  }

  /** Let `spender` take `amount` of a token from this account, approving only when the allowance is short.
   * USDT and others refuse to change an allowance that is not zero into another that is not: when the
   * approval would be refused so, the allowance is set to zero first. */
  async allow(tokenContract, spender, amount) {
    const allowance = await readContract(this.reader, {
      ...tokenContract, functionName: "allowance", args: [this.account, spender],
    });
    if (allowance >= amount) return;
    const approve = (value) => ({ ...tokenContract, functionName: "approve", args: [spender, value] });
    if (allowance > 0n) {
      const refused = await simulateContract(this.reader, { ...approve(amount), account: this.account }).then(
        () => false,
        () => true,
      );
      if (refused) await this.send(tokenContract, "approve", [spender, 0n], { step: "wallet.step.approve" });
    }
    await this.send(tokenContract, "approve", [spender, amount], { step: "wallet.step.approve" });
  }

  /** Simulate a call as this account; throws the contract's error unless its name is in `tolerate`
   * (SILENT_REVERT names a revert without data), and returns the name of a refusal tolerated. */
  async check(target, functionName, args, value, tolerate = []) {
    this.panel.begin("wallet.step.check");
    try {
      await simulateContract(this.reader, { ...target, functionName, args, value, account: this.account });
    } catch (error) {
      const name = error?.walk?.((cause) => cause?.data?.errorName)?.data?.errorName;
      const revert = error?.walk?.((cause) => cause instanceof ContractFunctionRevertedError);
      const refusal = name ?? (revert && !revert.signature ? SILENT_REVERT : undefined);
      if (!tolerate.includes(refusal)) throw error;
      return refusal;
    }
    return undefined;
  }

  /** Simulate a call that has `target` take `amount` of a token from this account, before an approval or a
   * permit is asked for: every refusal but the missing allowance stops here. SafeERC20's refusal and a revert
   * without data may as well be the token refusing to move the amount at all (paused, or an address it
   * blocks, as USDT and USDC can): the token is then asked to transfer it itself, so that no approval is paid
   * for a call it would refuse anyway. */
  async checkAllButAllowance(target, functionName, args, value, tokenContract, amount, money = this.money) {
    const refusal = await this.check(target, functionName, args, value, ALLOWANCE_MISSING);
    if (refusal === undefined || refusal === "ERC20InsufficientAllowance") return;
    const data = encodeFunctionData({ abi: erc20Abi, functionName: "transfer", args: [target.address, amount] });
    // As SafeERC20 reads a transfer: nothing returned, or a first word of exactly 1. A revert is a refusal;
    // any other failure (the node unreachable, a rate limit) is not the token's word and is shown as itself.
    const moves = await call(this.reader, { account: this.account, to: tokenContract.address, data }).then(
      ({ data: answer }) => !answer || answer === "0x" || (answer.length >= 66 && BigInt(answer.slice(0, 66)) === 1n),
      (error) => {
        if (error?.walk?.((cause) => cause instanceof ExecutionRevertedError)) return false;
        throw error;
      },
    );
    if (!moves) {
      const shown = [formatUnits(amount, money.decimals), money.symbol].filter(Boolean).join(" ");
      throw new Error(t("error.token_refuses", { amount: shown, spender: target.address }));
    }
  }

  /** Check, then send, then wait for the receipt. Returns the receipt. */
  async send(target, functionName, args, { value, step = "wallet.step.submit" } = {}) {
    await this.check(target, functionName, args, value);
    this.panel.begin(step);
    const hash = await writeContract(this.wallet, {
      ...target, functionName, args, value, account: this.account, chain: chain(),
    });
    this.panel.pending(hash);
    this.panel.begin("wallet.step.confirmed");
    let replacement = null;
    const receipt = await waitForTransactionReceipt(this.reader, {
      hash,
      onReplaced: (replaced) => {
        replacement = replaced;
      },
    }).catch((error) => {
      // Not mined in viem's three minutes is not "failed": it may still be, and a backer told it failed
      // would send it again (two pledges).
      if (error instanceof WaitForTransactionReceiptTimeoutError) throw new NotMined(t("wallet.not_mined"));
      throw error;
    });
    // A wallet's "speed up" sends the same call at a higher price (repriced); its "cancel" sends another
    // transaction with the same nonce, whose receipt viem returns: that one did not do what was asked.
    if (replacement && replacement.reason !== "repriced") throw new Error(t("wallet.replaced"));
    if (receipt.status !== "success") throw new Error(t("wallet.reverted"));
    return receipt;
  }

  /** Ask the wallet for an EIP-712 signature (eth_signTypedData_v4). */
  async signTypedData(typedData) {
    this.panel.begin("wallet.step.sign");
    return signTypedData(this.wallet, { account: this.account, ...typedData });
  }
}

let busy = false;

export async function runFlow(flow, form) {
  if (busy) return;
  busy = true;
  const panel = new Panel();
  const money = form.closest("[data-wallet-actions]")?.dataset;
  const moneyInfo = money?.decimals ? { symbol: money.symbol, decimals: Number(money.decimals) } : null;
  try {
    await flow.validate?.(form); // throws a message before any wallet prompt
    panel.begin("wallet.step.connect");
    const account = await connect();
    document.dispatchEvent(new CustomEvent("crowdledger:account", { detail: account }));
    panel.begin("wallet.step.switch", { network: `${settings().network} (${settings().chainId})` });
    await ensureChain();
    const done = await flow.run(new Context(panel, account, form));
    panel.finish(done || t("wallet.done"));
  } catch (error) {
    if (error instanceof NotMined) panel.unsure(error.message);
    else panel.fail(explain(error, moneyInfo));
  } finally {
    busy = false;
  }
}
