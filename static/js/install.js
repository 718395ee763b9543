/* Registers the service worker (see /sw.js): the last agenda and "my week" stay readable
   offline. Pages work the same without it. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register(script.dataset.serviceWorker).catch(function () {
    // No worker (a private window, an old browser): the pages need none.
  });
})();
