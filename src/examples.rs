//! Python mode's programs: the guide's own `code.py` for each of its demos (the same files
//! the judge runs, `tests/oracle/examples/`), and a starter for "your program".

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

/// The guide's Python program for `demo`, if the guide has one (the awaiting-keypad
/// variant is Baton's own).
pub fn guide_program(demo: DemoId) -> Option<&'static str> {
    Some(match demo {
        DemoId::BlinkOne => include_str!("../tests/oracle/examples/blink-one.py"),
        DemoId::BlinkTwo => include_str!("../tests/oracle/examples/blink-two.py"),
        DemoId::BlinkBlocking => include_str!("../tests/oracle/examples/blink-blocking.py"),
        DemoId::BlinkPolling => include_str!("../tests/oracle/examples/blink-polling.py"),
        DemoId::ButtonInterval => include_str!("../tests/oracle/examples/button-interval.py"),
        DemoId::ButtonIntervalTwo => include_str!("../tests/oracle/examples/button-interval-two.py"),
        DemoId::Rainbow => include_str!("../tests/oracle/examples/rainbow.py"),
        DemoId::CountioInterrupt => include_str!("../tests/oracle/examples/countio-interrupt.py"),
        DemoId::KeypadTransitions => include_str!("../tests/oracle/examples/keypad-transitions.py"),
        _ => return None,
    })
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
        let with: Vec<DemoId> = DemoId::ALL.iter().copied().filter(|d| guide_program(*d).is_some()).collect();
        assert_eq!(with.len(), 9);
        for d in with {
            assert!(d.info().in_guide, "{d:?}");
            assert!(guide_program(d).is_some_and(|p| p.contains("import")));
        }
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
