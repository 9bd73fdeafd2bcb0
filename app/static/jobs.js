/* Background job progress: every element with data-job-status="<url>" whose
   job is active is polled (same origin, JSON) every two seconds; its
   <progress> and counters are updated, and the page reloads when the job
   ends, to show what it made. A static file: the CSP allows no inline script. */
(function () {
  "use strict";
  var INTERVAL = 2000;

  function poll(box) {
    var url = box.getAttribute("data-job-status");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (job) {
        var bar = box.querySelector("progress");
        if (bar) {
          // The rule is JobRun.bar_max / bar_value, sent in the JSON.
          bar.max = job.bar_max;
          bar.value = job.bar_value;
        }
        var set = function (selector, text) {
          var el = box.querySelector(selector);
          if (el) { el.textContent = text; }
        };
        set("[data-job-label]", job.label);
        set("[data-job-done]", String(job.done));
        set("[data-job-total]", String(job.total));
        if (job.active) {
          window.setTimeout(function () { poll(box); }, INTERVAL);
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        // A network hiccup: try again a little later; the page still works without it.
        window.setTimeout(function () { poll(box); }, INTERVAL * 3);
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var boxes = document.querySelectorAll("[data-job-status][data-job-active='true']");
    Array.prototype.forEach.call(boxes, function (box) {
      window.setTimeout(function () { poll(box); }, INTERVAL);
    });
  });
})();
