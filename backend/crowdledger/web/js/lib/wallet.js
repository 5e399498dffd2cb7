// The browser's wallet (any EIP-1193 provider): connect, and switch to the chain the contracts are on,
// adding it to the wallet first when the wallet does not know it (error 4902).
import { getAddress, toHex } from "viem";
import { settings } from "./chain.js";

export function provider() {
  if (!window.ethereum) throw Object.assign(new Error("no wallet"), { code: "NO_WALLET" });
  return window.ethereum;
}

export async function connectedAccount() {
  if (!window.ethereum) return null;
  const accounts = await window.ethereum.request({ method: "eth_accounts" });
  return accounts.length ? getAddress(accounts[0]) : null;
}

export async function connect() {
  const accounts = await provider().request({ method: "eth_requestAccounts" });
  return getAddress(accounts[0]);
}

function unknownChain(error) {
  return error?.code === 4902 || error?.data?.originalError?.code === 4902;
}

/** Returns true when the wallet had to switch. */
export async function ensureChain() {
  const wanted = settings().chainId;
  const current = Number.parseInt(await provider().request({ method: "eth_chainId" }), 16);
  if (current === wanted) return false;
  const chainId = toHex(wanted);
  try {
    await provider().request({ method: "wallet_switchEthereumChain", params: [{ chainId }] });
  } catch (error) {
    if (!unknownChain(error)) throw error;
    await provider().request({
      method: "wallet_addEthereumChain",
      params: [
        {
          chainId,
          chainName: `CrowdLedger ${settings().network}`,
          nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
          rpcUrls: [settings().rpcUrl],
        },
      ],
    });
    await provider().request({ method: "wallet_switchEthereumChain", params: [{ chainId }] });
  }
  return true;
}
