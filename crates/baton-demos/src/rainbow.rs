//! A NeoPixel rainbow, reversed, slowed and sped up by buttons ("Controlling
//! NeoPixels").
//!
//! One task animates, one watches three buttons; a shared `Controls` object
//! carries direction and delay from one to the other.

use crate::params::{pin, ParamSpec};
use crate::params::{Kind, Value};
use crate::{DemoInfo, Params, Section};
use alloc::rc::Rc;
use alloc::vec;
use baton::{create_task, gather, sleep, sleep_secs, Duration};
use baton_board::digitalio::InputPin;
use baton_board::keypad::Keys;
use baton_board::neopixel::{NeoPixel, PixelOutput};
use baton_board::rainbowio::colorwheel;
use baton_board::{Board, BoardError, Pin, Pull};
use core::cell::Cell;
use core::convert::Infallible;

/// Shared with the playground and the CLI.
pub static INFO: DemoInfo = DemoInfo {
    id: "rainbow",
    title: "NeoPixel rainbow",
    section: Section::NeoPixels,
    description: "A rainbow turns around a 24-pixel ring on A0. A1 reverses it, A2 \
        slows it down and A3 speeds it up, by changing a shared Controls object that \
        the animation reads each frame. Each frame ends with sleep(wait) — with a \
        wait of 0 that is sleep(0), so the button task still gets its turn.",
    params: PARAMS,
    in_guide: true,
};

const PARAMS: &[ParamSpec] = &[
    pin("pixel_pin", "NeoPixel pin", Pin::A(0)),
    ParamSpec { key: "num_pixels", label: "Pixels", kind: Kind::Int { min: 1, max: 256 }, default: Value::Int(24) },
    ParamSpec {
        key: "brightness",
        label: "Brightness",
        kind: Kind::Float { min: 0.0, min_exclusive: false, max: 1.0, unit: "" },
        default: Value::Float(0.03),
    },
    pin("reverse_pin", "Reverse button", Pin::A(1)),
    pin("slower_pin", "Slower button", Pin::A(2)),
    pin("faster_pin", "Faster button", Pin::A(3)),
];

/// Direction and delay, shared by the two tasks.
#[derive(Default)]
pub struct Controls {
    /// Run the rainbow backwards.
    pub reverse: Cell<bool>,
    /// Seconds between frames.
    pub wait: Cell<f64>,
}

/// Animates the rainbow forever.
pub async fn rainbow_cycle<O: PixelOutput>(mut pixels: NeoPixel<O>, controls: Rc<Controls>) {
    let num_pixels = pixels.len();
    loop {
        // Increment by 2 instead of 1 to speed the cycle up a bit:
        // range(255, -1, -2) if reverse else range(0, 256, 2).
        let reverse = controls.reverse.get();
        for step in 0..128 {
            let j = if reverse { 255 - 2 * step } else { 2 * step };
            for i in 0..num_pixels {
                let rc_index = (i * 256 / num_pixels) as i32 + j;
                pixels.set(i, colorwheel(rc_index & 255));
            }
            pixels.show();
            sleep_secs(controls.wait.get()).await;
        }
    }
}

/// Monitors buttons that reverse direction and change animation speed.
/// Assumes buttons are active low.
pub async fn monitor_buttons<P: InputPin<Error = Infallible> + 'static>(
    reverse_pin: P,
    slower_pin: P,
    faster_pin: P,
    controls: Rc<Controls>,
) {
    let keys = Keys::new(vec![reverse_pin, slower_pin, faster_pin], false);
    loop {
        if let Some(key_event) = keys.events().get() {
            if key_event.pressed {
                match key_event.key_number {
                    0 => controls.reverse.set(!controls.reverse.get()),
                    // Lengthen the interval.
                    1 => controls.wait.set(controls.wait.get() + 0.001),
                    // Shorten the interval.
                    _ => controls.wait.set(f64::max(0.0, controls.wait.get() - 0.001)),
                }
            }
        }
        // Let another task run.
        sleep(Duration::ZERO).await;
    }
}

/// `main()`: the pixels, the controls, two tasks.
pub async fn main<B: Board>(board: B, p: &Params) -> Result<(), BoardError> {
    let num_pixels = p.int("num_pixels") as usize;
    let strip = board.neopixel(p.pin("pixel_pin"), num_pixels)?;
    let pixels = NeoPixel::new(strip, num_pixels, p.float("brightness") as f32, false);
    let controls = Rc::new(Controls::default());

    let buttons_task = create_task(monitor_buttons(
        board.input(p.pin("reverse_pin"), Pull::Up)?,
        board.input(p.pin("slower_pin"), Pull::Up)?,
        board.input(p.pin("faster_pin"), Pull::Up)?,
        controls.clone(),
    ));
    let animation_task = create_task(rainbow_cycle(pixels, controls));

    // This will run forever, because no tasks ever finish.
    let _ = gather((buttons_task, animation_task)).await;
    Ok(())
}
