//! `rainbowio`: the colour wheel used by the NeoPixel demo.

/// A colour from a position on the rainbow: red at 0, green at 85, blue at
/// 170, back to red at 255. Exactly CircuitPython's `rainbowio.colorwheel`,
/// including its wrap-around (`pos & 255`), returning `0xRRGGBB`.
///
/// ```
/// use baton_board::rainbowio::colorwheel;
/// assert_eq!(colorwheel(0), 0xff0000);
/// assert_eq!(colorwheel(85), 0x00ff00);
/// assert_eq!(colorwheel(170), 0x0000ff);
/// assert_eq!(colorwheel(256 + 85), colorwheel(85));
/// ```
pub fn colorwheel(pos: i32) -> u32 {
    // `& 255` on two's complement matches Python's `int & 255` for negatives.
    let pos = (pos & 255) as u32;
    if pos < 85 {
        ((255 - pos * 3) << 16) | ((pos * 3) << 8)
    } else if pos < 170 {
        let pos = pos - 85;
        ((255 - pos * 3) << 8) | (pos * 3)
    } else {
        let pos = pos - 170;
        ((pos * 3) << 16) | (255 - pos * 3)
    }
}

#[cfg(test)]
mod tests {
    use super::colorwheel;

    /// The oracle's (CircuitPython's) formula, transcribed literally.
    fn reference(pos: i64) -> u32 {
        let pos = pos.rem_euclid(256);
        if pos < 85 {
            (((255 - pos * 3) << 16) | ((pos * 3) << 8)) as u32
        } else if pos < 170 {
            let p = pos - 85;
            (((255 - p * 3) << 8) | (p * 3)) as u32
        } else {
            let p = pos - 170;
            (((p * 3) << 16) | (255 - p * 3)) as u32
        }
    }

    #[test]
    fn matches_circuitpython_everywhere() {
        for pos in -600..600 {
            assert_eq!(colorwheel(pos), reference(pos.into()), "pos {pos}");
        }
    }
}
