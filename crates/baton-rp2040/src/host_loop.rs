//! The boot sequence and Baton's host loop: run every task that is ready; when none is, arm
//! the timer's alarm for the next deadline and sleep in WFI until it (or a GPIO, UART or USB
//! interrupt) fires. Each turn feeds the watchdog ([`crate::watchdog`]).
//!
//! After a panic or a watchdog restart the board boots into [`crate::safe_mode`] instead of
//! the program, and stays there until it is reset or reflashed.

use crate::board::{FreePin, Rp2040Board, GPIO_COUNT};
use crate::console::{self, FirmwareConsole};
use crate::link::{ConfigCheck, Identity, Link};
use crate::{boards, edges, heap, link, safe_mode, serial_number, stream, timer, watchdog};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use baton::{Executor, TaskState};
use baton_board::console::Console;
use baton_board::Pin;
use core::future::Future;
use core::pin::Pin as Pinned;
use fugit::RateExtU32;
use rp2040_hal as hal;
use rp2040_hal::clocks::Clock as _;
use rp2040_hal::gpio::FunctionUart;
use rp2040_hal::pac;
use rp2040_hal::pio::PIOExt;
use rp2040_hal::uart::{DataBits, StopBits, UartConfig, UartPeripheral};
use usb_device::bus::UsbBusAllocator;
use usb_device::device::{StringDescriptors, UsbDeviceBuilder, UsbVidPid};

/// Both supported boards have a 12 MHz crystal.
const XTAL_FREQ_HZ: u32 = 12_000_000;
/// The console UART's speed.
const BAUD: u32 = 115_200;

/// What a program's main returns: `()`, or a `Result` whose error is printed
/// (`error: …`) when main ends with it, as CircuitPython prints a traceback.
pub trait Outcome {
    /// The error to print, if any.
    fn error(self) -> Option<String>;
}

impl Outcome for () {
    fn error(self) -> Option<String> {
        None
    }
}

impl<E: core::fmt::Display> Outcome for Result<(), E> {
    fn error(self) -> Option<String> {
        self.err().map(|e| format!("{e}"))
    }
}

/// Runs `main` on this board: `baton_rp2040::run("my-app", |board| my_app::main(board))`.
/// `name` is what the boot line says runs (`baton: Raspberry Pi Pico, running my-app`).
/// See [`Firmware`] for more say over the boot.
pub fn run<M, F>(name: &str, main: M) -> !
where
    M: FnOnce(Rp2040Board) -> F + 'static,
    F: Future + 'static,
    F::Output: Outcome,
{
    Firmware::new(name).run(main)
}

/// The host loop does link work (docs/LINK.md) only when the next timer is further away than
/// this, µs: one frame's encoding (~10–50 µs) then never delays a wake-up.
const LINK_MARGIN_US: u64 = 300;
/// A program that never lets the loop idle (a task that yields with `sleep(0)`, as the
/// guide's button monitors do) still has the link served: one piece of its work between two
/// turns, once per 1 ms tick, in the middle of the tick ([`LINK_BUSY_WINDOW_US`], µs after
/// its start). Sleeps end on tick boundaries (Baton's 1 ms ticks count from time zero), and
/// the loop cannot see every sleeper's deadline while tasks are ready (a task queued at the
/// current tick hides the later ones), so the middle of a tick is where no wake-up is due.
const LINK_BUSY_WINDOW_US: core::ops::Range<u64> = 250..700;

/// A program about to boot: its name, lines to say before it starts, the pins it will ask for,
/// and what it tells the page over the link.
pub struct Firmware {
    name: String,
    notes: Vec<String>,
    pins: Vec<Pin>,
    identity: Option<Identity>,
    check: Option<ConfigCheck>,
}

impl Firmware {
    /// A program called `name` (the boot line's). Sets up the heap first.
    pub fn new(name: &str) -> Self {
        heap::init_heap();
        Firmware { name: String::from(name), notes: Vec::new(), pins: Vec::new(), identity: None, check: None }
    }

    /// What the board says in the link's `HelloReply` (docs/LINK.md): the firmware's version,
    /// and the demo with the parameters it runs. Without this: this crate's version, the
    /// program's name and no parameters.
    pub fn identity(mut self, firmware: &'static str, demo: &str, params: Vec<(String, String)>) -> Self {
        self.identity = Some(Identity { firmware, demo: String::from(demo), params });
        self
    }

    /// Lets the page switch the demo over the link (`SetConfig`): `check` turns the demo and
    /// parameters it sent into the configuration block to write, or says why they are refused.
    /// The runtime writes the block, answers, and restarts. Without this, `SetConfig` is refused.
    pub fn on_set_config(mut self, check: ConfigCheck) -> Self {
        self.check = Some(check);
        self
    }

    /// A line for the console before the program starts (not in safe mode): the demos say
    /// here why they fell back to the default demo.
    pub fn note(mut self, line: impl Into<String>) -> Self {
        self.notes.push(line.into());
        self
    }

    /// The pins the program will ask for, when it knows them before it starts (the demos
    /// read them from the configuration block). Boot then prepares them: the console UART
    /// does not start on a pin among them (USB is the console), and the on-board NeoPixel's
    /// power goes on at boot, so that it has settled by time zero. Without this the program
    /// gets the same pins when it asks, a little later.
    pub fn expect_pins(mut self, pins: impl IntoIterator<Item = Pin>) -> Self {
        self.pins.extend(pins);
        self
    }

    /// Whether the program (or safe mode) said it will use GPIO `gpio`.
    fn expects_gpio(pins: &[Pin], gpio: u8) -> bool {
        pins.iter().any(|&p| boards::gpio(p) == Some(gpio))
    }

    /// Boots the board and runs `main(board)` as Baton's main task, forever.
    pub fn run<M, F>(self, main: M) -> !
    where
        M: FnOnce(Rp2040Board) -> F + 'static,
        F: Future + 'static,
        F::Output: Outcome,
    {
        let Firmware { name, notes, pins, identity, check } = self;
        // Read (and clear) the watchdog's marks before anything else: they decide the mode.
        let restart = watchdog::last_reset();
        let mut pac = pac::Peripherals::take().expect("peripherals are taken once");
        let mut watchdog = hal::Watchdog::new(pac.WATCHDOG);
        let clocks = match hal::clocks::init_clocks_and_plls(
            XTAL_FREQ_HZ,
            pac.XOSC,
            pac.CLOCKS,
            pac.PLL_SYS,
            pac.PLL_USB,
            &mut pac.RESETS,
            &mut watchdog,
        ) {
            Ok(clocks) => clocks,
            Err(_) => panic!("the clocks did not start (no 12 MHz crystal?)"),
        };
        let sio = hal::Sio::new(pac.SIO);
        let gpios = hal::gpio::Pins::new(pac.IO_BANK0, pac.PADS_BANK0, sio.gpio_bank0, &mut pac.RESETS);
        let timer = hal::Timer::new(pac.TIMER, &mut pac.RESETS, &clocks);
        let mut table = pin_table(gpios);

        // The pins known to be wanted: the program's, or safe mode's status pin.
        let expected: Vec<Pin> = match restart {
            Some(_) => alloc::vec![boards::STATUS.pin()],
            None => pins,
        };
        // The consoles: the UART on its TX pin unless the program said it wants that pin.
        let tx_free = !Self::expects_gpio(&expected, boards::CONSOLE_TX);
        if tx_free {
            let tx = table[usize::from(boards::CONSOLE_TX)]
                .take()
                .and_then(|p| p.try_into_pin::<boards::ConsoleTx>().ok())
                .map(|p| p.into_function::<FunctionUart>());
            if let Some(tx) = tx {
                // SAFETY: the console UART is used here only; `pac.UART0/1` are never touched.
                let device = unsafe { boards::ConsoleUart::steal() };
                let config = UartConfig::new(BAUD.Hz(), DataBits::Eight, None, StopBits::One);
                let uart = UartPeripheral::new(device, hal::uart::Pins::default().tx(tx), &mut pac.RESETS)
                    .enable(config, clocks.peripheral_clock.freq());
                if let Ok(uart) = uart {
                    console::set_uart(uart);
                }
            }
        }
        let serial_number = serial_number::read();
        let usb_bus: &'static UsbBusAllocator<hal::usb::UsbBus> = Box::leak(Box::new(UsbBusAllocator::new(
            hal::usb::UsbBus::new(pac.USBCTRL_REGS, pac.USBCTRL_DPRAM, clocks.usb_clock, true, &mut pac.RESETS),
        )));
        let serial =
            usbd_serial::SerialPort::new_with_store(usb_bus, [0u8; console::USB_READ], [0u8; console::USB_WRITE]);
        let strings =
            StringDescriptors::default().manufacturer("Baton").product(boards::NAME).serial_number(serial_number);
        // (64-byte control packets, as the RP2040 supports: enumeration takes fewer transfers.)
        let device = UsbDeviceBuilder::new(usb_bus, UsbVidPid(0x16c0, 0x27dd))
            .strings(&[strings])
            .unwrap_or_else(|_| panic!("USB strings"))
            .max_packet_size_0(64)
            .unwrap_or_else(|_| panic!("USB packet size"))
            .device_class(usbd_serial::USB_CLASS_CDC)
            .build();
        console::set_usb(console::Usb { device, serial, open: false, outbox: None });

        // The board. An on-board NeoPixel the program said it wants gets its power now, so
        // that it has settled by the first frame (see `board::NEOPIXEL_POWER_SETTLE_US`).
        let (pio0, sm0, _, _, _) = pac.PIO0.split(&mut pac.RESETS);
        let board = Rp2040Board::new(table, pio0, sm0, timer, clocks.system_clock.freq().to_Hz());
        if boards::gpio(Pin::NeoPixel).is_some_and(|gp| Self::expects_gpio(&expected, gp)) {
            board.power_neopixel();
        }

        let why = restart.as_ref().map(|r| format!("{r}"));
        let why_again = why.clone();
        match &why {
            Some(why) => {
                for line in safe_mode::lines(why) {
                    console::announce(&line);
                }
            }
            None => {
                for line in &notes {
                    console::announce(line);
                }
            }
        }
        if !tx_free {
            console::announce(&format!(
                "baton: the program uses the console UART's pin (GPIO {}): console on USB only",
                boards::CONSOLE_TX
            ));
        }
        // The interrupts, the scheduler, the watchdog: all set up before time zero,
        // so that the first turn comes right after it, as in the simulator.
        edges::init();
        timer::init_alarm();
        // SAFETY: only core 0 runs (core 1 is never started), so thread mode is one
        // context of execution, and interrupt handlers are not in it.
        unsafe { baton::executor::set_executor_context(thread_mode) };
        let exec = Executor::new(timer::TimerClock(timer));
        watchdog::start(&mut watchdog);

        // The main task, spawned before time zero too (its allocations take ~20 µs).
        // A task joins the queue at the current tick, so the clock is started
        // provisionally: the task is queued at tick 0, and it is still tick 0 when
        // the epoch is taken again below.
        let line = match &why {
            None => format!("baton: {}, running {name}", boards::NAME),
            Some(_) => format!("baton: {}, safe mode (not running {name})", boards::NAME),
        };
        timer::start_epoch(&timer);
        // Both modes' futures boxed as one type, rather than one future that matches on
        // the mode: that would put a layer of state around every poll of the program
        // (36 cycles more from a GPIO edge to its task, measured with the bench build).
        let program: Pinned<Box<dyn Future<Output = Option<String>>>> = match why {
            None => Box::pin(async move { main(board).await.error() }),
            Some(why) => Box::pin(async move { safe_mode::run(board, why).await.error() }),
        };
        let mut main_task = exec.spawn(program);
        let identity = identity.unwrap_or_else(|| Identity {
            firmware: env!("CARGO_PKG_VERSION"),
            demo: name.clone(),
            params: Vec::new(),
        });
        let mut link = Link::new(identity, why_again, check);
        // When the busy loop next looks for link work (µs since time zero).
        let mut link_busy_at = 0u64;
        let mut reported = false;
        // The executor stays installed for the whole loop: a turn then only checks it.
        let _entered = exec.enter();
        // With a link: the task of this turn and when it began ([`turn_began`]).
        let began = core::cell::Cell::new((0u64, 0u64));

        // The last line before the scheduler starts. Once it has left the wire, the
        // program's time zero (the epoch) is taken: Baton's 1 ms ticks count from
        // there, as the simulator's count from its time zero, and the emulator
        // harness takes the end of this line as the same moment.
        console::announce(&line);
        console::flush_uart();
        watchdog::feed();
        timer::start_epoch(&timer);

        loop {
            watchdog::feed();
            // With a link, the turn is traced and the link served between turns, out of line.
            // Without one, a turn costs one load and a branch before the poll and one after:
            // nothing of the tracing is kept across the (inlined) poll. (A flag, a start time
            // and the polled task's id kept across it cost 65 cycles a turn with no link,
            // measured with the bench build.) The link's flag goes off only here, in the link's
            // work; if it went on during the poll, the stream was off before it, and is still.
            let turn = exec.poll_one_with(|task| {
                if link::wants_time() {
                    began.set(turn_began(task));
                }
            });
            if let Some(turn) = turn {
                if link::wants_time() {
                    after_turn(began.get(), &turn.state, &mut link, &mut link_busy_at);
                }
                // Only a turn that ended its task can have ended the main one.
                let ended = matches!(turn.state, TaskState::Done | TaskState::Cancelled);
                if ended && !reported && main_task.is_done() {
                    reported = true;
                    if let Some(Ok(Some(e))) = main_task.try_result() {
                        FirmwareConsole.print_line(&format!("error: {e}"));
                    }
                }
                continue;
            }
            // Nothing is ready: the link's work, one piece at a time, unless a timer is near.
            if link::wants_time() {
                let now = timer::now_us(&timer);
                let near = exec.next_deadline().is_some_and(|t| timer::to_boot_us(t) < now + LINK_MARGIN_US);
                if !near && link.idle() {
                    continue;
                }
            }
            // Nothing is ready. With interrupts masked: check once more, arm the
            // alarm, and wait for an interrupt. A pending interrupt ends WFI even
            // while masked, so a wake between the check and WFI is not lost; the
            // handler runs as soon as the mask is lifted. The alarm is set no
            // later than the watchdog's feeding time, and `timer::arm` forces the
            // interrupt for a deadline the counter has already reached.
            cortex_m::interrupt::free(|_| {
                if exec.has_ready() {
                    return;
                }
                let now = timer::now_us(&timer);
                let feed_by = now + watchdog::FEED_US;
                let wake = exec.next_deadline().map_or(feed_by, |t| timer::to_boot_us(t).min(feed_by));
                if wake <= now {
                    return;
                }
                timer::arm(wake);
                cortex_m::asm::wfi();
            });
        }
    }
}

/// With a link, as `task`'s turn begins: the task, and when the turn began (µs since time
/// zero) if a stream notes turns.
#[cold]
#[inline(never)]
fn turn_began(task: baton::TaskId) -> (u64, u64) {
    (task.as_u64(), if stream::on() { timer::since_epoch_us() } else { 0 })
}

/// After a turn, with a link: a stream notes the turn's start and end and what it left its
/// task as (a record); and a program that never lets the loop idle still has the link
/// served, in the middle of a tick ([`LINK_BUSY_WINDOW_US`]; one timer read and a comparison
/// a turn, the division once a tick). `busy_at`: when to look next, µs since time zero.
#[cold]
#[inline(never)]
fn after_turn((task, start): (u64, u64), state: &TaskState, link: &mut Link, busy_at: &mut u64) {
    let now = timer::since_epoch_us();
    stream::turn(task, start, now, state);
    if now >= *busy_at {
        let tick_start = now - now % 1000;
        let phase = now - tick_start;
        *busy_at = if LINK_BUSY_WINDOW_US.contains(&phase) {
            link.idle();
            tick_start + 1000 + LINK_BUSY_WINDOW_US.start
        } else if phase < LINK_BUSY_WINDOW_US.start {
            tick_start + LINK_BUSY_WINDOW_US.start
        } else {
            tick_start + 1000 + LINK_BUSY_WINDOW_US.start
        };
    }
}

/// Every bank-0 GPIO, free, indexed by GPIO number.
fn pin_table(p: hal::gpio::Pins) -> [Option<FreePin>; GPIO_COUNT] {
    macro_rules! dyn_pins {
        ($($name:ident),+) => { [$(Some(p.$name.into_dyn_pin())),+] };
    }
    dyn_pins!(
        gpio0, gpio1, gpio2, gpio3, gpio4, gpio5, gpio6, gpio7, gpio8, gpio9, gpio10, gpio11, gpio12, gpio13, gpio14,
        gpio15, gpio16, gpio17, gpio18, gpio19, gpio20, gpio21, gpio22, gpio23, gpio24, gpio25, gpio26, gpio27, gpio28,
        gpio29
    )
}

/// Whether the core is in thread mode (no exception active: IPSR is 0), where
/// Baton's executor runs.
fn thread_mode() -> bool {
    let ipsr: u32;
    // SAFETY: reads the IPSR special register; no memory, no side effects.
    unsafe { core::arch::asm!("mrs {}, IPSR", out(reg) ipsr, options(nomem, nostack, preserves_flags)) };
    // The exception number: bits 5:0 on ARMv6-M.
    ipsr & 0x3f == 0
}
