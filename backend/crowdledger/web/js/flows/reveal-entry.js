// A worker reveals their contest entry with the secret kept at commit time (from this browser, or from the
// backup file they choose).
import { readContract } from "viem/actions";
import { t } from "../lib/i18n.js";
import { loadEntry } from "../lib/entries.js";

async function fromBackup(file) {
  return JSON.parse(await file.text());
}

export default {
  name: "reveal-entry",
  async run(ctx) {
    const taskId = ctx.data.task;
    const bounty = ctx.contract("Bounty");
    const { commitment } = await readContract(ctx.reader, {
      ...bounty, functionName: "entryOf", args: [BigInt(taskId), ctx.account],
    });
    const file = ctx.form.elements.backup.files?.[0];
    const entry = file ? await fromBackup(file) : loadEntry(taskId, ctx.account, commitment);
    if (!entry) throw new Error(t("wallet.no_secret"));
    if (String(entry.taskId) !== String(taskId) || entry.worker.toLowerCase() !== ctx.account.toLowerCase()) {
      throw new Error(t("wallet.bad_backup"));
    }
    if (entry.commitment && entry.commitment.toLowerCase() !== commitment.toLowerCase()) {
      throw new Error(t("wallet.other_commitment"));
    }
    await ctx.send(bounty, "reveal", [BigInt(taskId), entry.deliverableHash, entry.uri || "", entry.salt]);
  },
};
