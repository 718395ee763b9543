/* Registers the service worker (see /sw.js): the last agendas and "my week" stay readable
   offline. While the device is offline, a page says that it is the copy kept on the device.
   Pages work the same without any of this. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register(script.dataset.serviceWorker).catch(function () {
    // No worker (a private window, an old browser): the pages need none.
  });

  function showState() {
    var note = document.getElementById("offline-note");
    if (navigator.onLine) {
      if (note) note.remove();
      return;
    }
    var main = document.getElementById("content");
    // The offline page itself says so already.
    if (note || !main || document.getElementById("offline-page")) return;
    note = document.createElement("p");
    note.id = "offline-note";
    note.className = "message";
    note.setAttribute("role", "status");
    note.textContent = script.dataset.offlineText;
    main.prepend(note);
  }
  window.addEventListener("online", showState);
  window.addEventListener("offline", showState);
  showState();
})();
