//! Pins on the wire: one byte, the pin's place in [`Pin::all`]'s order (D0–D13 are 0–13,
//! A0–A5 are 14–19, LED is 20, NEOPIXEL is 21). The guide's names, not GPIO numbers: the
//! simulator knows pins by name, and on the QT Py two names share a GPIO.

use baton_board::Pin;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The pin's code.
pub fn code(pin: Pin) -> u8 {
    match pin {
        Pin::D(n) => n,
        Pin::A(n) => 14 + n,
        Pin::Led => 20,
        Pin::NeoPixel => 21,
    }
}

/// The pin with this code, if any.
pub fn pin(code: u8) -> Option<Pin> {
    Pin::all().nth(usize::from(code))
}

/// `#[serde(with = "pin_code")]`: a [`Pin`] as its code.
pub fn serialize<S: Serializer>(pin: &Pin, s: S) -> Result<S::Ok, S::Error> {
    code(*pin).serialize(s)
}

/// See [`serialize`]; an unknown code is an error that names it.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Pin, D::Error> {
    let c = u8::deserialize(d)?;
    pin(c).ok_or_else(|| serde::de::Error::custom("unknown pin code"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pin_has_its_own_code_and_comes_back() {
        for (i, p) in Pin::all().enumerate() {
            assert_eq!(usize::from(code(p)), i, "{p}");
            assert_eq!(pin(code(p)), Some(p));
        }
        assert_eq!(pin(22), None);
    }
}
