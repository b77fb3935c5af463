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

function fallBack(form, kind) {
  // The ordinary round trip. requestSubmit() would come back here; submit() does not, but it
  // sends no submit button, so the chosen kind goes in a hidden field.
  const field = document.createElement("input");
  field.type = "hidden";
  field.name = "kind";
  field.value = kind;
  form.append(field);
  form.submit();
}

async function onSubmit(event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches(FORM)) return;
  const box = form.closest(BOX);
  const button = event.submitter;
  // One form per comment, one submit button per reaction kind: the button says which.
  if (!box || !window.fetch || !button || button.name !== "kind") return;
  event.preventDefault();
  if (box.getAttribute("aria-busy") === "true") return; // a double click
  const kind = button.value;
  const body = new FormData(form);
  body.set("kind", kind);
  box.setAttribute("aria-busy", "true");
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", Accept: "text/html-fragment" },
    });
  } catch (error) {
    fallBack(form, kind);
    return;
  }
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok || response.redirected || !type.startsWith("text/html")) {
    fallBack(form, kind);
    return;
  }
  const template = document.createElement("template");
  template.innerHTML = (await response.text()).trim();
  const fresh = template.content.querySelector(BOX);
  if (!fresh) {
    fallBack(form, kind);
    return;
  }
  box.replaceWith(fresh);
  const pressed = Array.from(fresh.querySelectorAll("button[data-efc-kind]")).find(
    (candidate) => candidate.dataset.efcKind === kind,
  );
  if (pressed) pressed.focus();
  announce(fresh.dataset.efcAnnounce);
}

document.addEventListener("submit", onSubmit);
