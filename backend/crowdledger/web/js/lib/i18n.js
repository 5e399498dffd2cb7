// The wallet layer's texts, from the same catalogues as the pages (/web/messages/LANG.json).
let messages = {};

export async function loadMessages() {
  const lang = document.body.dataset.lang || "en";
  messages = await (await fetch(`/web/messages/${lang}.json`)).json();
}

export function has(key) {
  return key in messages;
}

export function t(key, params = {}) {
  const text = messages[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}
