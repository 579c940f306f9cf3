// "Your board": the board link's JavaScript edge (docs/LINK.md), loaded by the page's snippet
// (src/js/board.js) only when you press "Connect board". It owns the serial port (Web Serial):
// opens it, says Hello, reads frames through baton-link's Deframer (baton_link_web, wasm, in
// this folder), and shows what the board says in the panel — the handshake, then on request
// the live stream: pin changes, prints, presses, console text, task turns.
//
// Every way a port can fail ends in a sentence in the panel and a Connect button again: a port
// that cannot be opened (another tab has it), a port that answers with text and no frame (not
// a Baton board), no answer at all, a frame of another protocol version, the cable pulled.
// Refused frames (garbage, cut short) are counted and the stream goes on.
//
// While it streams, the page shows the board in its own board view, console, timeline and task
// table: the reader keeps the stream as the simulator's trace and hands it over as the worker's
// messages (`toPage`, between a `{ type: "live" }` and a `{ type: "gone", why }`), and "Check
// against the simulator" compares it with a simulation of the same demo, the board's presses
// replayed (crates/baton-link-web/src/check.rs).
//
// `subscribe(fn)` gives the decoded messages ({ type, …fields }) to anyone else in the page.

import init, { LinkReader, encodeHost, encodeSetConfig, protocol } from "./baton_link_web.js";

/** How long the board has to answer Hello (a Baton board answers within milliseconds). */
export const ANSWER_MS = 1500;
/**
 * How long a board that said it restarts (ConfigResult Ok) has to drop its port before the page
 * closes it itself (a watchdog reset drops USB within milliseconds).
 */
const RESTART_MS = 3000;
/** The baud rate whose open-then-close asks Baton's firmware for the boot ROM's drive. */
export const TOUCH_BAUD = 1200;
/** Lines the live list keeps (older ones scroll away). */
const KEEP = 200;
/** How often the board's stream is handed to the page's views, ms. */
const PUMP_MS = 50;

const ready = init();
const listeners = new Set();
/** Calls `fn(message)` for each message a board sends; returns the unsubscribe function. */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};
const seconds = (us) => `${(us / 1e6).toFixed(3)} s`;
/** A handshake's parameters as the page's links write them, `key=value` joined by `sep`. */
const pairs = (params, sep = "&") => params.map(([k, v]) => `${k}=${v}`).join(sep);

/** The panel's parts, made once per panel. */
class Panel {
  constructor(root) {
    this.root = root;
    const title = root.querySelector("h2");
    this.status = el("p", { className: "board-status" });
    this.status.dataset.link = "status";
    this.status.setAttribute("role", "status");
    this.facts = el("dl", { className: "board-facts" });
    this.facts.dataset.link = "facts";
    this.buttons = el("div", { className: "board-buttons" });
    this.switcher = el("form", { className: "board-switch", hidden: true });
    this.switcher.dataset.link = "switcher";
    this.note = el("p", { className: "board-note", hidden: true });
    this.note.dataset.link = "note";
    this.log = el("ol", { className: "board-log", hidden: true });
    this.log.dataset.link = "log";
    this.log.setAttribute("aria-label", "What your board does, live");
    this.log.tabIndex = 0;
    this.result = el("pre", { className: "board-check", hidden: true, tabIndex: 0 });
    this.result.dataset.link = "check-result";
    this.result.setAttribute("aria-label", "The board against the simulator");
    this.toPage = () => {};
    root.replaceChildren(title, this.status, this.facts, this.buttons, this.switcher, this.note, this.result, this.log);
  }
  say(text, kind = "") {
    this.status.textContent = text;
    this.status.className = `board-status ${kind}`;
  }
  button(label, hook, onclick, primary = false) {
    const b = el("button", { type: "button", textContent: label, onclick, className: primary ? "primary" : "" });
    b.dataset.link = hook;
    this.buttons.append(b);
    return b;
  }
  line(t_us, text, kind) {
    // The kind as data, not a class: the page's classes (.pin, .console) style other parts.
    const li = el("li", {}, el("span", { className: "t", textContent: t_us == null ? "" : seconds(t_us) }), ` ${text}`);
    li.dataset.kind = kind;
    this.log.hidden = false;
    this.log.append(li);
    while (this.log.childElementCount > KEEP) this.log.firstElementChild.remove();
    this.log.scrollTop = this.log.scrollHeight;
  }
}

/** One connection to one port, from open to close. */
class Connection {
  constructor(panel, port) {
    this.panel = panel;
    this.port = port;
    this.reader = new LinkReader();
    this.hello = null;
    this.text = ""; // what the port sent before its first frame (a console, a REPL)
    this.refused = 0;
    this.lastRefusal = "";
    this.turns = 0;
    this.lost = 0;
    this.closed = false;
    this.restarting = null; // the demo a board said it restarts into (ConfigResult Ok)
    this.consoleLine = "";
    this.printed = []; // prints streamed whose console text has not come yet
    this.pump = null; // the timer that hands the stream to the page while it is watched
  }

  async start() {
    const { panel, port } = this;
    panel.say("Opening the port…");
    try {
      await port.open({ baudRate: 115200 });
    } catch (e) {
      return this.fail(
        `The port could not be opened: another tab or program (a serial monitor, an editor) may have it open — close it there and connect again. (${e.message})`,
      );
    }
    try {
      await port.setSignals({ dataTerminalReady: true });
      this.writer = port.writable.getWriter();
    } catch (e) {
      return this.fail(`The port opened but could not be used: ${e.message}`);
    }
    this.loop = this.readLoop();
    panel.say("Asking the board who it is…");
    await this.send("Hello");
    this.timer = setTimeout(() => this.noAnswer(), ANSWER_MS);
  }

  async send(kind, bytes = encodeHost(kind)) {
    try {
      await this.writer.write(bytes);
    } catch (e) {
      this.fail(`Sending to the board failed: ${e.message}`);
    }
  }

  noAnswer() {
    if (this.hello || this.closed) return;
    const first = this.text.replace(/\0/g, "").split(/\r?\n/).find((l) => l.trim());
    if (first !== undefined) {
      this.fail(`This port is not a Baton board (it answered: “${first.trim().slice(0, 80)}”). Pick your Baton board's port, or flash Baton's firmware (Download firmware).`);
    } else {
      this.fail(`No answer: the board said nothing within ${ANSWER_MS / 1000} s of Hello. Is Baton's firmware running on it? (Download firmware, then copy the UF2 to the board.)`);
    }
  }

  async readLoop() {
    for (;;) {
      let reader;
      try {
        reader = this.port.readable.getReader();
        this.readerLock = reader;
        for (;;) {
          const { value, done } = await reader.read();
          if (done || this.closed) return;
          this.take(value);
        }
      } catch (e) {
        if (this.closed) return;
        if (this.restarting) return this.restarted();
        // A parity or framing error leaves the port readable (a new stream): go on.
        if (this.port.readable && e?.name !== "NetworkError") {
          this.refusal(`the port reported ${e?.name || "an error"}`);
          reader?.releaseLock();
          continue;
        }
        return this.fail(`The connection to the board was lost (${e?.message || e}). Was the cable pulled? Plug it in and connect again.`);
      }
    }
  }

  take(bytes) {
    if (!this.hello && this.text.length < 512) this.text += String.fromCharCode(...bytes.subarray(0, 512));
    for (const piece of this.reader.push(bytes)) {
      if (this.closed) return;
      if (piece.message) this.message(piece.message);
      else if (piece.version !== undefined) {
        const older = piece.version < protocol() ? "older" : "newer";
        return this.fail(
          `The board's firmware is ${older} than this page: it speaks link protocol version ${piece.version}, the page version ${protocol()}. Flash the page's firmware (Download firmware) to use it here.`,
        );
      } else if (this.hello) this.refusal(piece.error);
      // Before the handshake, a refused piece is the console text that came before the
      // board's first frame (docs/LINK.md): kept in `text`, not counted.
    }
  }

  refusal(why) {
    this.refused++;
    this.lastRefusal = why;
    this.showNote();
  }

  showNote() {
    const parts = [];
    if (this.refused) parts.push(`${this.refused} damaged or unreadable frame${this.refused === 1 ? "" : "s"} skipped (last: ${this.lastRefusal})`);
    if (this.lost) parts.push(`${this.lost} event${this.lost === 1 ? "" : "s"} the board dropped (its buffer was full)`);
    if (this.turns) parts.push(`${this.turns} task turn${this.turns === 1 ? "" : "s"} seen`);
    this.panel.note.hidden = !parts.length;
    this.panel.note.textContent = parts.join(" · ");
  }

  message(m) {
    for (const fn of listeners) fn(m);
    const { panel } = this;
    switch (m.type) {
      case "HelloReply":
        return this.handshake(m);
      case "PinChange":
        return panel.line(m.t_us, `${m.pin} ${m.level ? "high" : "low"}`, "pin");
      case "Press":
        return panel.line(m.t_us, `${m.pin} ${m.pressed ? "pressed" : "released"}`, "press");
      case "Print":
        if (this.printed.push(m.text) > 64) this.printed.shift();
        return panel.line(m.t_us, `print: ${m.text}`, "print");
      case "Pixels":
        return panel.line(m.t_us, `${m.pin}: ${m.colours.length / 3} pixels`, "pixels");
      case "Console": {
        // Whole lines only (a line may span messages).
        const lines = (this.consoleLine + m.text).split(/\r?\n/);
        this.consoleLine = lines.pop();
        for (const l of lines) {
          // A print comes twice while streaming: stamped (Print), and as console text.
          if (this.printed[0] === l) this.printed.shift();
          else if (l) panel.line(null, l, "console");
        }
        return;
      }
      case "Turn":
        // Up to thousands a second: the note is redrawn at most four times a second.
        this.turns++;
        this.noteTimer ??= setTimeout(() => {
          this.noteTimer = null;
          this.showNote();
        }, 250);
        return;
      case "Lost":
        this.lost += m.count;
        return this.showNote();
      case "ConfigResult":
        return this.configResult(m.result);
      default:
        return;
    }
  }

  handshake(m) {
    clearTimeout(this.timer);
    if (this.hello) return;
    this.hello = m;
    const { panel } = this;
    const params = pairs(m.params, " ") || "the guide's";
    const facts = [
      ["Board", m.board],
      ["Firmware", m.firmware],
      ["Demo", m.demo],
      ["Parameters", params],
    ];
    if (m.safe_mode) facts.push(["Safe mode", m.safe_mode]);
    panel.facts.replaceChildren(...facts.flatMap(([k, v]) => [el("dt", { textContent: k }), el("dd", { textContent: v })]));
    if (m.safe_mode) panel.say(`Connected — the board is in safe mode: ${m.safe_mode}`, "warn");
    else panel.say(`Connected to ${m.board}, running ${m.demo}.`, "ok");
    panel.buttons.replaceChildren();
    const stream = panel.button("Watch live", "stream", async () => {
      const on = stream.getAttribute("aria-pressed") !== "true";
      stream.setAttribute("aria-pressed", String(on));
      if (on) this.watch();
      else this.unwatch("You stopped watching your board: the page runs its own simulation of its demo again.");
      await this.send(on ? "StartStream" : "StopStream");
    });
    stream.setAttribute("aria-pressed", "false");
    this.streamButton = stream;
    panel.root.stopWatching = () => this.leftByPage();
    this.checkButton = panel.button("Check against the simulator", "check", () => this.check());
    this.checkButton.hidden = true;
    panel.button("Disconnect", "disconnect", () => this.close().then(() => idle(panel, "Disconnected.")));
    panel.button("Update firmware", "update-firmware", () => this.touch());
    this.switchForm(m);
  }

  /**
   * Watch live: a new record of the board's run, shown in the page's views. A demo this page
   * does not know (a newer firmware's) is listed in the panel only, and said so.
   */
  watch() {
    const { hello, panel } = this;
    const params = pairs(hello.params);
    try {
      this.reader.watch(hello.demo, params);
    } catch (e) {
      panel.say(`The page cannot show ${hello.demo} (${e.message}): is the board's firmware newer than the page? Its events are listed below.`, "warn");
      return;
    }
    panel.toPage({ type: "live", board: hello.board, firmware: hello.firmware, demo: hello.demo, params });
    this.pump = setInterval(() => this.handOver(), PUMP_MS);
    this.checkButton.hidden = false;
  }

  /** Hands what the board said since the last time to the page. */
  handOver() {
    const messages = this.reader.takeForPage();
    if (messages) for (const m of messages) this.panel.toPage(m);
  }

  /**
   * The page left the board for a run of its own (Reset, a parameter, another demo): the
   * stream stops, and the panel says how to watch again.
   */
  async leftByPage() {
    if (!this.stopPump()) return;
    this.streamButton.setAttribute("aria-pressed", "false");
    this.panel.say("The page runs its own simulation now: Watch live to see your board again.");
    await this.send("StopStream");
  }

  /** The page stops showing the board, and says `why`. */
  unwatch(why) {
    if (!this.pump) return;
    this.handOver();
    this.stopPump();
    this.panel.toPage({ type: "gone", why });
  }

  /** Stops handing the stream to the page (and the check with it); whether it was handed. */
  stopPump() {
    if (!this.pump) return false;
    clearInterval(this.pump);
    this.pump = null;
    this.checkButton.hidden = true;
    return true;
  }

  /** "Check against the simulator": the result in the panel, with a button that copies it. */
  check() {
    const { panel } = this;
    let r;
    try {
      r = this.reader.check(this.hello.board, this.hello.firmware);
    } catch (e) {
      return panel.say(`The check could not run: ${e.message}`, "warn");
    }
    panel.result.textContent = r.text;
    panel.result.hidden = false;
    panel.result.dataset.same = String(r.same);
    panel.say(
      r.same
        ? `Your board does what the simulator does: ${r.compared} events, each within 200 µs.`
        : r.compared || r.differ
          ? `Your board differs from the simulator: ${r.differ} of its events (details below).`
          : "Nothing to compare yet: let the board run a little, then check again.",
      r.same ? "ok" : "warn",
    );
    if (!panel.buttons.querySelector('[data-link="copy-check"]')) {
      panel.button("Copy the result", "copy-check", () =>
        navigator.clipboard?.writeText(panel.result.textContent).then(
          () => panel.say("The result is on the clipboard: paste it into a bug report.", "ok"),
          (e) => panel.say(`The browser did not allow copying (${e.message}): select the text instead.`, "warn"),
        ),
      );
    }
  }

  /**
   * "Switch demo": the page's own demo list (its picker's options: one list of demos in the
   * page), the board's demo chosen, its parameters as `key=value&…`. The board checks them.
   */
  switchForm(hello) {
    const { panel } = this;
    const picker = document.querySelector('select[name="demo"]');
    // (Not "Your program": the board's firmware runs the guide's demos only.)
    const demos = picker ? [...picker.options].filter((o) => o.value !== "your-program").map((o) => [o.value, o.textContent]) : [];
    if (!demos.some(([id]) => id === hello.demo)) demos.unshift([hello.demo, hello.demo]);
    const select = el("select", { id: "board-switch-demo", name: "board-demo" });
    select.dataset.link = "switch-demo";
    select.append(...demos.map(([id, title]) => el("option", { value: id, textContent: title, selected: id === hello.demo })));
    const params = el("input", {
      id: "board-switch-params",
      name: "board-params",
      type: "text",
      spellcheck: false,
      placeholder: "key=value&key=value",
      value: pairs(hello.params),
    });
    params.dataset.link = "switch-params";
    // The board's parameters belong to its demo: another demo starts from the guide's.
    select.onchange = () => (params.value = select.value === hello.demo ? pairs(hello.params) : "");
    const go = el("button", { type: "submit", textContent: "Switch demo" });
    go.dataset.link = "switch";
    panel.switcher.replaceChildren(
      el("label", { htmlFor: select.id, textContent: "Demo on the board " }),
      select,
      el("label", { htmlFor: params.id, textContent: " Parameters (optional) " }),
      params,
      " ",
      go,
    );
    panel.switcher.setAttribute("aria-label", "Switch the board's demo without reflashing");
    panel.switcher.hidden = false;
    panel.switcher.onsubmit = (e) => {
      e.preventDefault();
      this.switchTo(select.value, params.value);
    };
  }

  async switchTo(demo, params) {
    let bytes;
    try {
      bytes = encodeSetConfig(demo, params);
    } catch (e) {
      return this.panel.say(`Not sent: the parameters ${e.message}. Write them as key=value&key=value.`, "warn");
    }
    this.asked = demo;
    this.panel.say(`Asking the board to switch to ${demo}…`);
    await this.send("SetConfig", bytes);
  }

  configResult(result) {
    const { panel } = this;
    if (result && "Ok" in result) {
      this.restarting = this.asked ?? "the new demo";
      panel.say(`Switched to ${this.restarting} (interrupts masked ${result.Ok} µs); the board restarts…`, "ok");
      panel.switcher.hidden = true;
      // Its port drops as it restarts; if it does not, the page lets go of it all the same.
      this.timer = setTimeout(() => this.restarted(), RESTART_MS);
    } else {
      panel.say(`The board refused the configuration: ${result?.Err ?? "no reason given"}. It keeps running ${this.hello.demo}.`, "warn");
    }
  }

  /** The port went away because the board restarts into a new demo: expected, said so. */
  async restarted() {
    const demo = this.restarting;
    await this.close(`Your board is restarting into ${demo}: the page runs its own simulation again.`);
    idle(this.panel, `The board is restarting into ${demo}, so its port went away: that is expected. Connect again (choose its port again) to see it.`, "ok");
  }

  /**
   * "Update firmware": the 1200-baud touch (open the port at 1200 baud, close it), which makes
   * Baton's firmware restart into the boot ROM's USB drive; then what to do with the UF2.
   */
  async touch() {
    const { port, panel } = this;
    await this.close();
    try {
      await port.open({ baudRate: TOUCH_BAUD });
      // The firmware acts when the terminal drops DTR at 1200 baud: raised first, as a
      // terminal's open does, so that the close drops it.
      await port.setSignals({ dataTerminalReady: true });
      await port.close();
    } catch (e) {
      return idle(panel, `The board could not be asked to update (${e.message}). Hold its BOOTSEL button while plugging it in instead, then copy the UF2 onto the RPI-RP2 drive.`, "error");
    }
    idle(
      panel,
      "The board restarts as a USB drive named RPI-RP2. Press Download firmware, then copy the UF2 file onto that drive: the board restarts into the new firmware. Then connect again.",
      "ok",
    );
  }

  async fail(text) {
    if (this.closed) return;
    await this.close(text);
    idle(this.panel, text, "error");
  }

  async close(why = "Your board was disconnected: the page runs its own simulation of its demo again.") {
    if (this.closed) return;
    this.closed = true;
    this.unwatch(why);
    this.panel.switcher.hidden = true;
    clearTimeout(this.timer);
    clearTimeout(this.noteTimer);
    // Each step may fail on a port that is already gone; the next one still runs.
    await this.readerLock?.cancel().catch(() => {});
    this.readerLock?.releaseLock?.();
    await this.writer?.close().catch(() => {});
    await this.port.close().catch(() => {});
  }
}

/** The panel with a Connect button and `text` (what happened last). */
function idle(panel, text, kind = "") {
  panel.say(text, kind);
  panel.buttons.replaceChildren();
  panel.button(
    "Connect board",
    "connect",
    () => {
      // requestPort needs the click's user activation: called before anything is awaited.
      navigator.serial.requestPort().then(
        (port) => new Connection(panel, port).start(),
        (e) => panel.say(e.name === "NotFoundError" ? "No port chosen." : `No port: ${e.message}`),
      );
    },
    true,
  );
}

/**
 * Takes over `root` (the panel) and connects to `port` (chosen already); `toPage` takes what
 * the board streams, for the page's views.
 */
export async function connect(root, port, toPage = () => {}) {
  const panel = new Panel(root);
  panel.toPage = toPage;
  try {
    await ready;
  } catch (e) {
    return idle(panel, `The board link could not load: ${e.message}`, "error");
  }
  return new Connection(panel, port).start();
}
