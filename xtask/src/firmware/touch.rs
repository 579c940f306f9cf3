//! The "1200-baud touch": how `cargo xtask flash` puts a running Baton board
//! into BOOTSEL mode without anyone holding its button.
//!
//! Baton's firmware restarts into the boot ROM's USB mode (the `RPI-RP2`
//! drive) when a terminal opens its USB serial port at 1200 baud and closes
//! it (crates/baton-rp2040/src/console.rs), as Arduino and CircuitPython boards do.
//! `stty -F PORT 1200` is exactly that: it opens the port, sets the line
//! coding to 1200 baud and closes it, dropping DTR. picotool's equivalent,
//! for any board it knows, is `picotool reboot -f -u`.
//!
//! Baton boards are found on Linux through sysfs: a `ttyACM` device whose USB
//! device says vendor 16c0, product 27dd and manufacturer "Baton" (the
//! firmware's descriptors). Elsewhere, name the port with `--port`.

use crate::Result;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The firmware's USB vendor and product ids (crates/baton-rp2040/src/host_loop.rs), and its manufacturer string.
const VID: &str = "16c0";
const PID: &str = "27dd";
const MANUFACTURER: &str = "Baton";

/// A Baton board's serial port, as sysfs shows it.
#[derive(Debug, PartialEq, Eq)]
pub struct Port {
    /// `/dev/ttyACMn`.
    pub dev: PathBuf,
    /// The board's name (its USB product string).
    pub product: String,
    /// Its USB serial number (the flash chip's unique id).
    pub serial: String,
}

/// Baton boards among the tty devices under `class_tty` (`/sys/class/tty` on Linux),
/// sorted by device name.
pub fn find_ports(class_tty: &Path) -> Vec<Port> {
    let Ok(entries) = fs::read_dir(class_tty) else { return Vec::new() };
    let mut ports: Vec<Port> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("ttyACM"))
        .filter_map(|e| {
            // `device` is the USB interface; its parent directory is the USB device.
            let usb = e.path().join("device").join("..");
            let read = |name: &str| fs::read_to_string(usb.join(name)).ok().map(|s| s.trim().to_owned());
            if read("idVendor")? != VID || read("idProduct")? != PID || read("manufacturer")? != MANUFACTURER {
                return None;
            }
            Some(Port {
                dev: Path::new("/dev").join(e.file_name()),
                product: read("product").unwrap_or_default(),
                serial: read("serial").unwrap_or_default(),
            })
        })
        .collect();
    ports.sort_by(|a, b| a.dev.cmp(&b.dev));
    ports
}

/// Opens `port` at 1200 baud and closes it: the board restarts into BOOTSEL.
pub fn touch(port: &Path) -> Result {
    // GNU stty takes the device with -F, BSD/macOS stty with -f.
    let flag = if cfg!(target_os = "macos") { "-f" } else { "-F" };
    let status = Command::new("stty")
        .arg(flag)
        .arg(port)
        .arg("1200")
        .status()
        .map_err(|e| format!("cannot run stty for the 1200-baud touch: {e}"))?;
    // The board may vanish while stty closes the port, which stty can report as an error:
    // the caller waits for the RPI-RP2 drive either way, and says so if it never comes.
    if !status.success() {
        eprintln!("  (stty exited with {status} — normal if the board restarted at once)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake sysfs: tty entries whose `device` points into a USB device directory.
    fn fake_tty(root: &Path, tty: &str, vid: &str, pid: &str, manufacturer: &str, serial: &str) {
        let usb = root.join("devices").join(tty);
        let interface = usb.join("1-1:1.0");
        fs::create_dir_all(&interface).unwrap();
        for (name, value) in [("idVendor", vid), ("idProduct", pid), ("manufacturer", manufacturer)] {
            fs::write(usb.join(name), format!("{value}\n")).unwrap();
        }
        fs::write(usb.join("product"), "Raspberry Pi Pico\n").unwrap();
        fs::write(usb.join("serial"), format!("{serial}\n")).unwrap();
        let class = root.join("class").join(tty);
        fs::create_dir_all(&class).unwrap();
        std::os::unix::fs::symlink(&interface, class.join("device")).unwrap();
    }

    #[test]
    fn finds_only_baton_boards() {
        let root = std::env::temp_dir().join(format!("baton-touch-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fake_tty(&root, "ttyACM1", "16c0", "27dd", "Baton", "E6614103E7452D2F");
        fake_tty(&root, "ttyACM0", "239a", "80f4", "Adafruit", "DF625857C74F3F2A"); // CircuitPython
        fake_tty(&root, "ttyACM2", "16c0", "27dd", "Someone else", "1");
        fs::create_dir_all(root.join("class").join("ttyS0")).unwrap();
        let ports = find_ports(&root.join("class"));
        assert_eq!(
            ports,
            [Port {
                dev: PathBuf::from("/dev/ttyACM1"),
                product: "Raspberry Pi Pico".into(),
                serial: "E6614103E7452D2F".into()
            }]
        );
        assert!(find_ports(&root.join("nothing")).is_empty());
        fs::remove_dir_all(&root).unwrap();
    }
}
