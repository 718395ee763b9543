/* Decision log: a live classification preview while the decision is being written.
 *
 * Progressive enhancement only: without JavaScript the "Preview classification" button
 * re-renders the form with the same preview. Here the fields the classification depends on
 * are sent (never the title or rationale) to the page's read-only preview endpoint, and the
 * server-rendered fragment replaces the preview box.
 */
(function () {
  "use strict";

  var FIELDS = ["area", "amount", "currency", "decided_at"];

  function enhance(form) {
    var url = form.getAttribute("data-preview-url");
    var box = form.querySelector("#classification-preview");
    if (!url || !box || !window.fetch) {
      return;
    }
    var timer = null;
    var latest = 0;

    function refresh() {
      var params = new URLSearchParams();
      FIELDS.forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field && field.value) {
          params.set(name, field.value);
        }
      });
      var ticket = ++latest;
      box.setAttribute("aria-busy", "true");
      fetch(url + "?" + params.toString(), {
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      })
        .then(function (response) {
          return response.text();
        })
        .then(function (html) {
          // Only the answer to the latest question counts; an older one may arrive later.
          if (ticket === latest) {
            box.innerHTML = html;
          }
        })
        .catch(function () {
          /* The preview button still works without the live preview. */
        })
        .finally(function () {
          if (ticket === latest) {
            box.removeAttribute("aria-busy");
          }
        });
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 250);
    }

    FIELDS.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field) {
        field.addEventListener("input", schedule);
        field.addEventListener("change", schedule);
      }
    });
    form.classList.add("live-preview");
    refresh();
  }

  document.querySelectorAll("form[data-preview-url]").forEach(enhance);
})();
