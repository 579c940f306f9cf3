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

/// Formats a float the way Python's `print` does (`repr`): the shortest digits that read
/// back the same number, always with a decimal point (`1.0`, not `1`), and in exponent form
/// outside `1e-4 ≤ |x| < 1e16` (`1e+16`, `1.5e-05`).
///
/// An `f32` prints its own shortest digits: `PyFloat(0.3f32)` is `0.3`, not the
/// `0.30000001192092896` of the `f64` it widens to. The board keeps a NeoPixel strip's
/// brightness as an `f32`, and the trace shows it as the program wrote it.
///
/// In the playground (wasm) the digits come from `ryu` with its small tables: core's float
/// formatting would add about 5 KB gzipped to the page. Elsewhere an `f64`'s come from
/// core's `{:e}`, which is faster on the RP2040 (ryu's small tables are computed with
/// 128-bit products, slow on a Cortex-M0+), where flash is plentiful; both give the
/// shortest digits (a test checks that they agree). An `f32`'s come from ryu everywhere
/// (see its impl below).
///
/// ```
/// use baton_board::console::PyFloat;
/// assert_eq!(PyFloat(0.5 + 0.1).to_string(), "0.6");
/// assert_eq!(PyFloat(1.0).to_string(), "1.0");
/// assert_eq!(PyFloat(0.1 + 0.2).to_string(), "0.30000000000000004");
/// assert_eq!(PyFloat(1e16).to_string(), "1e+16");
/// assert_eq!(PyFloat(-0.000015).to_string(), "-1.5e-05");
/// assert_eq!(PyFloat(0.3f32).to_string(), "0.3");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PyFloat<F = f64>(pub F);

impl<F: Float> fmt::Display for PyFloat<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        let wide = v.wide();
        if wide.is_nan() {
            return f.write_str("nan");
        }
        if wide.is_infinite() {
            return f.write_str(if wide < 0.0 { "-inf" } else { "inf" });
        }
        let mut text = Ascii::default();
        v.write_exp(&mut text)?;
        let (digits, exp) = shortest(text.as_str());
        if wide.is_sign_negative() {
            f.write_str("-")?;
        }
        let digits = digits.as_str().as_bytes();
        let (int, frac) = digits.split_at(1);
        let write = |f: &mut fmt::Formatter<'_>, b: &[u8]| f.write_str(core::str::from_utf8(b).unwrap_or(""));
        if (-4..16).contains(&exp) {
            if exp < 0 {
                f.write_str("0.")?;
                for _ in 0..(-exp - 1) {
                    f.write_str("0")?;
                }
                write(f, digits)
            } else {
                let point = (exp + 1) as usize;
                let (int, frac) = digits.split_at(point.min(digits.len()));
                write(f, int)?;
                for _ in digits.len()..point {
                    f.write_str("0")?;
                }
                f.write_str(".")?;
                write(f, if frac.is_empty() { b"0" } else { frac })
            }
        } else {
            write(f, int)?;
            if !frac.is_empty() {
                f.write_str(".")?;
                write(f, frac)?;
            }
            let sign = if exp < 0 { '-' } else { '+' };
            write!(f, "e{sign}{:02}", exp.unsigned_abs())
        }
    }
}

/// The floats [`PyFloat`] prints: `f64` (Python's `float`) and `f32` (what the board keeps).
/// Sealed: the digits come from ryu or core, which know only these two.
pub trait Float: Copy + sealed::Sealed {}
impl Float for f64 {}
impl Float for f32 {}

mod sealed {
    /// What [`super::PyFloat`] asks of a float.
    pub trait Sealed: Copy {
        /// The same number as an `f64` (exactly: an `f32` widens without rounding), for its
        /// class and sign.
        fn wide(self) -> f64;
        /// Writes a finite `|self|` with its shortest digits, as ryu or core's `{:e}` does
        /// (`1234.5`, `1e30`, `1.5e-7`): at most 24 bytes (`1.7976931348623157e308`).
        fn write_exp<W: core::fmt::Write>(self, out: &mut W) -> core::fmt::Result;
    }
}

impl sealed::Sealed for f64 {
    fn wide(self) -> f64 {
        self
    }
    fn write_exp<W: fmt::Write>(self, out: &mut W) -> fmt::Result {
        let v = self.abs();
        #[cfg(target_arch = "wasm32")]
        return out.write_str(ryu::Buffer::new().format_finite(v));
        #[cfg(not(target_arch = "wasm32"))]
        write!(out, "{v:e}")
    }
}

/// An `f32`'s digits come from ryu everywhere. Why not core's `{:e}` off the web, as for
/// `f64`: the two break a tie differently (461655.625 as an `f32` has two closest 8-digit
/// forms: ryu takes the even `461655.62`, core `461655.63`), and the simulator's trace
/// must read the same from its command line as from the browser. No `f32` is printed on
/// the RP2040, so its speed there does not matter.
impl sealed::Sealed for f32 {
    fn wide(self) -> f64 {
        f64::from(self)
    }
    fn write_exp<W: fmt::Write>(self, out: &mut W) -> fmt::Result {
        out.write_str(ryu::Buffer::new().format_finite(self.abs()))
    }
}

/// A few ASCII bytes on the stack: a float's text or its digits. Why not a `String`: `print`
/// formats floats on the board between two turns, and with two `String`s there the button
/// demos' prints reached the RP2040's console 11–14 µs later (rp2040js).
#[derive(Clone, Copy, Default)]
pub(crate) struct Ascii {
    bytes: [u8; 32],
    len: usize,
}

impl Ascii {
    fn as_str(&self) -> &str {
        core::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl fmt::Write for Ascii {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// `ryu`'s or core's `{:e}` text for a finite, non-negative number (`1234.5`, `0.001`,
/// `1e30`, `1.5e-7`) as its significant digits (no leading or trailing zeros; `"0"` for zero)
/// and the power of ten of the first: 1234.5 → ("12345", 3).
fn shortest(text: &str) -> (Ascii, i32) {
    use fmt::Write as _;
    let (mantissa, exp) = match text.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = || int.bytes().chain(frac.bytes());
    let lead = all().take_while(|&b| b == b'0').count();
    let mut digits = Ascii::default();
    for b in all().skip(lead) {
        let _ = digits.write_char(char::from(b));
    }
    while digits.len > 0 && digits.bytes[digits.len - 1] == b'0' {
        digits.len -= 1;
    }
    if digits.len == 0 {
        let _ = digits.write_str("0");
        return (digits, 0);
    }
    // The first significant digit's power of ten.
    (digits, exp + int.len() as i32 - 1 - lead as i32)
}

#[cfg(test)]
mod tests {
    use super::PyFloat;
    use alloc::format;
    use alloc::string::{String, ToString};
    use proptest::prelude::*;

    /// Python's `repr`, built from core's formatting: `{:e}` gives the same shortest digits
    /// in exponent form, `{}` in positional form.
    fn python(v: f64) -> String {
        let e = format!("{:e}", v.abs());
        let (mantissa, exp) = e.split_once('e').unwrap();
        let exp: i32 = exp.parse().unwrap();
        let sign = if v.is_sign_negative() { "-" } else { "" };
        if (-4..16).contains(&exp) || v == 0.0 {
            let s = format!("{}", v.abs());
            format!("{sign}{s}{}", if s.contains('.') { "" } else { ".0" })
        } else {
            format!("{sign}{mantissa}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs())
        }
    }

    #[test]
    fn as_python_prints_them() {
        for (v, text) in [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (123456789012345.6, "123456789012345.6"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (f64::NAN, "nan"),
            (f64::NEG_INFINITY, "-inf"),
        ] {
            assert_eq!(PyFloat(v).to_string(), text);
        }
    }

    proptest! {
        #[test]
        fn every_finite_float_prints_as_python_would(bits in any::<u64>()) {
            let v = f64::from_bits(bits);
            prop_assume!(v.is_finite());
            prop_assert_eq!(PyFloat(v).to_string(), python(v));
        }

        #[test]
        fn ryu_and_core_give_the_same_digits(bits in any::<u64>()) {
            let v = f64::from_bits(bits).abs();
            prop_assume!(v.is_finite());
            let (ryu_digits, ryu_exp) = super::shortest(ryu::Buffer::new().format_finite(v));
            let (core_digits, core_exp) = super::shortest(&format!("{v:e}"));
            prop_assert_eq!((ryu_digits.as_str(), ryu_exp), (core_digits.as_str(), core_exp));
        }

        /// ryu's `f32` digits are core's, but for a tie, which ryu breaks to the even digit.
        #[test]
        fn ryu_gives_core_s_f32_digits_but_breaks_ties_to_even(bits in any::<u32>()) {
            let v = f32::from_bits(bits).abs();
            prop_assume!(v.is_finite());
            let (ryu_digits, ryu_exp) = super::shortest(ryu::Buffer::new().format_finite(v));
            let (core_digits, core_exp) = super::shortest(&format!("{v:e}"));
            if (ryu_digits.as_str(), ryu_exp) != (core_digits.as_str(), core_exp) {
                // A tie: the exact value has one digit more than the shortest, a 5, and ryu's
                // last digit is even.
                let exact = super::shortest(&format!("{v:.60e}")).0;
                let n = ryu_digits.as_str().len();
                prop_assert_eq!(exact.as_str().len(), n + 1);
                prop_assert!(exact.as_str().ends_with('5'));
                prop_assert_eq!((ryu_digits.as_str().as_bytes()[n - 1] - b'0') % 2, 0);
            }
        }

        /// An `f32` prints its own shortest digits, laid out as Python lays out a float's:
        /// the text reads back as the same `f32`, and it is what Python prints for the
        /// `f64` with those digits.
        #[test]
        fn every_finite_f32_prints_its_own_digits(bits in any::<u32>()) {
            let v = f32::from_bits(bits);
            prop_assume!(v.is_finite());
            let text = PyFloat(v).to_string();
            prop_assert_eq!(text.parse::<f32>().unwrap().to_bits(), v.to_bits());
            let wide: f64 = ryu::Buffer::new().format_finite(v).parse().unwrap();
            prop_assert_eq!(text, python(wide));
        }

        #[test]
        fn short_decimals_print_the_same_as_f32_and_f64(n in -1_000_000i32..1_000_000, scale in 0u32..8) {
            let v = f64::from(n) / 10f64.powi(scale as i32);
            prop_assert_eq!(PyFloat(v as f32).to_string(), PyFloat(v).to_string());
        }

        #[test]
        fn decimals_print_as_python_would(n in -10_000_000i64..10_000_000, scale in 0u32..12) {
            let v = n as f64 / 10f64.powi(scale as i32);
            prop_assert_eq!(PyFloat(v).to_string(), python(v));
        }
    }
}
