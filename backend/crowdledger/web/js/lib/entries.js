// Contest entries kept in the browser between commit and reveal: the secret (salt) never leaves the page
// except in the backup file the worker downloads.
import { settings } from "./chain.js";

export function entryKey(taskId, worker) {
  const bounty = settings().contracts.Bounty.address.toLowerCase();
  return `crowdledger.entry.${settings().chainId}.${bounty}.${taskId}.${worker.toLowerCase()}`;
}

// One entry per commitment: a worker may commit again, and until that transaction succeeds the chain holds
// the earlier commitment, whose secret must not be overwritten; the reveal picks the one the chain holds.
export function saveEntry(entry) {
  const text = JSON.stringify(entry, null, 1);
  localStorage.setItem(`${entryKey(entry.taskId, entry.worker)}.${entry.commitment}`, text);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  link.download = `crowdledger-entry-task-${entry.taskId}-${entry.commitment.slice(2, 10)}.json`;
  link.dataset.entryBackup = "";
  document.body.append(link);
  link.click();
  setTimeout(() => {
    URL.revokeObjectURL(link.href);
    link.remove();
  }, 1000);
}

/** The entry kept for `commitment` (also under the one key per task an earlier version of this page used). */
export function loadEntry(taskId, worker, commitment) {
  const key = entryKey(taskId, worker);
  const text = localStorage.getItem(`${key}.${commitment}`) ?? localStorage.getItem(key);
  const entry = text ? JSON.parse(text) : null;
  return entry?.commitment?.toLowerCase() === commitment.toLowerCase() ? entry : null;
}
