// A requester posts a contest (one reward for the winners) or a micro-task (pay per place, for a number of
// places). The form is checked here first (Bounty's own limits), the metadata document (title, description) is
// built and hashed in the page, a token is approved for the escrow when its allowance is short, and the post
// is simulated before the wallet is asked to sign.
//
// TaskParams is read from the contract's ABI at run time and each of its fields is filled by the entry of the
// same name in FIELDS, as launch.js does: a field the contract gains later makes the form say which it lacks.
// An invite list goes on chain as its Merkle root (lib/invites.js, the same tree as the CLI's): the requester
// gives the list itself to the invited workers, whose take and entry forms build their proofs from it.
import { keccak256, parseEventLogs, parseUnits, toBytes } from "viem";
import { getBlock } from "viem/actions";
import { parseAmount } from "../lib/amounts.js";
import { publicClient, structArgument, tokenDecimals } from "../lib/chain.js";
import { t } from "../lib/i18n.js";
import { inviteTree, readInvites } from "../lib/invites.js";

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const ETH = ZERO_ADDRESS; // the token of a task paid in ETH
const ZERO32 = `0x${"0".repeat(64)}`;
const HOUR = 3600;
const DAY = 86400;
// Bounty's MIN_DURATION, MAX_DURATION, MIN/MAX_REVIEW_PERIOD and MIN/MAX_WORK_WINDOW
const LIMITS = { minHours: 1, maxDays: 365, minReviewDays: 1, maxReviewDays: 90, minWorkHours: 1, maxWorkDays: 30 };
const ACCESS_MIN_SCORE = 1; // Bounty.ACCESS_MIN_SCORE
const ACCESS_INVITED = 2; // Bounty.ACCESS_INVITED
const ACCESS_VERIFIED = 4; // Bounty.ACCESS_VERIFIED
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** The metadata document exactly as hashed: its bytes, the data: URI holding them, and keccak256. */
export function taskDocument(form) {
  const document_ = {
    title: form.elements.title.value.trim(),
    description: form.elements.description.value.trim(),
  };
  const bytes = toBytes(JSON.stringify(document_));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return { bytes, uri: `data:application/json;base64,${btoa(binary)}`, hash: keccak256(bytes) };
}

const FIELDS = {
  token: (v) => v.token,
  deadline: (v) => v.deadline,
  reviewPeriod: (v) => v.reviewPeriod,
  coReviewer: (v) => v.coReviewer,
  arbiter: (v) => v.arbiter,
  accessRules: (v) => v.accessRules,
  minWorkerScore: (v) => v.minWorkerScore,
  inviteRoot: (v) => v.inviteRoot,
  minVerifiedLevel: (v) => v.minVerifiedLevel,
  metadataURI: (v) => v.metadata.uri,
  metadataHash: (v) => v.metadata.hash,
};

/** An optional address field: the zero address when empty (ETH for a token, "none" for a reviewer). */
function address(form, name, problems, key) {
  const text = form.elements[name].value.trim();
  if (!text) return ZERO_ADDRESS;
  if (!ADDRESS.test(text)) problems.push(t(key));
  return text;
}

/** The form's values, checked; throws one message listing every problem. */
async function read(form) {
  const problems = [];
  const value = { kind: form.elements.kind.value };
  value.token = address(form, "token", problems, "flow.post.token");
  let decimals = 18;
  if (value.token !== ETH && !problems.length) {
    decimals = await tokenDecimals(value.token);
    if (decimals === null) {
      problems.push(t("flow.post.decimals"));
      decimals = 18; // only to check the rest of the form
    }
  }
  value.decimals = decimals;
  if (!form.elements.title.value.trim()) problems.push(t("flow.post.title"));
  if (value.kind === "contest") {
    try {
      value.reward = parseAmount(form.elements.reward.value, decimals);
    } catch {
      problems.push(t("flow.post.reward"));
    }
  } else {
    try {
      value.pay = parseAmount(form.elements.pay.value, decimals);
    } catch {
      problems.push(t("flow.post.pay"));
    }
    value.places = Number(form.elements.places.value);
    const placesValid = Number.isInteger(value.places) && value.places > 0 && value.places < 2 ** 32;
    if (!placesValid) problems.push(t("flow.post.places"));
    const hours = Number(form.elements.workWindow.value);
    value.workWindow = Math.round(hours * HOUR);
    if (!(hours >= LIMITS.minWorkHours && value.workWindow <= LIMITS.maxWorkDays * DAY)) {
      problems.push(t("flow.post.work_window"));
    }
    if (value.pay && placesValid) value.reward = value.pay * BigInt(value.places); // what is escrowed
  }
  const now = Number((await getBlock(publicClient())).timestamp); // the chain's clock
  value.deadline = form.elements.deadline.value ? Math.floor(new Date(form.elements.deadline.value).getTime() / 1000) : 0;
  const duration = value.deadline - now;
  if (!(duration >= LIMITS.minHours * HOUR && duration <= LIMITS.maxDays * DAY)) problems.push(t("flow.post.deadline"));
  const reviewDays = Number(form.elements.reviewPeriod.value);
  value.reviewPeriod = Math.round(reviewDays * DAY);
  if (!(reviewDays >= LIMITS.minReviewDays && reviewDays <= LIMITS.maxReviewDays)) problems.push(t("flow.post.review"));
  value.coReviewer = address(form, "coReviewer", problems, "flow.post.co_reviewer");
  value.arbiter = address(form, "arbiter", problems, "flow.post.arbiter");
  value.accessRules = 0;
  value.minWorkerScore = 0n;
  value.minVerifiedLevel = 0;
  value.inviteRoot = ZERO32;
  const score = form.elements.minWorkerScore.value.trim();
  if (score) {
    try {
      if (!/^-?\d+(\.\d{1,18})?$/.test(score)) throw new Error();
      value.minWorkerScore = parseUnits(score, 18); // scores are points with 18 decimals
      value.accessRules |= ACCESS_MIN_SCORE;
    } catch {
      problems.push(t("flow.post.score"));
    }
  }
  const level = form.elements.minVerifiedLevel.value.trim();
  if (level) {
    const n = Number(level);
    if (Number.isInteger(n) && n >= 0 && n <= 255) {
      value.minVerifiedLevel = n;
      value.accessRules |= ACCESS_VERIFIED;
    } else {
      problems.push(t("flow.post.level"));
    }
  }
  value.invited = [];
  if (form.elements.invites.value.trim()) {
    try {
      value.invited = readInvites(form.elements.invites.value);
      value.inviteRoot = inviteTree(value.invited)[0];
      value.accessRules |= ACCESS_INVITED;
    } catch (error) {
      problems.push(error.message);
    }
  }
  const metadata = taskDocument(form);
  const uri = form.elements.metadataURI.value.trim();
  value.metadata = { uri: uri || metadata.uri, hash: metadata.hash };
  const list = form.querySelector("[data-problems]");
  list.replaceChildren(...problems.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
  if (problems.length) throw new Error(problems.join(" "));
  return value;
}

export default {
  name: "post-task",
  async validate(form) {
    await read(form);
  },
  async run(ctx) {
    const value = await read(ctx.form);
    // The contract lets none of a task's reviewers work on it: a list of them alone would lock the reward in a
    // task nobody can take until its deadline.
    const reviewers = [ctx.account, value.coReviewer, value.arbiter].map((a) => a.toLowerCase());
    if (value.invited.length && value.invited.every((a) => reviewers.includes(a.toLowerCase()))) {
      throw new Error(t("flow.invites.only_reviewers"));
    }
    const contest = value.kind === "contest";
    const functionName = contest ? "postContest" : "postMicroTask";
    const params = structArgument("Bounty", functionName, FIELDS, value);
    const bounty = ctx.contract("Bounty");
    const args = contest ? [params, value.reward] : [params, value.pay, value.places, value.workWindow];
    if (value.token !== ETH) {
      const tokenContract = ctx.token(value.token);
      // Before any approval is paid for: the escrow must be there, and the post's own rules must hold (the
      // allowance is what the approval provides).
      const money = { decimals: value.decimals };
      await ctx.checkBalance(tokenContract, value.reward, money);
      await ctx.checkAllButAllowance(bounty, functionName, args, 0n, tokenContract, value.reward, money);
      await ctx.allow(tokenContract, bounty.address, value.reward);
    }
    const receipt = await ctx.send(bounty, functionName, args, { value: value.token === ETH ? value.reward : 0n });
    const [posted] = parseEventLogs({ abi: bounty.abi, logs: receipt.logs, eventName: "TaskPosted" });
    const link = ctx.form.querySelector("[data-posted]");
    if (link) {
      link.href = `/t/${posted.args.taskId}`;
      link.hidden = false;
    }
    const invited = value.invited.length
      ? ` ${t("flow.invites.posted", { count: value.invited.length, root: value.inviteRoot })}`
      : "";
    return t("flow.posted", { id: posted.args.taskId }) + invited;
  },
  /** Shows the fields of the chosen kind, keeps the hash current, and offers the document for download. */
  enhance(form) {
    const output = form.querySelector("output[name=metadataHash]");
    const update = () => {
      output.value = taskDocument(form).hash;
      for (const section of form.querySelectorAll("[data-kind]")) {
        section.hidden = section.dataset.kind !== form.elements.kind.value;
      }
    };
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
    form.querySelector("[data-download-metadata]").addEventListener("click", () => {
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([taskDocument(form).bytes], { type: "application/json" }));
      link.download = "task-metadata.json";
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    });
  },
};
