//! # The board link in the page
//!
//! [`baton_link`]'s frames for the playground's "Your board" panel, as a wasm module of its
//! own (`www/link/`, staged by `cargo xtask`): the page fetches it only when you press
//! "Connect board", so the codec costs the page's own download nothing. The same crate frames
//! on the board, so the two ends cannot read the format differently.
//!
//! The JavaScript edge (`js/board.mjs`) owns the serial port and feeds each chunk it reads to
//! [`LinkReader::push`], which answers one plain value per piece between two 0x00: a message
//! (`{ message: { type: "PinChange", t_us, pin: "LED", level } }`, the fields docs/LINK.md
//! names) or a refusal that says why (`{ error: "a damaged frame (…)" }`; a frame of another
//! protocol version also carries `version`). Nothing a port sends makes it throw.
//!
//! The reader also keeps what the board streams as the simulator's trace ([`record`]): the
//! page shows it in its own board view, console, timeline and task table
//! ([`LinkReader::take_for_page`]), and [`check`] compares it with a simulation of the same
//! demo ([`LinkReader::check`]).

#![forbid(unsafe_code)]

pub mod check;
pub mod record;

use baton_demos::{DemoId, Params};
use baton_link::{decode_board, encode, BoardMessage, Deframer, FrameError, HostMessage, MAX_FRAME_ON_WIRE};
use baton_sim::{SimConfig, Simulation};
use record::Record;
use wasm_bindgen::prelude::*;

/// One piece of the board's byte stream, read.
#[derive(Debug, PartialEq)]
pub enum Piece<'a> {
    /// A message.
    Message(BoardMessage<'a>),
    /// Not one: why, and the frame's protocol version if that was what was wrong.
    Refused {
        /// What was wrong, in words (FrameError's Display).
        why: String,
        /// The frame's version, when it was another protocol version's.
        version: Option<u8>,
    },
}

impl<'a> From<Result<BoardMessage<'a>, FrameError>> for Piece<'a> {
    fn from(r: Result<BoardMessage<'a>, FrameError>) -> Self {
        match r {
            Ok(m) => Piece::Message(m),
            Err(e) => {
                let version = match e {
                    FrameError::Version { got, .. } => Some(got),
                    _ => None,
                };
                Piece::Refused { why: e.to_string(), version }
            }
        }
    }
}

/// Reads the board's frames from the chunks a serial port gives (see the crate docs).
#[wasm_bindgen]
pub struct LinkReader {
    deframer: Box<Deframer<MAX_FRAME_ON_WIRE>>,
    record: Record,
    /// The board's demo and parameters, once [`LinkReader::watch`] has read them.
    params: Option<Params>,
}

impl Default for LinkReader {
    fn default() -> Self {
        Self::new()
    }
}

impl LinkReader {
    /// Each piece that ends in `bytes`, read, handed to `each` (native tests use this).
    pub fn each_piece(&mut self, bytes: &[u8], mut each: impl FnMut(Piece<'_>)) {
        for &b in bytes {
            if let Some(r) = self.deframer.push(b) {
                let r = r.and_then(decode_board);
                if let (Ok(m), Some(_)) = (&r, &self.params) {
                    self.record.note(m);
                }
                each(r.into());
            }
        }
    }
}

#[wasm_bindgen]
impl LinkReader {
    /// An empty reader.
    #[wasm_bindgen(constructor)]
    pub fn new() -> LinkReader {
        LinkReader { deframer: Box::new(Deframer::new()), record: Record::new(), params: None }
    }

    /// Starts a new record of the board's run, of `demo` with `params` (`key=value&…`, as the
    /// handshake gives them): the page's view and the check start from here (nothing is
    /// recorded before). A demo or a
    /// parameter this page does not know (a newer firmware's) is refused, with why.
    pub fn watch(&mut self, demo: &str, params: &str) -> Result<(), JsError> {
        self.params = None;
        let params = board_params(demo, params).map_err(|e| JsError::new(&e))?;
        self.record = Record::new();
        self.record.name_tasks(task_names(&params));
        self.params = Some(params);
        Ok(())
    }

    /// What the page has not been shown yet, as the worker's messages (`spawn`s, then one
    /// `trace` whose `turns` is a Float64Array), or `null`.
    #[wasm_bindgen(js_name = takeForPage)]
    pub fn take_for_page(&mut self) -> JsValue {
        let Some((messages, turns)) = self.record.take_for_page() else { return JsValue::NULL };
        let out = js_sys::Array::new();
        for m in &messages {
            // Texts written by Record, whose JSON is tested: parsing cannot fail.
            out.push(&js_sys::JSON::parse(m).unwrap_or(JsValue::NULL));
        }
        set(out.get(out.length() - 1).unchecked_ref(), "turns", &js_sys::Float64Array::from(&turns[..]));
        out.into()
    }

    /// Checks the board's run so far against the simulator (see [`check`]): `{ text, same,
    /// compared, differ }`, the text as a bug report takes it.
    pub fn check(&self, board: &str, firmware: &str) -> Result<JsValue, JsError> {
        let params = self.params.as_ref().ok_or_else(|| JsError::new("the board's demo is not known yet"))?;
        let text = check_text(&self.record, params, board, firmware);
        let o = js_sys::Object::new();
        set(&o, "text", &JsValue::from_str(&text.0));
        set(&o, "same", &JsValue::from(text.1.same()));
        set(&o, "compared", &JsValue::from(text.1.compared as u32));
        set(&o, "differ", &JsValue::from(text.1.differ as u32));
        Ok(o.into())
    }

    /// The pieces that end in `bytes`, as plain objects (see the crate docs).
    pub fn push(&mut self, bytes: &[u8]) -> js_sys::Array {
        let out = js_sys::Array::new();
        self.each_piece(bytes, |piece| {
            out.push(&to_js(piece));
        });
        out
    }

    /// Forgets a frame begun (the port was closed or reopened).
    pub fn clear(&mut self) {
        self.deframer.clear();
    }
}

/// The board's demo and parameters, checked by the same rules as everywhere else.
fn board_params(demo: &str, params: &str) -> Result<Params, String> {
    let id: DemoId = demo.parse().map_err(|e| format!("{e}"))?;
    let mut p = Params::defaults(id);
    p.set_all(split_params(params)?).map_err(|e| e.to_string())?;
    Ok(p)
}

/// The tasks a simulation of the demo has made in its first second, by id. A demo that
/// blocks is one task, its main, named before it runs: its one poll is the whole program,
/// which with long intervals would hold the page for as long as it takes to simulate.
fn task_names(params: &Params) -> Vec<(u64, String)> {
    let mut config = SimConfig::new(params.demo());
    config.params = params.clone();
    let mut sim = Simulation::new(config);
    if params.demo().uses_asyncio() {
        sim.run_until_bounded(1_000_000, 100_000);
    }
    sim.tasks().into_iter().map(|t| (t.id.as_u64(), t.name.into_owned())).collect()
}

/// The check of `record`'s run so far, and its text.
fn check_text(record: &Record, params: &Params, board: &str, firmware: &str) -> (String, check::Check) {
    let (from, to) = record.span().unwrap_or((0, 0));
    let c = check::check(params, record.kept(), record.presses(), from, to, record.missing());
    (format!("Baton board check: {board}, firmware {firmware}\n{c}"), c)
}

fn set(o: &js_sys::Object, key: &str, value: &JsValue) {
    // Setting a property on a plain object we just made cannot fail.
    let _ = js_sys::Reflect::set(o, &JsValue::from_str(key), value);
}

/// A piece as a plain object: `{ message }` or `{ error, version? }`.
fn to_js(piece: Piece<'_>) -> JsValue {
    let o = js_sys::Object::new();
    match piece {
        Piece::Message(m) => match message_to_js(&m) {
            Ok(v) => set(&o, "message", &v),
            // Every message's fields are numbers, strings, bytes and sequences: this cannot
            // happen, but if it did it would be a refusal, not a throw.
            Err(e) => set(&o, "error", &JsValue::from_str(&format!("a message the page cannot show: {e}"))),
        },
        Piece::Refused { why, version } => {
            set(&o, "error", &JsValue::from_str(&why));
            if let Some(v) = version {
                set(&o, "version", &JsValue::from(v));
            }
        }
    }
    o.into()
}

/// `{ type: "PinChange", t_us, pin: "LED", level }`: the variant's name as `type`, its fields
/// as serde writes them, a pin as its name (the simulator's), times as numbers (µs since time
/// zero stay exact as doubles for 285 years).
fn message_to_js(m: &BoardMessage<'_>) -> Result<JsValue, serde_wasm_bindgen::Error> {
    let tagged = serde_wasm_bindgen::to_value(m)?;
    let entries = js_sys::Object::entries(tagged.unchecked_ref());
    let entry: js_sys::Array = entries.get(0).unchecked_into();
    let (name, fields) = (entry.get(0), entry.get(1));
    set(fields.unchecked_ref(), "type", &name);
    let pin = js_sys::Reflect::get(&fields, &JsValue::from_str("pin")).unwrap_or(JsValue::UNDEFINED);
    if let Some(code) = pin.as_f64() {
        if let Some(p) = baton_link::pin_code::pin(code as u8) {
            set(fields.unchecked_ref(), "pin", &JsValue::from_str(&p.to_string()));
        }
    }
    Ok(fields)
}

/// The link protocol's version this page speaks ([`baton_link::VERSION`]), to name both when
/// a board's frame is of another.
#[wasm_bindgen]
pub fn protocol() -> u8 {
    baton_link::VERSION
}

/// A page's message as a whole frame: `"Hello"`, `"StartStream"` or `"StopStream"`
/// (`SetConfig`, which carries values: [`encode_set_config`]).
#[wasm_bindgen(js_name = encodeHost)]
pub fn encode_host(kind: &str) -> Result<Vec<u8>, JsError> {
    let message = match kind {
        "Hello" => HostMessage::Hello,
        "StartStream" => HostMessage::StartStream,
        "StopStream" => HostMessage::StopStream,
        _ => return Err(JsError::new(&format!("no host message {kind}"))),
    };
    frame_host(&message).map_err(|e| JsError::new(&e))
}

/// A `SetConfig` as a whole frame: `demo` (an id, `blink-two`) and `params` as the page's
/// links write them, `key=value&key=value` (empty: the guide's). The board checks the values
/// (docs/LINK.md); this only splits the text, so that a typo is named before anything is sent.
#[wasm_bindgen(js_name = encodeSetConfig)]
pub fn encode_set_config(demo: &str, params: &str) -> Result<Vec<u8>, JsError> {
    set_config_frame(demo, params).map_err(|e| JsError::new(&e))
}

fn set_config_frame(demo: &str, params: &str) -> Result<Vec<u8>, String> {
    let pairs = split_params(params)?;
    frame_host(&HostMessage::SetConfig { demo: demo.trim(), params: pairs })
}

/// `key=value&key=value` as pairs; a piece without `=` or with an empty key is named.
fn split_params(text: &str) -> Result<Vec<(&str, &str)>, String> {
    text.split('&')
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
        .map(|piece| match piece.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim(), v.trim())),
            _ => Err(format!("“{piece}” is not key=value")),
        })
        .collect()
}

fn frame_host(message: &HostMessage<'_>) -> Result<Vec<u8>, String> {
    let mut out = vec![0; MAX_FRAME_ON_WIRE];
    let n = encode(message, &mut out).map_err(|e| e.to_string())?;
    out.truncate(n);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_link::{Pin, VERSION};

    fn pieces(reader: &mut LinkReader, bytes: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        reader.each_piece(bytes, |p| out.push(format!("{p:?}")));
        out
    }

    #[test]
    fn text_then_a_frame_is_one_refusal_and_the_message() {
        let mut wire = vec![0u8; MAX_FRAME_ON_WIRE];
        let m = BoardMessage::PinChange { t_us: 7, pin: Pin::Led, level: true };
        let n = encode(&m, &mut wire).unwrap();
        let mut bytes = b">>> ".to_vec();
        bytes.extend_from_slice(&wire[..n]);
        let mut reader = LinkReader::new();
        let got = pieces(&mut reader, &bytes);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].starts_with("Refused"), "{got:?}");
        assert_eq!(got[1], format!("{:?}", Piece::Message(m)));
    }

    #[test]
    fn another_version_names_it() {
        // A HelloReply's tag under version VERSION + 1, with a good CRC.
        let crc = crc_of(&[VERSION + 1, 0]);
        let mut raw = vec![VERSION + 1, 0];
        raw.extend_from_slice(&crc.to_le_bytes());
        let mut bytes = vec![0u8];
        let mut enc = vec![0u8; 16];
        let n = cobs::encode(&raw, &mut enc);
        bytes.extend_from_slice(&enc[..n]);
        bytes.push(0);
        let mut reader = LinkReader::new();
        let mut got = Vec::new();
        reader.each_piece(&bytes, |p| got.push(p.into_owned_version()));
        assert_eq!(got, vec![Some(VERSION + 1)]);
    }

    impl Piece<'_> {
        fn into_owned_version(self) -> Option<u8> {
            match self {
                Piece::Refused { version, .. } => version,
                Piece::Message(_) => None,
            }
        }
    }

    fn crc_of(bytes: &[u8]) -> u32 {
        // zlib's CRC-32, bit by bit (a second reading of the same definition).
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    #[test]
    fn host_messages_frame_as_the_board_reads_them() {
        for (kind, want) in [
            ("Hello", HostMessage::Hello),
            ("StartStream", HostMessage::StartStream),
            ("StopStream", HostMessage::StopStream),
        ] {
            let bytes = encode_host(kind).unwrap();
            let mut d = Deframer::<64>::new();
            let frame = bytes.iter().filter_map(|&b| d.push(b).map(|r| r.unwrap().to_vec())).next().unwrap();
            assert_eq!(baton_link::decode_host(&frame).unwrap(), want);
        }
    }

    #[test]
    fn set_config_frames_as_the_board_reads_it() {
        let bytes = set_config_frame("blink-two", " interval1=0.1 & count1=3&").unwrap();
        let mut d = Deframer::<64>::new();
        let frame = bytes.iter().filter_map(|&b| d.push(b).map(|r| r.unwrap().to_vec())).next().unwrap();
        let want = HostMessage::SetConfig { demo: "blink-two", params: vec![("interval1", "0.1"), ("count1", "3")] };
        assert_eq!(baton_link::decode_host(&frame).unwrap(), want);
        let none = set_config_frame("blink-one", "").unwrap();
        let frame = none.iter().filter_map(|&b| d.push(b).map(|r| r.unwrap().to_vec())).next().unwrap();
        assert_eq!(
            baton_link::decode_host(&frame).unwrap(),
            HostMessage::SetConfig { demo: "blink-one", params: vec![] }
        );
    }

    #[test]
    fn tasks_are_named_as_the_simulation_names_them() {
        let names = task_names(&board_params("button-interval", "").unwrap());
        let names: Vec<&str> = names.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["main", "blink", "monitor_interval_buttons"]);
        // A demo that blocks: its main alone, named without running it.
        let blocking = task_names(&board_params("blink-polling", "").unwrap());
        assert_eq!(blocking.len(), 1, "{blocking:?}");
    }

    #[test]
    fn params_that_are_not_key_value_are_named() {
        assert_eq!(split_params("interval1=0.1&oops").unwrap_err(), "“oops” is not key=value");
        assert_eq!(split_params("=3").unwrap_err(), "“=3” is not key=value");
    }
}
