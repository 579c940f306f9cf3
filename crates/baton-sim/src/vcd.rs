//! Export of pin activity as a Value Change Dump, so a trace opens in
//! PulseView or GTKWave like a logic-analyzer capture.

use crate::trace::TraceEvent;
use baton_board::Pin;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The pins' levels (outputs and inputs) as VCD text, timescale 1 µs.
///
/// ```
/// use baton_sim::{vcd, TraceEvent};
/// use baton_board::Pin;
/// let trace = [
///     TraceEvent::Pin { t_us: 10, pin: Pin::D(1), value: true },
///     TraceEvent::Pin { t_us: 250_020, pin: Pin::D(1), value: false },
/// ];
/// let text = vcd::to_vcd(&trace, "blink-one");
/// assert!(text.contains("$var wire 1 ! D1 $end"));
/// assert!(text.contains("#250020\n0!"));
/// ```
pub fn to_vcd(events: &[TraceEvent], design: &str) -> String {
    let mut ids: BTreeMap<Pin, String> = BTreeMap::new();
    for e in events {
        if let TraceEvent::Pin { pin, .. } | TraceEvent::Input { pin, .. } = e {
            let next = ids.len();
            ids.entry(*pin).or_insert_with(|| vcd_id(next));
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "$comment baton-sim trace of {design} $end");
    out.push_str("$timescale 1 us $end\n$scope module board $end\n");
    for (pin, id) in &ids {
        let _ = writeln!(out, "$var wire 1 {id} {pin} $end");
    }
    out.push_str("$upscope $end\n$enddefinitions $end\n");
    let mut last_t = None;
    for e in events {
        if let TraceEvent::Pin { t_us, pin, value } | TraceEvent::Input { t_us, pin, value } = e {
            if last_t != Some(*t_us) {
                let _ = writeln!(out, "#{t_us}");
                last_t = Some(*t_us);
            }
            let _ = writeln!(out, "{}{}", u8::from(*value), ids[pin]);
        }
    }
    out
}

/// VCD identifiers: printable ASCII from `!`.
fn vcd_id(mut n: usize) -> String {
    let mut s = String::new();
    loop {
        s.push(char::from(b'!' + (n % 94) as u8));
        n /= 94;
        if n == 0 {
            return s;
        }
    }
}
