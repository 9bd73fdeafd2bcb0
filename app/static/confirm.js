/* Forms marked data-confirm="question" ask before they are sent (deleting,
   submitting for good). A static file instead of an onsubmit attribute: the
   Content-Security-Policy allows no inline script. Without script the form
   is simply sent. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
