//! `print`: where a program's console output goes.
//!
//! On a CircuitPython board `print` goes to the USB serial console. Here the
//! host decides: the simulator records each line in its trace, the
//! playground shows it in its console panel, the firmware writes it to USB
//! CDC serial and UART0.

use core::fmt;

/// A line-oriented console.
///
/// ```
/// use baton_board::console::Console;
/// use std::{cell::RefCell, rc::Rc};
///
/// #[derive(Clone, Default)]
/// struct Lines(Rc<RefCell<Vec<String>>>);
/// impl Console for Lines {
///     fn print_line(&self, line: &str) { self.0.borrow_mut().push(line.into()) }
/// }
///
/// let c = Lines::default();
/// c.print(format_args!("interval is now {}", 0.6));
/// assert_eq!(c.0.borrow()[0], "interval is now 0.6");
/// ```
pub trait Console {
    /// Prints one line (without its newline).
    fn print_line(&self, line: &str);

    /// Prints formatted text as one line, like Python's `print(...)`.
    fn print(&self, args: fmt::Arguments<'_>) {
        match args.as_str() {
            Some(s) => self.print_line(s),
            None => self.print_line(&alloc::fmt::format(args)),
        }
    }
}

/// Formats an `f64` the way Python's `print` does: shortest round-trip
/// digits, and always a decimal point (`1.0`, not `1`).
///
/// ```
/// use baton_board::console::PyFloat;
/// assert_eq!(PyFloat(0.5 + 0.1).to_string(), "0.6");
/// assert_eq!(PyFloat(1.0).to_string(), "1.0");
/// assert_eq!(PyFloat(0.1 + 0.2).to_string(), "0.30000000000000004");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PyFloat(pub f64);

impl fmt::Display for PyFloat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        if v.is_nan() {
            return f.write_str("nan");
        }
        if v.is_infinite() {
            return f.write_str(if v > 0.0 { "inf" } else { "-inf" });
        }
        let s = alloc::format!("{v}");
        f.write_str(&s)?;
        if !s.contains('.') {
            f.write_str(".0")?;
        }
        Ok(())
    }
}
