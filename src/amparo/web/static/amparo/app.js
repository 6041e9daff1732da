// Small behaviours without inline scripts (CSP): auto-submit selects, copy buttons, confirmations, and no
// double submit of a form (a second click while the first is on its way would save twice: the services refuse
// most repeats, this spares the user the error).
(function () {
  "use strict";
  var RESUBMIT_AFTER_MS = 5000; // a form that answers with a download leaves the page: allow it again later
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]")) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // htmx forms handle their own requests; GET forms (filters, searches) are safe to repeat.
    var isPost = (form.getAttribute("method") || "get").toLowerCase() === "post";
    if (!isPost || form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) {
      return;
    }
    if (form.dataset.submitting === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    window.setTimeout(function () {
      delete form.dataset.submitting;
    }, RESUBMIT_AFTER_MS);
  });
  // Back to a page kept in the browser's cache: its forms may be sent again.
  window.addEventListener("pageshow", function () {
    var forms = document.querySelectorAll("form[data-submitting]");
    for (var i = 0; i < forms.length; i++) {
      delete forms[i].dataset.submitting;
    }
  });
})();
