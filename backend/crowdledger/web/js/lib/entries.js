// Contest entries kept in the browser between commit and reveal: the secret (salt) never leaves the page
// except in the backup file the worker downloads.
import { settings } from "./chain.js";

export function entryKey(taskId, worker) {
  const bounty = settings().contracts.Bounty.address.toLowerCase();
  return `crowdledger.entry.${settings().chainId}.${bounty}.${taskId}.${worker.toLowerCase()}`;
}

export function saveEntry(entry) {
  const text = JSON.stringify(entry, null, 1);
  localStorage.setItem(entryKey(entry.taskId, entry.worker), text);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  link.download = `crowdledger-entry-task-${entry.taskId}.json`;
  link.dataset.entryBackup = "";
  document.body.append(link);
  link.click();
  setTimeout(() => {
    URL.revokeObjectURL(link.href);
    link.remove();
  }, 1000);
}

export function loadEntry(taskId, worker) {
  const text = localStorage.getItem(entryKey(taskId, worker));
  return text ? JSON.parse(text) : null;
}
