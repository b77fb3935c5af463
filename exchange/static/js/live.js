// Live pages without a manual refresh: a progressive enhancement.
//
// Without JavaScript the live wall and an import's progress page are ordinary pages with a
// "Refresh" link. With it:
// - [data-efc-wall="<fragment url>"]: every few seconds the wall's items are fetched as an
//   HTML fragment (workshops/_wall_items.html) and replace the old ones; new items are
//   announced through the polite live region #efc-wall-status. Polling pauses while the tab
//   is hidden and while focus is inside the wall (so a keyboard user is not moved).
// - [data-efc-reload="<url>"]: the page reloads itself every few seconds until the work is
//   done (the server stops including this script then).

const WALL_EVERY_MS = 4000;
const RELOAD_EVERY_MS = 3000;

function announce(text) {
  const region = document.getElementById("efc-wall-status");
  if (!region || !text) return;
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}

function count(box) {
  const list = box.querySelector("[data-efc-wall-count]");
  return list ? Number(list.getAttribute("data-efc-wall-count")) : 0;
}

async function refreshWall(box) {
  if (document.hidden || box.contains(document.activeElement)) return;
  let response;
  try {
    response = await fetch(box.getAttribute("data-efc-wall"), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", Accept: "text/html-fragment" },
    });
  } catch (error) {
    return; // offline for a moment: try again next time
  }
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok || !type.startsWith("text/html")) return;
  const html = await response.text();
  const before = count(box);
  const template = document.createElement("template");
  template.innerHTML = html;
  box.replaceChildren(template.content);
  if (count(box) > before) announce(box.getAttribute("data-efc-wall-announce"));
}

for (const box of document.querySelectorAll("[data-efc-wall]")) {
  window.setInterval(() => refreshWall(box), WALL_EVERY_MS);
}

if (document.querySelector("[data-efc-reload]")) {
  window.setTimeout(() => window.location.reload(), RELOAD_EVERY_MS);
}
