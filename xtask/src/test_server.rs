//! Keeping wasm-bindgen-test-runner's page server from losing a connection.
//!
//! The runner serves the test page with `rouille` on `tiny_http` 0.12. tiny_http hands each
//! accepted connection to a thread pool that starts with 4 threads and grows only when, at the
//! moment a connection arrives, no thread is waiting. When several connections arrive at once
//! (the browser fetching the page's five JS snippets in parallel), a second arrival can count a
//! thread that was just woken for the first one as still waiting: that connection is queued, and
//! it is served only when some thread frees up, which is when the browser closes an idle
//! keep-alive connection, minutes later. The page's module graph never finishes, its tests never
//! start, and the runner gives up after its 300 s page-load wait ("Loading scripts..."; seen in
//! CI, and here in 2 of 6 runs of a fresh server, always on the last snippet requested).
//!
//! The fix is on our side of the socket: before the browser comes, open one idle connection per
//! starting thread, one at a time, and hold them for the whole run. Every thread of the first four
//! is then busy, so no thread is waiting when the browser's connections arrive, and tiny_http
//! gives each of them a new thread of its own. Nothing is sent on the held connections.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// tiny_http's `MIN_THREADS`: the threads its pool starts with.
const STARTING_THREADS: usize = 4;

/// Idle connections held open to a test server for as long as this lives.
pub(crate) struct PinnedPool {
    addr: SocketAddr,
    done: Arc<AtomicBool>,
    holder: Option<JoinHandle<()>>,
}

impl PinnedPool {
    /// Picks a free local port for the runner (pass [`PinnedPool::address`] as
    /// `WASM_BINDGEN_TEST_ADDRESS`) and starts waiting for its server to listen there.
    pub(crate) fn start() -> std::io::Result<Self> {
        let addr = TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let done = Arc::new(AtomicBool::new(false));
        let stop = done.clone();
        let holder = thread::spawn(move || {
            let mut held = Vec::with_capacity(STARTING_THREADS);
            // The server listens once cargo has built the test and the runner has run
            // wasm-bindgen over it: poll until then, or until the step ends.
            while held.len() < STARTING_THREADS && !stop.load(Ordering::Acquire) {
                match TcpStream::connect_timeout(&addr, Duration::from_millis(500)) {
                    // One at a time, each given time to be taken by a thread of its own.
                    Ok(stream) => {
                        held.push(stream);
                        thread::sleep(Duration::from_millis(50));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(50)),
                }
            }
            while !stop.load(Ordering::Acquire) {
                thread::sleep(Duration::from_millis(100));
            }
            drop(held);
        });
        Ok(Self { addr, done, holder: Some(holder) })
    }

    /// The address the runner's server is to listen on.
    pub(crate) fn address(&self) -> String {
        self.addr.to_string()
    }
}

impl Drop for PinnedPool {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Release);
        if let Some(holder) = self.holder.take() {
            let _ = holder.join();
        }
    }
}
