//! # Baton on an RP2040
//!
//! The guide's demos on a real board: the same `baton_demos::run(board,
//! params)` that the simulator and the playground run, here on
//! [`board::FirmwareBoard`] — GPIO, edge interrupts, PIO NeoPixels, the
//! hardware timer, and a console on UART and USB serial.
//!
//! Baton is its own executor, and this file is its host loop: run every
//! task that is ready; when none is, arm the timer's alarm for the next
//! deadline and sleep in WFI until it (or a GPIO, UART or USB interrupt)
//! fires. Each turn feeds the watchdog ([`watchdog`]).
//!
//! Which demo runs is read from the configuration block at the end of flash
//! (see [`config`]); the board is chosen at build time by cargo feature
//! (`pico`, `qtpy`; see [`boards`]). After a panic or a watchdog restart the
//! board boots into [`safe_mode`] instead, and stays there until it is reset
//! or reflashed.

#![no_std]
#![no_main]

extern crate alloc;

#[cfg(feature = "bench")]
mod bench;
mod board;
mod boards;
mod bootsel;
mod config;
mod console;
mod divider;
mod edges;
mod pixels;
mod safe_mode;
mod serial_number;
mod timer;
mod watchdog;

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use baton::{Executor, TaskState};
use baton_board::console::Console;
use baton_demos::Params;
use board::{FirmwareBoard, FreePin, GPIO_COUNT};
use console::FirmwareConsole;
use core::future::Future;
use core::mem::MaybeUninit;
use core::pin::Pin;
use embedded_alloc::LlffHeap as Heap;
use fugit::RateExtU32;
use hal::clocks::Clock as _;
use hal::gpio::FunctionUart;
use hal::pac;
use hal::pio::PIOExt;
use hal::uart::{DataBits, StopBits, UartConfig, UartPeripheral};
use rp2040_hal as hal;
use usb_device::bus::UsbBusAllocator;
use usb_device::device::{StringDescriptors, UsbDeviceBuilder, UsbVidPid};

/// Both supported boards have a 12 MHz crystal.
const XTAL_FREQ_HZ: u32 = 12_000_000;
/// The console UART's speed.
const BAUD: u32 = 115_200;
/// The heap: tasks, their futures, the demos' buffers. Static RAM stays
/// under 32 KB with it; the stack takes what is left of the 264 KB.
const HEAP_SIZE: usize = 16 * 1024;

#[global_allocator]
static HEAP: Heap = Heap::empty();

fn init_heap() {
    static mut HEAP_MEM: [MaybeUninit<u8>; HEAP_SIZE] = [MaybeUninit::uninit(); HEAP_SIZE];
    // SAFETY: called once, first thing in `main`, before anything allocates;
    // HEAP_MEM is used by nothing else.
    unsafe { HEAP.init(core::ptr::addr_of_mut!(HEAP_MEM) as usize, HEAP_SIZE) }
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

/// `demo key=value …` (the parameters that differ from the guide's).
fn describe(params: &Params) -> String {
    let mut s = String::from(params.demo().id());
    for (k, v) in params.changed() {
        s.push_str(&format!(" {k}={v}"));
    }
    s
}

/// What this boot runs.
enum Mode {
    /// The configured demo (or the board's default).
    Demo(Params),
    /// Safe mode, after Baton's watchdog restarted the board; with the reason.
    Safe(watchdog::Restart),
}

impl Mode {
    /// Whether this boot's program uses GPIO `gpio`.
    fn uses_gpio(&self, gpio: u8) -> bool {
        match self {
            Mode::Demo(params) => config::uses_gpio(params, gpio),
            Mode::Safe(_) => safe_mode::uses_gpio(gpio),
        }
    }
}

#[hal::entry]
fn main() -> ! {
    init_heap();
    // Read (and clear) the watchdog's marks before anything else: they decide the mode.
    let last_reset = watchdog::last_reset();
    #[cfg(feature = "bench")]
    bench::panic_early_if_asked();
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
    let pins = hal::gpio::Pins::new(pac.IO_BANK0, pac.PADS_BANK0, sio.gpio_bank0, &mut pac.RESETS);
    let timer = hal::Timer::new(pac.TIMER, &mut pac.RESETS, &clocks);
    let mut table = pin_table(pins);

    // Which demo (or safe mode); then the consoles (the UART only if the program leaves
    // its pin free).
    let (params, problem) = config::load();
    let described = describe(&params);
    let mode = match last_reset {
        Some(restart) => Mode::Safe(restart),
        None => Mode::Demo(params),
    };
    let tx_free = !mode.uses_gpio(boards::CONSOLE_TX);
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
    let serial = usbd_serial::SerialPort::new_with_store(usb_bus, [0u8; console::USB_READ], [0u8; console::USB_WRITE]);
    let strings = StringDescriptors::default().manufacturer("Baton").product(boards::NAME).serial_number(serial_number);
    // (64-byte control packets, as the RP2040 supports: enumeration takes fewer transfers.)
    let device = UsbDeviceBuilder::new(usb_bus, UsbVidPid(0x16c0, 0x27dd))
        .strings(&[strings])
        .unwrap_or_else(|_| panic!("USB strings"))
        .max_packet_size_0(64)
        .unwrap_or_else(|_| panic!("USB packet size"))
        .device_class(usbd_serial::USB_CLASS_CDC)
        .build();
    console::set_usb(console::Usb { device, serial, open: false, outbox: None });

    // The board. An on-board NeoPixel's power goes on now, so that it has
    // settled by the first frame (see `board::NEOPIXEL_POWER_SETTLE_US`).
    let (pio0, sm0, _, _, _) = pac.PIO0.split(&mut pac.RESETS);
    let board = FirmwareBoard::new(table, pio0, sm0, timer, clocks.system_clock.freq().to_Hz());
    if boards::gpio(baton_board::Pin::NeoPixel).is_some_and(|gp| mode.uses_gpio(gp)) {
        board.power_neopixel();
    }

    match &mode {
        Mode::Safe(restart) => {
            for line in safe_mode::lines(&alloc::format!("{restart}")) {
                console::announce(&line);
            }
        }
        Mode::Demo(_) => {
            if let Some(problem) = problem {
                console::announce(&problem);
            }
        }
    }
    if !tx_free {
        console::announce(&format!(
            "baton: the demo uses the console UART's pin (GPIO {}): console on USB only",
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
    let line = match &mode {
        Mode::Demo(_) => format!("baton: {}, running {described}", boards::NAME),
        Mode::Safe(_) => format!("baton: {}, safe mode (not running {described})", boards::NAME),
    };
    timer::start_epoch(&timer);
    // Both modes' futures boxed as one type, so the executor has one kind of main task.
    let program: Pin<Box<dyn Future<Output = Result<(), baton_board::BoardError>>>> = match mode {
        Mode::Demo(params) => Box::pin(run_demo(board, params)),
        Mode::Safe(restart) => Box::pin(safe_mode::run(board, alloc::format!("{restart}"))),
    };
    let mut main_task = exec.spawn(program);
    let mut reported = false;
    // The executor stays installed for the whole loop: a turn then only checks it.
    let _entered = exec.enter();

    // The last line before the scheduler starts. Once it has left the wire, the
    // demo's time zero (the epoch) is taken: Baton's 1 ms ticks count from
    // there, as the simulator's count from its time zero, and the emulator
    // harness takes the end of this line as the same moment.
    console::announce(&line);
    console::flush_uart();
    watchdog::feed();
    timer::start_epoch(&timer);

    loop {
        watchdog::feed();
        if let Some(turn) = exec.poll_one() {
            // Only a turn that ended its task can have ended the main one.
            let ended = matches!(turn.state, TaskState::Done | TaskState::Cancelled);
            if ended && !reported && main_task.is_done() {
                reported = true;
                if let Some(Ok(Err(e))) = main_task.try_result() {
                    FirmwareConsole.print_line(&format!("error: {e}"));
                }
            }
            continue;
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

/// The configured demo (the bench build: the timing experiments instead).
async fn run_demo(board: FirmwareBoard, params: Params) -> Result<(), baton_board::BoardError> {
    #[cfg(not(feature = "bench"))]
    return baton_demos::run(board, params).await;
    #[cfg(feature = "bench")]
    {
        let _ = params;
        bench::run(board).await;
        Ok(())
    }
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

/// A panic message cut to fit the watchdog's note, on one line.
struct Note {
    bytes: [u8; watchdog::NOTE_LEN],
    len: usize,
}

impl core::fmt::Write for Note {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for c in s.chars() {
            let c = if c == '\n' { ' ' } else { c };
            let mut utf8 = [0u8; 4];
            let encoded = c.encode_utf8(&mut utf8).as_bytes();
            if self.len + encoded.len() > self.bytes.len() {
                return Ok(());
            }
            self.bytes[self.len..self.len + encoded.len()].copy_from_slice(encoded);
            self.len += encoded.len();
        }
        Ok(())
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    cortex_m::interrupt::disable();
    let mut note = Note { bytes: [0; watchdog::NOTE_LEN], len: 0 };
    let _ = core::fmt::Write::write_fmt(&mut note, format_args!("{info}"));
    // Kept for the next boot, which goes into safe mode and says it.
    watchdog::note_panic(core::str::from_utf8(&note.bytes[..note.len]).unwrap_or("panic"));
    watchdog::restart_after_panic();
    say!("panic: {info}");
    // With interrupts off, the UART's ring is drained here, not by its interrupt.
    console::flush_uart();
    // Keep USB alive so the message reaches an open terminal until the restart.
    loop {
        console::poll_usb();
    }
}
