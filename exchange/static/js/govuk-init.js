// Starts GOV.UK Frontend's components. The library's address comes from the page
// (data-govuk-frontend, written with {% static %}) so that it keeps its versioned, cached name;
// a file rather than an inline module, for the Content-Security-Policy.
const script = document.querySelector("script[data-govuk-frontend]");
if (script) {
  import(script.dataset.govukFrontend).then(({ initAll }) => initAll());
}
