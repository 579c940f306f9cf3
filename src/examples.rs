//! Python mode's programs: the guide's own `code.py` for each of its demos (the same files
//! the judge runs, `tests/oracle/examples/`), and a starter for "your program".
//!
//! The guide's programs are not compiled in (they were 1.4 KB of the page's download, for a
//! mode only some open): `cargo xtask` stages them as one file, [`FILE`], which the page
//! fetches when Python mode first opens and hands to the reducer as [`Guides`].

use baton_demos::DemoId;

/// The picker's value for "your program".
pub const YOURS: &str = "your-program";

/// What "your program" opens with: a small program to change, that runs as it is.
pub const STARTER: &str = r#"# Your program: CircuitPython's asyncio on Baton's virtual board.
# Every output pin you create shows as an LED, every input pin as a button.
import asyncio
import board
import digitalio


async def blink(pin, interval):
    with digitalio.DigitalInOut(pin) as led:
        led.switch_to_output(value=False)
        while True:
            led.value = not led.value
            await asyncio.sleep(interval)


async def main():
    await asyncio.gather(blink(board.D1, 0.5), blink(board.D2, 0.3))


asyncio.run(main())
"#;

/// Your own Rust program's `src/lib.rs`, for the source pane, where `cargo xtask serve --program PATH`
/// (or build-web) stages it (xtask/src/program.rs; `src/js/program.js` reads its manifest).
pub const PROGRAM_SOURCE: &str = "program/lib.rs";

/// Where the page fetches the guide's programs: a JSON object, `{ "<demo id>": "<code.py>", … }`.
pub const FILE: &str = "python/examples.json";

/// Whether the guide has a Python program for `demo` (the awaiting-keypad variant is Baton's
/// own).
pub fn in_guide(demo: DemoId) -> bool {
    demo.info().in_guide
}

/// The guide's Python programs, by demo, as the page fetched them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Guides(Vec<(DemoId, String)>);

impl Guides {
    /// The programs `program(demo id)` gives, for every demo of the guide; one it lacks is an
    /// error (the file and the demos are out of step).
    pub fn new(mut program: impl FnMut(&str) -> Option<String>) -> Result<Self, String> {
        let mut guides = Vec::new();
        for &demo in DemoId::ALL.iter().filter(|&&d| in_guide(d)) {
            let text = program(demo.id()).ok_or_else(|| format!("{FILE} has no program for {}", demo.id()))?;
            guides.push((demo, text));
        }
        Ok(Guides(guides))
    }

    /// The guide's program for `demo`, if it has one.
    pub fn get(&self, demo: DemoId) -> Option<&str> {
        self.0.iter().find(|(d, _)| *d == demo).map(|(_, text)| text.as_str())
    }

    /// The files themselves, for the native tests (the page fetches them).
    #[cfg(test)]
    pub fn bundled() -> Self {
        let programs = [
            ("blink-one", include_str!("../tests/oracle/examples/blink-one.py")),
            ("blink-two", include_str!("../tests/oracle/examples/blink-two.py")),
            ("blink-blocking", include_str!("../tests/oracle/examples/blink-blocking.py")),
            ("blink-polling", include_str!("../tests/oracle/examples/blink-polling.py")),
            ("button-interval", include_str!("../tests/oracle/examples/button-interval.py")),
            ("button-interval-two", include_str!("../tests/oracle/examples/button-interval-two.py")),
            ("rainbow", include_str!("../tests/oracle/examples/rainbow.py")),
            ("countio-interrupt", include_str!("../tests/oracle/examples/countio-interrupt.py")),
            ("keypad-transitions", include_str!("../tests/oracle/examples/keypad-transitions.py")),
        ];
        Guides::new(|id| programs.iter().find(|(p, _)| *p == id).map(|(_, text)| (*text).to_owned()))
            .expect("the examples")
    }
}

/// Reads `code.py line N: Type: message` (Python mode's error line) as (N, the rest).
/// Line 0 (an error outside code.py) gives `None` for the line.
pub fn error_line(text: &str) -> (Option<u32>, String) {
    let rest = text.strip_prefix("code.py line ").unwrap_or(text);
    match rest.split_once(": ") {
        Some((n, message)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => {
            let line = n.parse::<u32>().ok().filter(|&n| n > 0);
            (line, message.to_owned())
        }
        _ => (None, text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_guide_demo_has_its_program() {
        let guides = Guides::bundled();
        let with: Vec<DemoId> = DemoId::ALL.iter().copied().filter(|d| guides.get(*d).is_some()).collect();
        assert_eq!(with.len(), 9);
        for &d in DemoId::ALL {
            assert_eq!(in_guide(d), guides.get(d).is_some(), "{d:?}");
        }
        // Every file in the folder is one of them (xtask stages the folder).
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/examples")).unwrap();
        assert_eq!(files.filter(|f| f.as_ref().unwrap().path().extension().is_some_and(|x| x == "py")).count(), 9);
    }

    #[test]
    fn a_file_out_of_step_with_the_demos_is_refused() {
        let only_one = Guides::new(|id| (id == "blink-one").then(String::new));
        assert!(only_one.unwrap_err().contains("no program for"));
    }

    #[test]
    fn error_lines_are_read() {
        assert_eq!(
            error_line("code.py line 7: NameError: name 'x' isn't defined"),
            (Some(7), "NameError: name 'x' isn't defined".into())
        );
        assert_eq!(error_line("code.py line 0: internal error: boom"), (None, "internal error: boom".into()));
        assert_eq!(error_line("odd"), (None, "odd".into()));
    }
}
