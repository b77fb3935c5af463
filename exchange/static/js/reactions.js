// Reactions without a full page reload: a progressive enhancement of the reaction forms.
//
// Without JavaScript (or if anything here fails) each reaction button is an ordinary form that
// POSTs and is redirected back to the page. With it, the form is sent with fetch(); the server
// answers with just the re-rendered buttons (conversation/_reactions.html), which replace the
// old ones in place. Focus stays on the pressed button and the new count is announced through
// the polite live region #efc-reactions-status.

const BOX = "[data-efc-reactions]";
const FORM = "form[data-efc-reaction]";

function announce(text) {
  const region = document.getElementById("efc-reactions-status");
  if (!region || !text) return;
  // Clear first so that the same sentence twice in a row is still read out.
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}

function fallBack(form) {
  // HTMLFormElement.submit() does not fire "submit" again: the ordinary round trip.
  form.submit();
}

async function onSubmit(event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches(FORM)) return;
  const box = form.closest(BOX);
  if (!box || !window.fetch) return;
  event.preventDefault();
  if (box.getAttribute("aria-busy") === "true") return; // a double click
  const kind = new FormData(form).get("kind");
  box.setAttribute("aria-busy", "true");
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", Accept: "text/html-fragment" },
    });
  } catch (error) {
    fallBack(form);
    return;
  }
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok || response.redirected || !type.startsWith("text/html")) {
    fallBack(form);
    return;
  }
  const template = document.createElement("template");
  template.innerHTML = (await response.text()).trim();
  const fresh = template.content.querySelector(BOX);
  if (!fresh) {
    fallBack(form);
    return;
  }
  box.replaceWith(fresh);
  const pressed = Array.from(fresh.querySelectorAll("button[data-efc-kind]")).find(
    (button) => button.dataset.efcKind === kind,
  );
  if (pressed) pressed.focus();
  announce(fresh.dataset.efcAnnounce);
}

document.addEventListener("submit", onSubmit);
