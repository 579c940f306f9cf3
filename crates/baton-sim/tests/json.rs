//! `baton_sim::json` against serde_json, the reader it replaces: on random flat objects (valid,
//! and a character or a token away from valid) both accept the same ones and read the same
//! values, and strings written by one read back the same in the other.

use baton_sim::json::{read_object, write_string, Value};
use proptest::prelude::*;
use serde_json::Value as Json;

/// An object's entries in order, repeated keys included (serde_json's own map would keep
/// one of them).
struct Entries(Vec<(String, Json)>);

impl<'de> serde::Deserialize<'de> for Entries {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Entries;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Json>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        d.deserialize_map(Visitor)
    }
}

/// What serde_json reads from `text` when it is an object of numbers and strings: its
/// fields in order.
fn serde(text: &str) -> Option<Vec<(String, String)>> {
    let Entries(entries) = serde_json::from_str(text).ok()?;
    let mut fields = Vec::new();
    for (k, v) in entries {
        let v = match v {
            Json::Number(n) => format!("n:{}", n.as_f64()?),
            Json::String(s) => format!("s:{s}"),
            _ => return None,
        };
        fields.push((k, v));
    }
    Some(fields)
}

/// What ours reads: `None` for an error (or a value that is not a number or a string).
fn ours(text: &str) -> Option<Vec<(String, String)>> {
    let mut fields = Vec::new();
    read_object(text, |k, v| {
        let v = match v {
            // serde_json refuses a number too large for an f64 (`1e400`); `parse` makes it
            // infinite, which the input reader then refuses as out of range.
            Value::Number(n) => match n.parse::<f64>() {
                Ok(v) if v.is_finite() => format!("n:{v}"),
                _ => return Err("out of range".into()),
            },
            Value::String(s) => format!("s:{s}"),
            Value::Other(kind) => return Err(kind.to_string()),
        };
        fields.push((k.to_string(), v));
        Ok(())
    })
    .ok()?;
    Some(fields)
}

/// A key or a string value: plain, with escapes, with non-ASCII, or broken.
fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => Just(r#""t_ms""#.to_string()),
        6 => Just(r#""pin""#.into()),
        6 => "[a-zA-Z0-9_ ]{0,6}".prop_map(|s| format!("\"{s}\"")),
        6 => Just(r#""a\"b\\c\/d\b\f\n\r\t""#.into()),
        6 => Just(r#""\u0041\u00e9\ud83d\ude00""#.into()),
        6 => Just("\"é ✓\"".into()),
        1 => Just(r#""\ud83d""#.into()),
        1 => Just(r#""\ude00x""#.into()),
        1 => Just(r#""\u12""#.into()),
        1 => Just(r#""\x""#.into()),
        1 => Just("\"tab\there\"".into()),
        1 => Just("\"open".into()),
        1 => Just("key".into()),
    ]
}

/// A number token: JSON's, and near misses.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (any::<i32>()).prop_map(|n| n.to_string()),
        8 => (-1_000_000i64..1_000_000, 0u32..6).prop_map(|(n, s)| format!("{}", n as f64 / 10f64.powi(s as i32))),
        4 => Just("0".into()),
        4 => Just("-0".into()),
        4 => Just("1e3".into()),
        4 => Just("1E+3".into()),
        4 => Just("2.5e-3".into()),
        1 => Just("01".into()),
        1 => Just("1.".into()),
        1 => Just(".5".into()),
        1 => Just("-".into()),
        1 => Just("1e".into()),
        1 => Just("+1".into()),
        1 => Just("1.5.2".into()),
        1 => Just("0x10".into()),
        1 => Just("1e400".into()),
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => number(),
        12 => string(),
        1 => Just("true".into()),
        1 => Just("null".into()),
        1 => Just("[1]".into()),
        1 => Just("{}".into()),
        1 => Just("nul".into()),
    ]
}

fn object() -> impl Strategy<Value = String> {
    let ws = || prop_oneof![4 => Just(""), 4 => Just(" "), 4 => Just("\t"), 4 => Just("\r\n "), 1 => Just("\u{a0}")];
    let member = (string(), ws(), prop_oneof![30 => Just(":"), 1 => Just(""), 1 => Just("=")], ws(), value());
    (
        prop::collection::vec(member, 0..4),
        prop_oneof![30 => Just(", "), 1 => Just(" "), 1 => Just(",,")],
        prop_oneof![30 => Just("}"), 1 => Just(""), 1 => Just("} x"), 1 => Just("},")],
        ws(),
    )
        .prop_map(|(members, sep, close, pad)| {
            let body: Vec<String> = members.iter().map(|(k, a, c, b, v)| format!("{k}{a}{c}{b}{v}")).collect();
            format!("{pad}{{{}{close}{pad}", body.join(sep))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn reads_what_serde_json_reads(text in object()) {
        prop_assert_eq!(ours(&text), serde(&text), "{}", text);
    }

    #[test]
    fn arbitrary_text_is_an_error_or_what_serde_json_reads(text in "\\PC{0,40}") {
        if let Some(fields) = ours(&text) {
            prop_assert_eq!(Some(fields), serde(&text));
        }
    }

    #[test]
    fn strings_round_trip_through_serde_json(s in "\\PC{0,12}|[\\x00-\\x1f\"\\\\]{0,6}") {
        let mut text = String::new();
        write_string(&mut text, &s);
        prop_assert_eq!(&text, &serde_json::to_string(&s).unwrap());
        let mut back = None;
        read_object(&format!("{{{text}: 0}}"), |k, _| {
            back = Some(k.to_string());
            Ok(())
        })
        .unwrap();
        prop_assert_eq!(back.as_deref(), Some(s.as_str()));
    }
}

/// The generator makes valid objects often enough for the comparison to mean something.
#[test]
fn the_random_objects_are_often_valid() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = object();
    let valid = (0..1000).filter(|_| serde(&strategy.new_tree(&mut runner).unwrap().current()).is_some()).count();
    assert!(valid > 300, "{valid} of 1000 valid");
}

#[test]
fn numbers_too_large_for_an_f64_are_refused_as_serde_json_refuses_them() {
    assert_eq!(ours(r#"{"a": 1e400}"#), None);
    assert_eq!(serde(r#"{"a": 1e400}"#), None);
}

#[test]
fn errors_name_what_is_wrong_and_where() {
    let err = |text: &str| {
        read_object(text, |_, v| if v == Value::Other("true") { Err("no".into()) } else { Ok(()) }).unwrap_err()
    };
    assert_eq!(err(r#"["t_ms"]"#), "expected an object, like {\"t_ms\": 0, …} (column 1)");
    assert_eq!(err(r#"{"a": 1 "b": 2}"#), "expected ',' or '}' (column 9)");
    assert_eq!(err(r#"{"a": 01}"#), "invalid number (column 8)");
    assert_eq!(err(r#"{"é": "\q"}"#), "invalid escape (column 8)");
    assert_eq!(err(r#"{"a": true}"#), "no (column 7)");
    assert_eq!(err(r#"{"a": [1]}"#), "arrays and objects are not read here (column 7)");
    assert_eq!(err(r#"{"a": 1} x"#), "unexpected text after the object (column 10)");
    assert_eq!(err(r#"{"a": "b"#), "unterminated string (column 9)");
}
