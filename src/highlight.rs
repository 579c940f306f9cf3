//! A small Rust syntax highlighter for the source pane: comments, strings, keywords, numbers,
//! macros and `.await` (the points where a task gives up control). It only splits text into
//! classified pieces; the page renders each piece as escaped text.

/// What a piece of source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Anything else.
    Plain,
    /// `// …` or `/* … */`.
    Comment,
    /// A string or char literal.
    Str,
    /// A keyword.
    Keyword,
    /// A number.
    Number,
    /// A macro call (`format_args!`).
    Macro,
    /// `.await`: where a task yields.
    Await,
    /// A type or trait name (starts with a capital).
    Type,
}

impl Class {
    /// The CSS class for it (empty for plain text).
    pub fn css(self) -> &'static str {
        match self {
            Class::Plain => "",
            Class::Comment => "tok-comment",
            Class::Str => "tok-str",
            Class::Keyword => "tok-kw",
            Class::Number => "tok-num",
            Class::Macro => "tok-macro",
            Class::Await => "tok-await",
            Class::Type => "tok-type",
        }
    }
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "else", "enum", "false", "fn", "for", "if", "impl",
    "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct",
    "super", "trait", "true", "type", "use", "where", "while", "dyn",
];

/// Splits `src` into classified pieces that, joined, give `src` back.
///
/// ```
/// use baton_playground::highlight::{highlight, Class};
/// let pieces = highlight("sleep(d).await; // yield");
/// assert!(pieces.contains(&(Class::Await, ".await")));
/// assert!(pieces.contains(&(Class::Comment, "// yield")));
/// assert_eq!(pieces.iter().map(|p| p.1).collect::<String>(), "sleep(d).await; // yield");
/// ```
pub fn highlight(src: &str) -> Vec<(Class, &str)> {
    let bytes = src.as_bytes();
    let mut out: Vec<(Class, &str)> = Vec::new();
    let mut i = 0;
    let mut plain_start = 0;
    fn flush<'a>(out: &mut Vec<(Class, &'a str)>, src: &'a str, from: usize, to: usize) {
        if to > from {
            out.push((Class::Plain, &src[from..to]));
        }
    }
    while i < bytes.len() {
        let b = bytes[i];
        let (class, end) = if src[i..].starts_with("//") {
            (Class::Comment, src[i..].find('\n').map_or(bytes.len(), |n| i + n))
        } else if src[i..].starts_with("/*") {
            (Class::Comment, src[i + 2..].find("*/").map_or(bytes.len(), |n| i + 2 + n + 2))
        } else if b == b'"' {
            (Class::Str, string_end(bytes, i))
        } else if b == b'\'' && is_char_literal(bytes, i) {
            (Class::Str, char_end(bytes, i))
        } else if b == b'\'' {
            // A lifetime: plain text.
            i += 1;
            while i < bytes.len() && is_ident(bytes[i]) {
                i += 1;
            }
            continue;
        } else if src[i..].starts_with(".await") && !bytes.get(i + 6).is_some_and(|c| is_ident(*c)) {
            (Class::Await, i + 6)
        } else if b.is_ascii_digit() && (i == 0 || !is_ident(bytes[i - 1])) {
            let mut j = i;
            while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b'.') {
                // `0..count`: a range, not a decimal point.
                if bytes[j] == b'.' && bytes.get(j + 1).is_some_and(|c| !c.is_ascii_digit()) {
                    break;
                }
                j += 1;
            }
            (Class::Number, j)
        } else if is_ident_start(b) && (i == 0 || !is_ident(bytes[i - 1])) {
            let mut j = i;
            while j < bytes.len() && is_ident(bytes[j]) {
                j += 1;
            }
            let word = &src[i..j];
            if bytes.get(j) == Some(&b'!') && bytes.get(j + 1) != Some(&b'=') {
                (Class::Macro, j + 1)
            } else if KEYWORDS.contains(&word) {
                (Class::Keyword, j)
            } else if word.as_bytes()[0].is_ascii_uppercase() {
                (Class::Type, j)
            } else {
                i = j;
                continue;
            }
        } else {
            // Step over one whole character.
            i += src[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        flush(&mut out, src, plain_start, i);
        out.push((class, &src[i..end]));
        i = end;
        plain_start = end;
    }
    flush(&mut out, src, plain_start, bytes.len());
    out
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut j = start + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            _ => j += 1,
        }
    }
    bytes.len()
}

/// `'a'`, `'\n'` — not a lifetime (`'static`).
fn is_char_literal(bytes: &[u8], start: usize) -> bool {
    match bytes.get(start + 1) {
        Some(b'\\') => true,
        Some(_) => bytes.get(start + 2) == Some(&b'\''),
        None => false,
    }
}

fn char_end(bytes: &[u8], start: usize) -> usize {
    let mut j = start + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b'\'' => return j + 1,
            _ => j += 1,
        }
    }
    bytes.len()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use baton_demos::DemoId;

    #[test]
    fn every_demo_source_round_trips() {
        for demo in DemoId::ALL {
            let file = format!(
                "{}/crates/baton-demos/src/{}.rs",
                env!("CARGO_MANIFEST_DIR"),
                demo.info().id.replace('-', "_")
            );
            let src = std::fs::read_to_string(&file).expect("the demo's source file");
            let joined: String = highlight(&src).iter().map(|p| p.1).collect();
            assert_eq!(joined, src, "{demo}");
        }
    }

    #[test]
    fn classes() {
        let p =
            highlight("pub async fn blink(n: u32) -> Str { let s = \"a\\\"b\"; for _ in 0..10 {} m!(x) } 'a' 'static");
        let find = |c: Class| p.iter().filter(|x| x.0 == c).map(|x| x.1).collect::<Vec<_>>();
        assert_eq!(find(Class::Keyword), ["pub", "async", "fn", "let", "for", "in"]);
        assert_eq!(find(Class::Str), ["\"a\\\"b\"", "'a'"]);
        assert_eq!(find(Class::Number), ["0", "10"]);
        assert_eq!(find(Class::Macro), ["m!"]);
        assert_eq!(find(Class::Type), ["Str"]);
    }
}
