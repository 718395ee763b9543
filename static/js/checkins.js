// Check-in pages, enhanced: the "plan a check-in" form shows only the fields the chosen
// rhythm uses. Without JavaScript every field stays visible and the unused ones are ignored.
(function () {
  "use strict";
  document.querySelectorAll("form.series-form").forEach(function (form) {
    var frequency = form.querySelector("select[name=frequency]");
    if (!frequency) return;
    var parts = form.querySelectorAll("[data-frequency]");
    function update() {
      parts.forEach(function (part) {
        // A part with an error stays visible, so the person sees what to fix.
        // data-frequency lists the rhythms that use the part, separated by spaces.
        var uses = part.getAttribute("data-frequency").split(" ");
        part.hidden = uses.indexOf(frequency.value) === -1 && !part.querySelector(".errorlist");
      });
    }
    frequency.addEventListener("change", update);
    update();
  });
})();
