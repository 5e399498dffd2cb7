// The chain and the contracts, as the server's deployment record describes them (/web/chain.json): nothing
// here is copied by hand, so a function or an error added to a contract reaches the pages by itself.
// Bare clients and tree-shaken actions (viem/actions) keep the bundle to what the flows call.
import { createClient, custom, defineChain, erc20Abi, http } from "viem";
import { readContract } from "viem/actions";
import { t } from "./i18n.js";

let config = null;
let errorsAbi = [];

export async function loadChain() {
  config = await (await fetch("/web/chain.json")).json();
  // Every error any of our ABIs knows (a token's errors bubble up through the contracts that call it).
  const seen = new Set();
  const abis = [...Object.values(config.contracts || {}).map((c) => c.abi), config.tokenAbi || []];
  for (const abi of abis) {
    for (const item of abi) {
      if (item.type !== "error") continue;
      const signature = `${item.name}(${item.inputs.map((input) => input.type).join(",")})`;
      if (!seen.has(signature)) {
        seen.add(signature);
        errorsAbi.push(item);
      }
    }
  }
  return config;
}

export function settings() {
  return config;
}

export function chain() {
  return defineChain({
    id: config.chainId,
    name: config.network,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
  });
}

let reader = null;
export function publicClient() {
  reader ??= createClient({ chain: chain(), transport: http(config.rpcUrl) });
  return reader;
}

export function walletClient(account) {
  return createClient({ account, chain: chain(), transport: custom(window.ethereum) });
}

/** A deployed contract by its name in the deployment record, with every known error in its ABI. */
export function contract(name) {
  const entry = config.contracts[name];
  if (!entry) throw new Error(`The deployment record has no ${name} contract`);
  return { address: entry.address, abi: [...entry.abi.filter((item) => item.type !== "error"), ...errorsAbi] };
}

// USDT and other tokens return nothing from these (the standard says a bool): what they return is never read.
const UNREAD_RESULTS = new Set(["approve", "transfer", "transferFrom"]);

/** An ERC-20 at `address`, with every known error in its ABI. */
export function token(address) {
  const abi = config.tokenAbi
    .filter((item) => item.type !== "error")
    .map((item) => (item.type === "function" && UNREAD_RESULTS.has(item.name) ? { ...item, outputs: [] } : item));
  return { address, abi: [...abi, ...errorsAbi] };
}

/** A token's decimals() as a number, or null when it cannot be read. Never a guess: a 6-decimal token's
 * amounts read with 18 decimals ask 10**12 times too much. */
export async function tokenDecimals(address) {
  return readContract(publicClient(), { address, abi: erc20Abi, functionName: "decimals" }).catch(() => null);
}

/** The ABI entry of a contract function, e.g. to read the components of launch's parameters. */
function functionAbi(name, functionName) {
  return config.contracts[name].abi.find((item) => item.type === "function" && item.name === functionName);
}

/** A function's struct parameter (launch's LaunchParams, a post's TaskParams), read from the ABI at run time,
 * each field filled by the entry of the same name in `fields`: a field the contract gains later is refused by
 * name until the form has it. */
export function structArgument(name, functionName, fields, value) {
  const params = {};
  for (const component of functionAbi(name, functionName).inputs[0].components) {
    const fill = fields[component.name];
    if (!fill) throw new Error(t("flow.launch.unknown_field", { field: component.name }));
    params[component.name] = fill(value);
  }
  return params;
}
