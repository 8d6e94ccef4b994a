//! `watch`'s standard output: a bounded queue between the app loop and a
//! writer thread, so that a slow reader never stalls the engine.
//!
//! - The queue holds at most `lines` lines and `bytes` bytes. Past that, the
//!   oldest lines are dropped and counted; the writer puts the count (a
//!   `{"type":"dropped","count":N}` line in jsonl) where they were missing,
//!   before the next line it writes. A status line keeps only the newest.
//! - A closed pipe (the reader exited, as `head -3` does) ends the writer
//!   and is reported through [`Output::closed`], even while nothing is
//!   being written (the thread looks at the pipe every second).
//! - Lines are flushed as soon as the queue is empty: one write for a burst.

use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// How full the queue may get, and what a drop looks like.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    pub lines: usize,
    pub bytes: usize,
    /// The line that reports N dropped lines; None: drop silently.
    pub dropped: Option<fn(u64) -> String>,
}

impl Policy {
    /// Event streams (jsonl, tsv): 256 lines, 256 KiB.
    pub fn stream(dropped: fn(u64) -> String) -> Policy {
        Policy {
            lines: 256,
            bytes: 256 * 1024,
            dropped: Some(dropped),
        }
    }

    /// A status line: only the newest matters.
    pub fn latest() -> Policy {
        Policy {
            lines: 1,
            bytes: 64 * 1024,
            dropped: None,
        }
    }
}

#[derive(Default)]
struct Queue {
    lines: VecDeque<String>,
    bytes: usize,
    dropped: u64,
    /// Lines dropped since start, for the log.
    dropped_total: u64,
    /// No more lines will come: write what is queued and stop.
    done: bool,
    /// The reader went away.
    closed: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
    closed: Notify,
}

/// The queue and its writer thread.
pub struct Output {
    shared: Arc<Shared>,
    policy: Policy,
    thread: Option<JoinHandle<()>>,
}

impl Output {
    /// Starts the writer on `out`; `fd` (the descriptor behind `out`) is
    /// watched for a closed pipe while idle.
    pub fn start(out: Box<dyn Write + Send>, fd: Option<i32>, policy: Policy) -> Output {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
            closed: Notify::new(),
        });
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("lotwatch-out".into())
            .spawn(move || writer(s, out, fd, policy))
            .ok();
        Output {
            shared,
            policy,
            thread,
        }
    }

    /// Queues one line (without its newline); never blocks for the reader.
    pub fn push(&self, line: String) {
        let Ok(mut q) = self.shared.queue.lock() else {
            return;
        };
        if q.closed {
            return;
        }
        while !q.lines.is_empty()
            && (q.lines.len() >= self.policy.lines || q.bytes + line.len() > self.policy.bytes)
        {
            if let Some(old) = q.lines.pop_front() {
                q.bytes -= old.len();
                q.dropped += 1;
                q.dropped_total += 1;
            }
        }
        q.bytes += line.len();
        q.lines.push_back(line);
        drop(q);
        self.shared.wake.notify_one();
    }

    /// Resolves once the reader has gone away.
    pub async fn closed(&self) {
        if self.is_closed() {
            return;
        }
        self.shared.closed.notified().await;
    }

    pub fn is_closed(&self) -> bool {
        self.shared.queue.lock().map(|q| q.closed).unwrap_or(true)
    }

    /// Lines dropped so far.
    #[cfg(test)]
    fn dropped_total(&self) -> u64 {
        self.shared
            .queue
            .lock()
            .map(|q| q.dropped_total)
            .unwrap_or(0)
    }

    /// Writes what is queued (waiting at most `within`) and stops.
    pub fn finish(mut self, within: Duration) {
        if let Ok(mut q) = self.shared.queue.lock() {
            q.done = true;
        }
        self.shared.wake.notify_one();
        let deadline = Instant::now() + within;
        if let Some(t) = self.thread.take() {
            while !t.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
            if t.is_finished() {
                let _ = t.join();
            }
        }
    }
}

/// Whether the reader of the pipe `fd` has gone (poll reports POLLERR on a
/// pipe's write end once no reader is left, POLLHUP on a hung-up tty).
fn peer_gone(fd: Option<i32>) -> bool {
    #[cfg(unix)]
    if let Some(fd) = fd {
        let mut p = libc::pollfd {
            fd,
            events: 0,
            revents: 0,
        };
        // SAFETY: one valid pollfd on the stack, a zero timeout: poll only
        // reads `fd`'s state. (std has no poll; this is the one call.)
        #[allow(unsafe_code)]
        let n = unsafe { libc::poll(&mut p, 1, 0) };
        return n > 0 && p.revents & (libc::POLLERR | libc::POLLHUP) != 0;
    }
    let _ = fd;
    false
}

fn writer(shared: Arc<Shared>, out: Box<dyn Write + Send>, fd: Option<i32>, policy: Policy) {
    // Small: what sits here is ahead of the dropped-lines count a slow reader sees.
    let mut out = std::io::BufWriter::with_capacity(8 * 1024, out);
    let gone = |shared: &Shared| {
        if let Ok(mut q) = shared.queue.lock() {
            q.closed = true;
            q.lines.clear();
            q.bytes = 0;
        }
        shared.closed.notify_one();
    };
    loop {
        let Ok(mut q) = shared.queue.lock() else {
            return;
        };
        while q.lines.is_empty() && !q.done {
            let (g, timeout) = match shared.wake.wait_timeout(q, Duration::from_secs(1)) {
                Ok(r) => r,
                Err(_) => return,
            };
            q = g;
            if timeout.timed_out() && q.lines.is_empty() && peer_gone(fd) {
                drop(q);
                gone(&shared);
                return;
            }
        }
        let dropped = std::mem::take(&mut q.dropped);
        let line = q.lines.pop_front();
        if let Some(l) = &line {
            q.bytes -= l.len();
        }
        let more = !q.lines.is_empty();
        let done = q.done && line.is_none();
        drop(q);
        let mut result = Ok(());
        if dropped > 0
            && let Some(f) = policy.dropped
        {
            tracing::warn!(dropped, "the reader is slow: lines dropped");
            result = writeln!(out, "{}", f(dropped));
        }
        if let (Ok(()), Some(l)) = (&result, &line) {
            result = writeln!(out, "{l}");
        }
        if result.is_ok() && !more {
            result = out.flush();
        }
        if result.is_err() {
            gone(&shared);
            return;
        }
        if done {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that takes one write in `every` and blocks the thread
    /// between them, like a slow reader.
    struct Slow {
        got: Arc<Mutex<Vec<u8>>>,
        pause: Duration,
    }

    impl Write for Slow {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            std::thread::sleep(self.pause);
            self.got.lock().expect("lock").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_slow_reader_gets_a_count_where_lines_were_dropped() {
        let got = Arc::new(Mutex::new(Vec::new()));
        let slow = Slow {
            got: got.clone(),
            pause: Duration::from_millis(50),
        };
        let policy = Policy {
            lines: 4,
            bytes: 1 << 20,
            dropped: Some(|n| format!("dropped {n}")),
        };
        let out = Output::start(Box::new(slow), None, policy);
        for i in 0..100 {
            out.push(format!("{i}"));
        }
        assert!(out.dropped_total() > 0);
        out.finish(Duration::from_secs(5));
        let text = String::from_utf8(got.lock().expect("lock").clone()).expect("utf8");
        let mut expect_next = 0u64;
        let mut seen_drop = false;
        for line in text.lines() {
            if let Some(n) = line.strip_prefix("dropped ") {
                expect_next += n.parse::<u64>().expect("count");
                seen_drop = true;
            } else {
                assert_eq!(line.parse::<u64>().expect("seq"), expect_next, "{text}");
                expect_next += 1;
            }
        }
        assert!(seen_drop, "{text}");
        assert_eq!(expect_next, 100, "every line written or counted: {text}");
    }

    #[test]
    fn a_closed_pipe_is_reported_while_idle() {
        use std::os::fd::AsRawFd;
        let (reader, writer) = std::io::pipe().expect("pipe");
        let fd = writer.as_raw_fd();
        let out = Output::start(Box::new(std::io::sink()), Some(fd), Policy::latest());
        drop(reader);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        let t0 = Instant::now();
        rt.block_on(async {
            tokio::time::timeout(Duration::from_secs(5), out.closed())
                .await
                .expect("closed within 5 s")
        });
        assert!(t0.elapsed() < Duration::from_secs(3));
        out.finish(Duration::from_millis(100));
        drop(writer);
    }
}
