//! The board a program of your own gets in the playground: the virtual board, telling the page
//! what the program creates.
//!
//! A demo's board is drawn from its parameters (a pin parameter named `led…` is an LED). A
//! program of your own has none: its parts are what it asks the board for, as in Python mode
//! (baton-py reports the same lines).

use baton_board::{Board, BoardError, Pin, Pull};
use baton_host::wire::Part;
use baton_sim::VirtualBoard;
use std::cell::RefCell;
use std::rc::Rc;

/// [`VirtualBoard`], noting each part created as a line for the page's worker protocol: an
/// output is an LED (`led D1`), an input or a counted input a button (`button D3`), a NeoPixel
/// strip `pixels A0 24`. Everything else is the virtual board's own.
pub struct PartsBoard {
    board: VirtualBoard,
    parts: Rc<RefCell<Vec<String>>>,
}

impl PartsBoard {
    /// `board`, noting its parts in `parts`.
    pub fn new(board: VirtualBoard, parts: Rc<RefCell<Vec<String>>>) -> Self {
        PartsBoard { board, parts }
    }

    /// `made`, and its line noted if it was made (a pin in use makes nothing).
    fn note<T>(&self, made: Result<T, BoardError>, line: impl FnOnce() -> String) -> Result<T, BoardError> {
        if made.is_ok() {
            self.parts.borrow_mut().push(line());
        }
        made
    }
}

impl Board for PartsBoard {
    type Output = <VirtualBoard as Board>::Output;
    type Input = <VirtualBoard as Board>::Input;
    type EdgeInput = <VirtualBoard as Board>::EdgeInput;
    type Pixels = <VirtualBoard as Board>::Pixels;
    type Time = <VirtualBoard as Board>::Time;
    type Console = <VirtualBoard as Board>::Console;

    fn output(&self, pin: Pin) -> Result<Self::Output, BoardError> {
        self.note(self.board.output(pin), || Part::Led(pin).line())
    }

    fn input(&self, pin: Pin, pull: Pull) -> Result<Self::Input, BoardError> {
        self.note(self.board.input(pin, pull), || Part::Button(pin).line())
    }

    fn edge_input(&self, pin: Pin, pull: Pull) -> Result<Self::EdgeInput, BoardError> {
        self.note(self.board.edge_input(pin, pull), || Part::Button(pin).line())
    }

    fn neopixel(&self, pin: Pin, n: usize) -> Result<Self::Pixels, BoardError> {
        self.note(self.board.neopixel(pin, n), || Part::Pixels(pin, n).line())
    }

    fn time(&self) -> Self::Time {
        self.board.time()
    }

    fn console(&self) -> Self::Console {
        self.board.console()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_board::console::Console;

    #[test]
    fn notes_each_part_made_and_not_a_refused_one() {
        let parts = Rc::default();
        let board = PartsBoard::new(VirtualBoard::new(true), Rc::clone(&parts));
        let _led = board.output(Pin::D(1)).unwrap();
        let _button = board.input(Pin::D(3), Pull::Up).unwrap();
        let _count = board.edge_input(Pin::D(4), Pull::Up).unwrap();
        let _strip = board.neopixel(Pin::A(0), 24).unwrap();
        assert!(board.output(Pin::D(1)).is_err(), "D1 is in use");
        board.console().print_line("hi");
        assert_eq!(*parts.borrow(), ["led D1", "button D3", "button D4", "pixels A0 24"]);
    }
}
