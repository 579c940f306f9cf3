// "Your board" (the board link, docs/LINK.md): the panel's first state, made once. The link
// itself (the port, the codec's wasm) is in link/, staged by cargo xtask, and fetched only
// when "Connect board" is pressed, so that it costs the page's own download nothing.
let panel;
// The page's ear for the link (components/board_link.rs): what the board streams, as the
// worker's messages, between a `live` and a `gone`.
let toPage = () => {};
export function onBoardRun(fn) {
  toPage = fn;
}
// The page left the board for a run of its own: the link stops the stream (link/board.mjs).
export function stopWatching() {
  panel?.stopWatching?.();
}
export function boardPanel() {
  if (panel) return panel;
  panel = document.createElement("section");
  panel.className = "panel board-link-panel";
  panel.setAttribute("aria-labelledby", "board-link-title");
  panel.innerHTML = '<h2 id="board-link-title">Your board</h2><p></p>';
  const p = panel.lastChild;
  if (!navigator.serial) {
    p.textContent = "Connecting your own board needs Web Serial, which this browser does not have (Chrome and Edge do).";
    return panel;
  }
  const b = p.appendChild(document.createElement("button"));
  b.type = "button";
  b.className = "primary";
  b.dataset.link = "connect";
  b.textContent = "Connect board";
  b.onclick = () =>
    // requestPort needs the click's user activation: asked before anything is awaited.
    Promise.all([navigator.serial.requestPort(), import(new URL("link/board.mjs", document.baseURI))]).then(
      ([port, link]) => link.connect(panel, port, (m) => toPage(m)),
      // No port chosen (NotFoundError) is no failure; anything else is said.
      (e) => e.name != "NotFoundError" && p.append(` The board link could not start: ${e.message}`),
    );
  return panel;
}
