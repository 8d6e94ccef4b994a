//! What an answer costs in memory, measured on this process's resident set
//! (`VmHWM`, reset through `/proc/self/clear_refs` before each case) and its
//! live heap (a counting allocator): a 10 000-lot snapshot is decoded
//! without its 6 MB body ever held whole, and the transport attacks (a gzip
//! bomb, endless chunks, a body far over the cap, a 1 MiB header) are
//! refused within a few MiB whatever they send. The server is a raw TCP
//! loop that writes each answer as it goes, so that its side holds nothing
//! big. Its own binary: the allocator and the resident set see only this.

#![allow(clippy::unwrap_used)] // a test may stop at the first surprise

use lotwatch::domain::Timestamp;
use lotwatch::platform::decode::decode_lots_bytes;
use lotwatch::platform::error::PlatformError;
use lotwatch::platform::wire::{LotsBody, WireLot};
use lotwatch::platform::{Cached, Client, ClientConfig};
use lotwatch::sim::engine::Engine;
use lotwatch::sim::scenario::Scenario;
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Counts the heap bytes live (the system allocator underneath).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// An allocator must be `unsafe impl`: it only forwards to System and counts.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        // SAFETY: forwarded as given.
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            LIVE.fetch_add(l.size(), Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: forwarded as given.
        unsafe { System.dealloc(p, l) };
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static A: Counting = Counting;

const MIB: usize = 1024 * 1024;

fn status_kb(field: &str) -> usize {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    s.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap()
}

/// Resets the peak resident set to the current one.
fn reset_peak() {
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
}

/// What one case cost: the resident set's peak above where it stood, and
/// the live heap kept after it.
async fn cost<T>(f: impl std::future::Future<Output = T>) -> (T, usize, isize) {
    let live = LIVE.load(Ordering::Relaxed);
    reset_peak();
    let rss = status_kb("VmRSS:") * 1024;
    let out = f.await;
    let peak = (status_kb("VmHWM:") * 1024).saturating_sub(rss);
    let kept = LIVE.load(Ordering::Relaxed) as isize - live as isize;
    (out, peak, kept)
}

/// The answers the server gives, whatever is asked.
#[derive(Clone)]
enum Answer {
    Json(Arc<Vec<u8>>),
    /// Gzip of `prefix` then `n` MiB of blanks, sent with its length.
    GzipBomb(Arc<Vec<u8>>),
    /// A chunked body of blanks that never ends.
    EndlessChunks,
    /// A Content-Length of 50 MB, then blanks.
    HugeBody,
    /// One header of 1 MiB.
    HugeHeader,
}

fn gzip_bomb(prefix: &str, mib: usize) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(prefix.as_bytes()).unwrap();
    let blanks = vec![b' '; MIB];
    for _ in 0..mib {
        enc.write_all(&blanks).unwrap();
    }
    enc.finish().unwrap()
}

async fn serve(answer: Answer) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            tokio::spawn(answer_on(conn, answer.clone()));
        }
    });
    url
}

async fn answer_on(mut conn: TcpStream, answer: Answer) {
    // The request head (the client sends no body).
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let blanks = vec![b' '; 64 * 1024];
    let _ = match answer {
        Answer::Json(body) => {
            let h = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            async {
                conn.write_all(h.as_bytes()).await?;
                conn.write_all(&body).await
            }
            .await
        }
        Answer::GzipBomb(bomb) => {
            let h = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
                bomb.len()
            );
            async {
                conn.write_all(h.as_bytes()).await?;
                conn.write_all(&bomb).await
            }
            .await
        }
        Answer::EndlessChunks => {
            let h = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
            async {
                conn.write_all(h.as_bytes()).await?;
                loop {
                    conn.write_all(format!("{:x}\r\n", blanks.len()).as_bytes())
                        .await?;
                    conn.write_all(&blanks).await?;
                    conn.write_all(b"\r\n").await?;
                }
            }
            .await
        }
        Answer::HugeBody => {
            let h = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n";
            async {
                conn.write_all(h.as_bytes()).await?;
                loop {
                    conn.write_all(&blanks).await?;
                }
            }
            .await
        }
        Answer::HugeHeader => {
            async {
                conn.write_all(b"HTTP/1.1 200 OK\r\nX-Big: ").await?;
                let a = vec![b'a'; 64 * 1024];
                for _ in 0..16 {
                    conn.write_all(&a).await?;
                }
                conn.write_all(b"\r\nContent-Length: 2\r\n\r\n{}").await
            }
            .await
        }
    };
}

fn client(url: &str) -> Client {
    Client::new(ClientConfig::new(url)).unwrap()
}

/// The `/lots` body of the generated 10 000-lot day, 25 minutes in.
fn ten_thousand_lots() -> Vec<u8> {
    let start = Timestamp::parse("2025-06-24T05:00:00Z").unwrap();
    let mut e = Engine::new(&Scenario::generated(10_000, 7), 7, start, 1.0);
    e.advance_to(start.plus_secs(25 * 60));
    let body = LotsBody {
        server_time: e.now().to_rfc3339(),
        seq: e.last_seq(),
        lots: e.lots().iter().map(WireLot::from).collect(),
    };
    serde_json::to_vec(&body).unwrap()
}

// One test, its cases in turn: the resident set is the process's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_cost_bounded_memory() {
    // The allocator as the monitor sets it (src/shell/malloc.rs).
    // SAFETY: two of malloc's parameters, set before the test's own work.
    #[allow(unsafe_code)]
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
    let body = Arc::new(ten_thousand_lots());
    assert!(body.len() > 5 * MIB, "{} bytes", body.len());
    let expected = decode_lots_bytes(&body).unwrap();
    let url = serve(Answer::Json(body.clone())).await;
    // Once to warm up (the client, the blocking thread, the allocator).
    let c = client(&url);
    drop(c.lots(None).await.unwrap());

    // What decoding the lots costs with the body already in memory.
    let (p, decode_peak, _) = cost(async { decode_lots_bytes(&body) }).await;
    drop(p);
    let (page, peak, kept) = cost(c.lots(None)).await;
    let page = page.unwrap();
    let Cached::Fresh(page) = page.value else {
        panic!("not modified?")
    };
    assert_eq!(page, expected, "the streamed decode differs");
    eprintln!(
        "10 000 lots, {} B of body: peak {} kB above the start ({} kB decoding from memory), {} kB kept (the lots)",
        body.len(),
        peak / 1024,
        decode_peak / 1024,
        kept / 1024
    );
    // The body is never held whole beside the lots: fetched, the lots cost
    // what decoding them from memory costs and a few chunks more, not that
    // and the body.
    assert!(kept > 0);
    assert!(
        peak < decode_peak + body.len() / 2,
        "peak {peak} against {decode_peak} decoding from memory: the body ({} B) was held",
        body.len()
    );
    drop(page);

    let bomb = Arc::new(gzip_bomb(r#"{"seq":1,"lots":["#, 40));
    let auction_bomb = Arc::new(gzip_bomb("", 40));
    let cases: [(&str, Answer, usize); 6] = [
        ("gzip bomb on /lots", Answer::GzipBomb(bomb), 4 * MIB),
        (
            "gzip bomb on /auction",
            Answer::GzipBomb(auction_bomb),
            4 * MIB,
        ),
        ("endless chunks on /lots", Answer::EndlessChunks, 4 * MIB),
        ("endless chunks on /events", Answer::EndlessChunks, 8 * MIB),
        ("50 MB body on /lots", Answer::HugeBody, 2 * MIB),
        ("1 MiB header on /lots", Answer::HugeHeader, 4 * MIB),
    ];
    for (name, answer, bound) in cases {
        let c = client(&serve(answer).await);
        let (r, peak, _) = cost(async {
            if name.ends_with("/auction") {
                c.auction().await.map(|_| ())
            } else if name.ends_with("/events") {
                c.events(0, 0, 1000).await.map(|_| ())
            } else {
                c.lots(None).await.map(|_| ())
            }
        })
        .await;
        eprintln!("{name}: {r:?}, peak {} kB above the start", peak / 1024);
        if !name.contains("header") {
            assert!(
                matches!(r, Err(PlatformError::TooLarge { .. })),
                "{name}: {r:?}"
            );
        } else {
            assert!(r.is_err(), "{name}: {r:?}");
        }
        assert!(peak < bound, "{name}: peak {peak} B, bound {bound} B");
    }
}
