// The playground's service worker: what a static host cannot give the page. `cargo xtask
// build-web` writes dist/sw.js from this file (tools/web/service-worker.mjs), with BUILD: the
// build's files, each with the first 72 bits of its SHA-256. Two jobs, in one worker because a
// scope has only one:
//
// 1. Cross-origin isolation on any host. Python mode's worker shares memory with the page
//    (Atomics.wait paces it, a heartbeat catches a task that never awaits), which browsers
//    allow only on a cross-origin isolated page. Every same-origin response that passes here
//    gets the two headers (COOP same-origin, COEP require-corp): after one reload (index.html
//    does it, once) the page is isolated even where the server sends no such headers.
// 2. Offline. Every response of a file of the build is kept in the cache named after the
//    build (`baton-<hash of the files>`), and when the network fails the cached copy answers.
//    Once the page has loaded, it asks for the rest of `core`; Python mode's files are kept as
//    it fetches them, so it works offline once it has been opened. A new build's worker
//    replaces this one at once (skipWaiting, claim) and deletes the other builds' caches.
//
// The network comes first, so an online page always gets the host's current files. A cached
// file is served only when its hash is the build's: the Cache API is open to every script of
// the origin (a Python program's worker included), and this way nothing written there by
// anyone else is ever served as the page.
const BUILD = self.BUILD;
const CACHE = "baton-" + BUILD.version;
const scope = self.registration.scope;
// Kept from the first visit on: the page, the Rust demos' sources, and the blocking Rust demos'
// worker (crates/baton-py/js/worker.mjs's demoSession: worker.mjs and baton_demo_sim's glue
// and wasm), so that both modes and every guide program run offline. Not MicroPython (250 KB
// that a visitor of the Rust page never asks for: kept once Python mode opens) nor the
// firmware (two 90 KB UF2s: kept once downloaded).
const core = Object.keys(BUILD.files).filter((path) => !/^(python|firmware)\//.test(path) || /^python\/(worker|baton_demo_sim)/.test(path));

const isolate = (res) => {
  // A redirect (or an error) is passed as it is: its headers cannot be rewritten.
  if (!res.status) return res;
  const headers = new Headers(res.headers);
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  headers.set("Cross-Origin-Embedder-Policy", "require-corp");
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
};

/** The hash BUILD gives a file: base64 of the first 9 bytes of its SHA-256. */
const hash = async (res) =>
  btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.digest("SHA-256", await res.arrayBuffer())).slice(0, 9)));

/** Caches `res` as `path` if it is the build's file (not another build's, nor a stale copy). */
const keep = async (path, res) => {
  if (res.status == 200 && (await hash(res.clone())) === BUILD.files[path]) await (await caches.open(CACHE)).put(path, res);
};

/** The cached copy of `path`, if there is one and it is the build's. */
const cached = async (path) => {
  const res = await (await caches.open(CACHE)).match(path);
  return res && (await hash(res.clone())) === BUILD.files[path] ? res : undefined;
};

self.oninstall = () => self.skipWaiting();

/** Deletes the other builds' caches (an old worker still finishing a fetch may have written
 * to its own after this one took over: "fill" sweeps again). */
const sweep = async () => {
  for (const name of await caches.keys()) if (name.startsWith("baton-") && name !== CACHE) await caches.delete(name);
};

self.onactivate = (e) => e.waitUntil(sweep().then(() => self.clients.claim()));

// From index.html: "fill" once the page has loaded, to keep the rest of `core`; "claim"
// for a page loaded past this worker (a hard reload), which index.html then reloads through
// it, isolated.
self.onmessage = (e) =>
  e.waitUntil(
    e.data == "fill"
      ? sweep().then(async () => {
          const cache = await caches.open(CACHE);
          for (const path of core) {
            if (!(await cache.match(path))) await fetch(path, { cache: "reload" }).then((res) => keep(path, res), () => {});
          }
        })
      : self.clients.claim(),
  );

self.onfetch = (e) => {
  const req = e.request;
  if (req.method !== "GET" || !req.url.startsWith(scope)) return;
  // The page's own address (a share link's query included) is index.html.
  const path = req.url.slice(scope.length).split(/[?#]/)[0] || "index.html";
  const known = path in BUILD.files;
  e.respondWith(
    fetch(req).then(
      (res) => {
        if (known) e.waitUntil(keep(path, res.clone()));
        return isolate(res);
      },
      async (offline) => {
        const res = known && (await cached(path));
        if (res) return isolate(res);
        throw offline;
      },
    ),
  );
};
