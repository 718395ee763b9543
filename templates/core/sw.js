{% autoescape off %}/* Tandem's service worker, served at /sw.js (apps.core.views.service_worker).

   It keeps two things, and only these:
   - the site's own static files and the offline page, which name nobody;
   - the pages the server marks as readable offline (the header X-Tandem-Offline: a check-in
     with its agenda, "my week"), for the person signed in when they were fetched.

   Every page names its viewer in X-Tandem-Viewer. When a page comes from another viewer or
   from nobody (signed out), the kept pages are deleted before anything else happens, so
   one person never reads another's. Sign-out also answers Clear-Site-Data, which removes
   every cache and this worker. The API, files, feeds and forms go to the network alone. */
"use strict";

const STATIC_CACHE = "tandem-static-1";
const PAGES_CACHE = "tandem-pages";
const VIEWER_ENTRY = "/__viewer__";
const KEEP_PAGES = 10;
const OFFLINE_URL = "{{ offline_url }}";
const STATIC_PREFIX = "{{ static_prefix }}";
const PRECACHE = {{ precache }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(STATIC_CACHE).then((cache) =>
      // Without cookies: the offline page must name nobody.
      cache.add(new Request(OFFLINE_URL, { credentials: "omit" })).then(() => cache.addAll(PRECACHE))
    ).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((names) => Promise.all(
      names
        .filter((name) => name.startsWith("tandem-static-") && name !== STATIC_CACHE)
        .map((name) => caches.delete(name))
    )).then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
  } else if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(staticFile(request));
  }
  // Anything else (the API, files, feeds): the network alone, never a cache.
});

async function navigate(request) {
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    return offline(request);
  }
  try {
    await remember(request, response);
  } catch (error) {
    // A full disk or a cleared cache must not break the page itself.
  }
  return response;
}

async function remember(request, response) {
  // A redirect hides its headers; the page it leads to comes through here again.
  if (response.type !== "basic") return;
  const viewer = response.headers.get("X-Tandem-Viewer") || "";
  let pages = await caches.open(PAGES_CACHE);
  const known = await pages.match(VIEWER_ENTRY);
  const knownViewer = known ? await known.text() : "";
  if (viewer !== knownViewer) {
    await caches.delete(PAGES_CACHE);
    if (!viewer) return;
    pages = await caches.open(PAGES_CACHE);
    await pages.put(VIEWER_ENTRY, new Response(viewer));
  }
  if (viewer && response.ok && response.headers.get("X-Tandem-Offline") === viewer) {
    await pages.put(request.url, response.clone());
    // The last few are enough to read on the way to a meeting.
    const kept = (await pages.keys()).filter((entry) => !entry.url.endsWith(VIEWER_ENTRY));
    await Promise.all(kept.slice(0, -KEEP_PAGES).map((entry) => pages.delete(entry)));
  }
}

async function offline(request) {
  const pages = await caches.open(PAGES_CACHE);
  const kept = await pages.match(request.url);
  if (kept) return kept;
  const fallback = await caches.match(OFFLINE_URL, { cacheName: STATIC_CACHE });
  return fallback || Response.error();
}

async function staticFile(request) {
  const cache = await caches.open(STATIC_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(request, { ignoreSearch: true });
    return kept || Response.error();
  }
}
{% endautoescape %}
