/* Autosave for the score sheet: a draft is saved in the background a few
   seconds after the juror stops typing. The page works without it; this only
   spares a juror from losing typing when a tab is closed. It posts the same
   form as "Save draft" and asks for JSON; on a conflict or a refused value it
   stops and says so, and the juror's own "Save draft" shows the details. */
(function () {
  "use strict";
  var form = document.querySelector("form.score-sheet[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = document.getElementById("autosave-status");
  var version = form.querySelector("input[name=version]");
  var timer = null;
  var busy = false;
  var stopped = false;
  var DELAY = 4000;

  function say(text) { if (status) { status.textContent = text; } }

  function save() {
    timer = null;
    if (busy || stopped) { return; }
    busy = true;
    var data = new FormData(form);
    data.delete("submit_sheet");
    data.set("save", "1");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      busy = false;
      say(result.body.message || "");
      if (result.ok && result.body.saved) {
        version.value = result.body.version;
      } else {
        stopped = true;  // a conflict or a refused value: the juror decides what to do
      }
    }).catch(function () {
      busy = false;
      say(form.getAttribute("data-autosave-offline") || "");
    });
  }

  form.addEventListener("input", function () {
    if (stopped) { return; }
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(save, DELAY);
  });
  form.addEventListener("submit", function () {
    stopped = true;
    if (timer) { window.clearTimeout(timer); }
  });
}());
