/* The error summary (the GOV.UK pattern): when a form comes back with errors,
   focus moves to the summary at the top, so a screen reader reads it and the
   keyboard starts there; each link in it moves focus to its field (a plain
   #anchor would only scroll) and brings the field's label or legend into
   view. A static file: the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";

  function labelFor(field) {
    var legend = field.closest("fieldset") && field.closest("fieldset").querySelector("legend");
    if (legend && (field.type === "radio" || field.type === "checkbox")) { return legend; }
    return document.querySelector("label[for='" + field.id + "']") || field;
  }

  function start() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (!field) { return; }
      event.preventDefault();
      labelFor(field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
