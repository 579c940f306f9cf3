//! The little JSON the simulator speaks: it writes strings into trace lines, and it reads the
//! flat objects of input scripts (`{"t_ms": 1200, "pin": "D3", "action": "press"}`).
//!
//! Why not serde_json: the simulator also runs in the browser, in the worker modules of Python
//! mode and the blocking demos, where every kilobyte is downloaded, and it needs three fields
//! and one escape function. With serde_json gone, and the numbers it read left to the
//! browser's `parseFloat` (see `inputs`), each module is 17 KB gzipped smaller, 79 → 62 KB
//! (docs/PERFORMANCE.md). What is here is the JSON grammar those need (RFC 8259: strings with
//! every escape, numbers, whitespace), and a test checks it against serde_json on random
//! objects.

/// Appends `s` as a JSON string, escaped as serde_json escapes it: `"`, `\` and the control
/// characters, by name where JSON has one (`\n`), else as `\u00XX`; the rest as it is.
///
/// ```
/// let mut out = String::new();
/// baton_sim::json::write_string(&mut out, "say \"hi\"\n\u{1}é");
/// assert_eq!(out, r#""say \"hi\"\n\u0001é""#);
/// ```
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let n = u32::from(c) as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[n >> 4]));
                out.push(char::from(HEX[n & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `s` as a JSON string, in a `String` of its own ([`write_string`]): for a message, or a
/// field of a trace line.
///
/// ```
/// assert_eq!(baton_sim::json::quoted("push\n"), r#""push\n""#);
/// ```
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_string(&mut out, s);
    out
}

/// A value of a flat object, as [`read_object`] hands it over.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// A number, as written (it follows JSON's grammar: `-0.5`, `12`, `1e3`; not `.5`, `01`).
    Number(&'a str),
    /// A string, unescaped.
    String(String),
    /// Anything else, by kind: `"true"`, `"false"`, `"null"`, or `"an array"` and `"an object"`,
    /// which a flat object does not read (so they are named in an error, not skipped).
    Other(&'static str),
}

impl Value<'_> {
    /// What kind of value it is, as an error message names it: `"a number"`, `"a string"`,
    /// or the [`Value::Other`] kinds.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Other(kind) => kind,
        }
    }
}

/// Reads one JSON object whose values are numbers or strings, calling `field` with each key
/// and value in order. A problem (in the JSON, or one `field` returns) comes back with the
/// column it is at, counted in characters from 1: `expected ':' (column 9)`.
///
/// ```
/// use baton_sim::json::{read_object, Value};
/// let mut fields = Vec::new();
/// read_object(r#"{"t_ms": 1e3, "pin": "D\u0033"}"#, |k, v| {
///     fields.push((k.to_string(), v));
///     Ok(())
/// })
/// .unwrap();
/// assert_eq!(fields, [("t_ms".into(), Value::Number("1e3")), ("pin".into(), Value::String("D3".into()))]);
/// let err = read_object(r#"{"t_ms" 5}"#, |_, _| Ok(())).unwrap_err();
/// assert_eq!(err, "expected ':' (column 9)");
/// ```
pub fn read_object<'a>(
    text: &'a str,
    mut field: impl FnMut(&str, Value<'a>) -> Result<(), String>,
) -> Result<(), String> {
    let mut r = Reader { text, pos: 0 };
    r.skip_whitespace();
    if !r.eat(b'{') {
        return Err(r.error("expected an object, like {\"t_ms\": 0, …}"));
    }
    r.skip_whitespace();
    if !r.eat(b'}') {
        loop {
            r.skip_whitespace();
            if r.peek() != Some(b'"') {
                return Err(r.error("expected a key in double quotes"));
            }
            let key = r.string()?;
            r.skip_whitespace();
            if !r.eat(b':') {
                return Err(r.error("expected ':'"));
            }
            r.skip_whitespace();
            let at = r.pos;
            let value = r.value()?;
            let nested = matches!(value.kind(), "an array" | "an object");
            field(&key, value).map_err(|message| r.error_at(at, &message))?;
            if nested {
                return Err(r.error_at(at, "arrays and objects are not read here"));
            }
            r.skip_whitespace();
            if r.eat(b'}') {
                break;
            }
            if !r.eat(b',') {
                return Err(r.error("expected ',' or '}'"));
            }
        }
    }
    r.skip_whitespace();
    if r.pos < text.len() {
        return Err(r.error("unexpected text after the object"));
    }
    Ok(())
}

/// A cursor over the text, at a byte offset (always at a character boundary).
struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn error(&self, message: &str) -> String {
        self.error_at(self.pos, message)
    }

    fn error_at(&self, pos: usize, message: &str) -> String {
        let column = self.text[..pos].chars().count() + 1;
        format!("{message} (column {column})")
    }

    /// A value: its first character says which kind.
    fn value(&mut self) -> Result<Value<'a>, String> {
        let other = match self.peek() {
            Some(b'"') => return self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => return self.number().map(Value::Number),
            Some(b'[') => "an array",
            Some(b'{') => "an object",
            _ => {
                let rest = &self.text[self.pos..];
                match ["true", "false", "null"].into_iter().find(|w| rest.starts_with(w)) {
                    Some(w) => {
                        self.pos += w.len();
                        w
                    }
                    None => return Err(self.error("expected a value")),
                }
            }
        };
        Ok(Value::Other(other))
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, returned as written.
    fn number(&mut self) -> Result<&'a str, String> {
        let start = self.pos;
        let digits = |r: &mut Self| {
            let from = r.pos;
            while matches!(r.peek(), Some(b'0'..=b'9')) {
                r.pos += 1;
            }
            r.pos - from
        };
        self.eat(b'-');
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.error("expected a digit")),
        }
        if self.eat(b'.') && digits(self) == 0 {
            return Err(self.error("expected a digit after '.'"));
        }
        if self.eat(b'e') || self.eat(b'E') {
            let _ = self.eat(b'+') || self.eat(b'-');
            if digits(self) == 0 {
                return Err(self.error("expected a digit in the exponent"));
            }
        }
        if matches!(self.peek(), Some(b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')) {
            return Err(self.error("invalid number"));
        }
        Ok(&self.text[start..self.pos])
    }

    /// A string, from its opening quote: every escape of JSON, and no raw control characters.
    fn string(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.text[self.pos..].chars().next() else {
                return Err(self.error("unterminated string"));
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                '\\' => {
                    let escape_at = self.pos;
                    self.pos += 1;
                    let unescaped = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            out.push(self.unicode_escape(escape_at)?);
                            continue;
                        }
                        _ => return Err(self.error_at(escape_at, "invalid escape")),
                    };
                    self.pos += 1;
                    out.push(unescaped);
                }
                c if u32::from(c) < 0x20 => return Err(self.error("control character in a string")),
                c => {
                    self.pos += c.len_utf8();
                    out.push(c);
                }
            }
        }
    }

    /// After `\u`: four hex digits, and a second `\uXXXX` when they are a high surrogate.
    fn unicode_escape(&mut self, escape_at: usize) -> Result<char, String> {
        let invalid = |r: &Self| Err(r.error_at(escape_at, "invalid unicode escape"));
        let Some(high) = self.hex4() else { return invalid(self) };
        let code = match high {
            0xD800..=0xDBFF => {
                if !self.text[self.pos..].starts_with("\\u") {
                    return invalid(self);
                }
                self.pos += 2;
                match self.hex4() {
                    Some(low @ 0xDC00..=0xDFFF) => 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00),
                    _ => return invalid(self),
                }
            }
            0xDC00..=0xDFFF => return invalid(self),
            code => code,
        };
        char::from_u32(code).map_or_else(|| invalid(self), Ok)
    }

    fn hex4(&mut self) -> Option<u32> {
        let hex = self.text.get(self.pos..self.pos + 4)?;
        let code = u32::from_str_radix(hex, 16).ok().filter(|_| hex.bytes().all(|b| b.is_ascii_hexdigit()))?;
        self.pos += 4;
        Some(code)
    }
}
