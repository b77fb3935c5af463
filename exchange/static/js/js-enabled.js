// GOV.UK Frontend's hook, run at the top of <body> before the first paint: components are styled
// for JavaScript from the start. A file rather than the usual inline snippet, so that the
// Content-Security-Policy can refuse every inline script.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
