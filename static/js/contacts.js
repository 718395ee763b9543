// Contact pages, enhanced: a "Copy" button beside a prepared touch copies its text. Without
// JavaScript (or without clipboard access) the button stays hidden; the text is shown anyway.
// A file, not an inline script: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-copy") + "-status");
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent).then(function () {
        if (status) status.textContent = button.getAttribute("data-copied");
      });
    });
  });
})();
