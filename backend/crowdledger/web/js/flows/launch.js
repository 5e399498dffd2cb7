// A creator launches a campaign. The form is checked here first (the contract's own limits), the metadata
// document (title, description, each tier's name and description) is built and hashed in the page, and the
// launch is simulated before the wallet is asked to sign.
//
// LaunchParams is read from the contract's ABI at run time and each of its fields is filled by the entry of
// the same name in FIELDS: a field the contract gains later (a delivery date, a vote mode) is one entry here
// and one input in templates/launch.html; until then the form says which field it lacks.
import { keccak256, parseEventLogs, toBytes } from "viem";
import { getBlock } from "viem/actions";
import { parseAmount, parseBps } from "../lib/amounts.js";
import { publicClient, structArgument, tokenDecimals } from "../lib/chain.js";
import { t } from "../lib/i18n.js";

const ETH = "0x0000000000000000000000000000000000000000";
const DAY = 86400;
// Crowdfund's MIN_DURATION, MAX_DURATION, MAX_START_DELAY, MAX_QUORUM_BPS (as %) and MAX_DELIVERY_WAIT
const LIMITS = { minDays: 1, maxDays: 90, maxStartDays: 90, maxQuorum: 50, maxDeliveryDays: 730 };
const DEFAULT_DELIVERY_DAYS = 30; // an empty delivery date: this long after the deadline
const PLEDGE_WEIGHTED = 0; // Crowdfund.VoteMode; 1 is one vote per verified identity

function seconds(value) {
  return value ? Math.floor(new Date(value).getTime() / 1000) : 0;
}

function tierRows(form) {
  return [...form.querySelectorAll("[data-tier-row]")]
    .map((row) => ({
      name: row.querySelector("[name=tierName]").value.trim(),
      description: row.querySelector("[name=tierDescription]").value.trim(),
      price: row.querySelector("[name=tierPrice]").value.trim(),
      supply: row.querySelector("[name=tierSupply]").value.trim() || "0",
    }))
    .filter((tier) => tier.name || tier.price);
}

/** The metadata document exactly as hashed: its bytes, the data: URI holding them, and keccak256. */
export function metadataDocument(form) {
  const document_ = {
    title: form.elements.title.value.trim(),
    description: form.elements.description.value.trim(),
    tiers: tierRows(form).map(({ name, description }) => ({ name, description })),
  };
  const bytes = toBytes(JSON.stringify(document_));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return { bytes, uri: `data:application/json;base64,${btoa(binary)}`, hash: keccak256(bytes) };
}

const FIELDS = {
  token: (v) => v.token,
  goal: (v) => v.goal,
  startsAt: (v) => v.startsAt,
  deadline: (v) => v.deadline,
  quorumBps: (v) => v.quorumBps,
  milestoneBps: (v) => v.milestoneBps,
  tiers: (v) => v.tiers,
  metadataURI: (v) => v.metadata.uri,
  metadataHash: (v) => v.metadata.hash,
  deliveryDate: (v) => v.deliveryDate,
  voteMode: (v) => v.voteMode,
  minAttestationLevel: (v) => v.minAttestationLevel,
};

/** The form's values, checked; throws one message listing every problem. */
async function read(form) {
  const problems = [];
  const value = {};
  const tokenText = form.elements.token.value.trim();
  value.token = tokenText || ETH;
  if (tokenText && !/^0x[0-9a-fA-F]{40}$/.test(tokenText)) problems.push(t("flow.launch.token"));
  let decimals = 18;
  if (tokenText && !problems.length) {
    decimals = await tokenDecimals(tokenText);
    if (decimals === null) {
      problems.push(t("flow.launch.decimals"));
      decimals = 18; // only to check the rest of the form
    }
  }
  if (!form.elements.title.value.trim()) problems.push(t("flow.launch.title"));
  try {
    value.goal = parseAmount(form.elements.goal.value, decimals);
  } catch {
    problems.push(t("flow.launch.goal"));
  }
  const now = Number((await getBlock(publicClient())).timestamp); // the chain's clock
  value.startsAt = seconds(form.elements.startsAt.value);
  value.deadline = seconds(form.elements.deadline.value);
  const start = Math.max(value.startsAt, now);
  if (start > now + LIMITS.maxStartDays * DAY) problems.push(t("flow.launch.start"));
  const days = (value.deadline - start) / DAY;
  if (!(days >= LIMITS.minDays && days <= LIMITS.maxDays)) problems.push(t("flow.launch.deadline"));
  value.deliveryDate = seconds(form.elements.deliveryDate.value) || value.deadline + DEFAULT_DELIVERY_DAYS * DAY;
  const waitDays = (value.deliveryDate - value.deadline) / DAY;
  if (!(waitDays >= 0 && waitDays <= LIMITS.maxDeliveryDays)) problems.push(t("flow.launch.delivery"));
  value.voteMode = Number(form.elements.voteMode.value || PLEDGE_WEIGHTED);
  const level = Number(form.elements.minAttestationLevel.value || 0);
  if (value.voteMode === PLEDGE_WEIGHTED) {
    value.quorumBps = parseBps(form.elements.quorum.value || "0");
    if (!(value.quorumBps > 0 && value.quorumBps <= LIMITS.maxQuorum * 100)) problems.push(t("flow.launch.quorum"));
    value.minAttestationLevel = 0; // only identity votes have a level
  } else {
    if (!(Number.isInteger(level) && level >= 0 && level <= 255)) problems.push(t("flow.launch.level"));
    value.quorumBps = 0; // identity votes take no quorum: more rejections than approvals reject
    value.minAttestationLevel = level;
  }
  value.milestoneBps = form.elements.milestones.value.split(",").map((s) => s.trim()).filter(Boolean).map(parseBps);
  const sum = value.milestoneBps.reduce((a, b) => a + (b ?? 0), 0);
  if (value.milestoneBps.length && (value.milestoneBps.some((b) => !(b > 0)) || sum !== 10_000)) {
    problems.push(t("flow.launch.milestones", { sum: sum / 100 }));
  }
  value.tiers = [];
  tierRows(form).forEach((tier, i) => {
    try {
      const supply = Number(tier.supply);
      if (!Number.isInteger(supply) || supply < 0) throw new Error();
      value.tiers.push({ price: parseAmount(tier.price, decimals), supply });
    } catch {
      problems.push(t("flow.launch.tier", { n: i + 1 }));
    }
  });
  const metadata = metadataDocument(form);
  const uri = form.elements.metadataURI.value.trim();
  value.metadata = { uri: uri || metadata.uri, hash: metadata.hash };
  const list = form.querySelector("[data-problems]");
  list.replaceChildren(...problems.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
  if (problems.length) throw new Error(problems.join(" "));
  return value;
}

export default {
  name: "launch",
  async validate(form) {
    await read(form);
  },
  async run(ctx) {
    const value = await read(ctx.form);
    const params = structArgument("Crowdfund", "launch", FIELDS, value);
    const crowdfund = ctx.contract("Crowdfund");
    const receipt = await ctx.send(crowdfund, "launch", [params]);
    const [launched] = parseEventLogs({ abi: crowdfund.abi, logs: receipt.logs, eventName: "CampaignLaunched" });
    return t("flow.launched", { id: launched.args.campaignId });
  },
  /** Keeps the hash shown beside the form current, and offers the document for download. */
  enhance(form) {
    const output = form.querySelector("output[name=metadataHash]");
    const update = () => {
      output.value = metadataDocument(form).hash;
    };
    form.addEventListener("input", update);
    update();
    form.querySelector("[data-add-tier]").addEventListener("click", () => {
      const rows = form.querySelectorAll("[data-tier-row]");
      const row = rows[rows.length - 1].cloneNode(true);
      for (const input of row.querySelectorAll("input")) {
        input.value = input.type === "number" ? "0" : "";
        input.id = input.id.replace(/\d+$/, String(rows.length));
      }
      for (const label of row.querySelectorAll("label")) {
        label.htmlFor = label.htmlFor.replace(/\d+$/, String(rows.length));
      }
      rows[rows.length - 1].after(row);
    });
    form.querySelector("[data-download-metadata]").addEventListener("click", () => {
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([metadataDocument(form).bytes], { type: "application/json" }));
      link.download = "campaign-metadata.json";
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    });
  },
};

