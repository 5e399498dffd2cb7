// Every page's script (no wallet): times shown in the reader's own time zone, and live updates — when the
// index moves, the page re-fetches its live fragment (?fragment=live) and swaps it in. Without this script
// the pages still show everything, in UTC, as of the moment they were loaded.

function localTimes(root) {
  const lang = document.body.dataset.lang === "zh" ? "zh-CN" : "en";
  const format = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
  for (const node of root.querySelectorAll("time[data-local]")) {
    const moment = new Date(node.getAttribute("datetime"));
    if (Number.isNaN(moment.getTime())) continue;
    node.title = node.textContent;
    node.textContent = format.format(moment);
  }
}

function followTheChain() {
  const live = document.querySelector("[data-live]");
  if (!live || !window.EventSource) return;
  let shown = Number(document.body.dataset.block || -1);
  let wanted = shown;
  let fetching = false;

  async function refresh() {
    if (fetching || wanted <= shown) return;
    fetching = true;
    const target = wanted;
    try {
      const url = new URL(window.location.href);
      url.searchParams.set("fragment", "live");
      const response = await fetch(url, { headers: { Accept: "text/html" } });
      if (response.ok) {
        live.innerHTML = await response.text();
        localTimes(live);
        shown = target;
        document.body.dataset.block = String(target);
        live.dispatchEvent(new CustomEvent("crowdledger:updated", { bubbles: true }));
      }
    } finally {
      fetching = false;
      if (wanted > shown) setTimeout(refresh, 250);
    }
  }

  const events = new EventSource("/web/events");
  events.addEventListener("index", (event) => {
    wanted = Math.max(wanted, Number(event.data) - 1); // the event carries the next block to index
    refresh();
  });
}

localTimes(document);
followTheChain();
