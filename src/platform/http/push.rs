//! The push feed (`GET /api/v1/stream?after=SEQ`, Server-Sent Events): one
//! long answer whose messages are the long-poll's pages, each sent as soon
//! as it exists, and `heartbeat` pages during silence. The framing is read
//! here, bounded: a message longer than the feed's body cap ends the stream.

use super::{Client, MAX_FEED_BODY, Opened, Raw, Req, check_ok, status_error};
use crate::domain::clock::{ClockSample, Mono, mono_now, wall_now};
use crate::platform::decode::{self, EventsPage};
use crate::platform::error::PlatformError;
use crate::platform::http::Fetched;
use crate::platform::http::causes::classify;
use crate::platform::sanitize::clean;
use reqwest::StatusCode;
use reqwest::header;
use std::time::Duration;

/// An open push feed.
pub struct PushFeed {
    resp: reqwest::Response,
    frames: SseFrames,
    /// The round trip of the request that opened it: the uncertainty of
    /// every clock sample taken from its messages (their one-way delay is
    /// not known, and is at most about that).
    rtt_ms: u64,
    path: String,
}

impl Client {
    /// Opens the push feed after `after`. A server without one answers 404
    /// (`PlatformError::NotFound`); a cursor older than its history, 410.
    pub async fn stream(&self, after: u64) -> Result<PushFeed, PlatformError> {
        let mut url = self.url("api/v1/stream")?;
        url.query_pairs_mut()
            .append_pair("after", &after.to_string());
        let path = clean(url.path(), 200);
        let req = Req {
            cap: MAX_FEED_BODY,
            ..self.normal()
        };
        let counted = url.clone();
        let connect = self.inner.cfg.request_timeout;
        let opened = match tokio::time::timeout(connect, self.open(url, &req, None)).await {
            Ok(r) => r,
            Err(_) => Err(PlatformError::Timeout {
                secs: connect.as_secs().max(1),
            }),
        };
        let outcome = opened.as_ref().map(|o| o.resp.status().as_u16());
        self.inner
            .requests
            .record(&self.inner.base, &counted, outcome);
        let Opened {
            mut resp,
            sent,
            received,
            wall,
        } = opened?;
        let status = resp.status();
        let is_sse = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.trim_start().starts_with("text/event-stream"));
        if !status.is_success() || status == StatusCode::NO_CONTENT || !is_sse {
            // Read what little the error says, within the error cap.
            let mut body = Vec::new();
            while let Ok(Some(chunk)) = resp.chunk().await {
                if body.len() + chunk.len() > super::MAX_ERROR_BODY {
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            let raw = Raw {
                path: path.clone(),
                status,
                headers: std::mem::take(resp.headers_mut()),
                body,
                sent,
                received,
                wall,
            };
            if status.is_success() {
                // A 200 that is not an event stream: a page or a proxy's
                // answer; say what it is rather than read it as a feed.
                check_ok(&raw)?;
                return Err(PlatformError::Decode(
                    "the push feed did not answer with an event stream".into(),
                ));
            }
            return Err(status_error(&raw, self.inner.token.as_ref()));
        }
        Ok(PushFeed {
            resp,
            frames: SseFrames::new(MAX_FEED_BODY),
            rtt_ms: received.0.saturating_sub(sent.0),
            path,
        })
    }
}

impl PushFeed {
    /// The next page (a heartbeat is a page without events), or `None` when
    /// the server ended the stream. Silence longer than `stall` is a
    /// timeout: the caller reconnects or falls back to the long-poll.
    pub async fn next(
        &mut self,
        stall: Duration,
    ) -> Result<Option<Fetched<EventsPage>>, PlatformError> {
        loop {
            if let Some(frame) = self.frames.next_frame()? {
                if !matches!(frame.event.as_str(), "events" | "heartbeat") {
                    continue; // a kind this client does not know
                }
                return self.page(&frame.data).map(Some);
            }
            let chunk = match tokio::time::timeout(stall, self.resp.chunk()).await {
                Err(_) => {
                    return Err(PlatformError::Timeout {
                        secs: stall.as_secs().max(1),
                    });
                }
                Ok(Ok(Some(c))) => c,
                Ok(Ok(None)) => return Ok(None),
                Ok(Err(e)) => return Err(classify(e, Duration::ZERO)),
            };
            self.frames.push(&chunk)?;
        }
    }

    fn page(&self, data: &str) -> Result<Fetched<EventsPage>, PlatformError> {
        let received = mono_now();
        let v: serde_json::Value = serde_json::from_str(data).map_err(|e| {
            PlatformError::Decode(format!("{}: invalid JSON in a message: {e}", self.path))
        })?;
        let page = decode::decode_events(&v).map_err(|e| PlatformError::Decode(e.0))?;
        let clock = decode::server_time(&v).map(|server| ClockSample {
            server,
            sent: Mono(received.0.saturating_sub(self.rtt_ms)),
            received,
            local_wall: wall_now(),
            from_date_header: false,
        });
        Ok(Fetched {
            value: page,
            clock,
            etag: None,
        })
    }
}

/// One dispatched message: its `event` field (`message` by default) and
/// its data lines joined by `\n`.
#[derive(Debug, PartialEq, Eq)]
pub struct SseFrame {
    pub event: String,
    pub data: String,
}

/// The `text/event-stream` framing (the WHATWG HTML standard's "event
/// stream interpretation"), fed bytes as they come: lines end in CRLF, LF
/// or CR; a blank line dispatches; `:` starts a comment; `id` and `retry`
/// are not needed here (the pages carry their seqs). Everything pending is
/// bounded by `cap`.
#[derive(Debug)]
pub struct SseFrames {
    cap: usize,
    buf: Vec<u8>,
    /// After a CR: an LF right after it belongs to the same line end.
    skip_lf: bool,
    event: String,
    data: String,
    has_data: bool,
    started: bool,
}

impl SseFrames {
    pub fn new(cap: usize) -> SseFrames {
        SseFrames {
            cap,
            buf: Vec::new(),
            skip_lf: false,
            event: String::new(),
            data: String::new(),
            has_data: false,
            started: false,
        }
    }

    /// Adds bytes; refuses a pending message beyond the cap.
    pub fn push(&mut self, bytes: &[u8]) -> Result<(), PlatformError> {
        if self.buf.len() + self.data.len() + bytes.len() > self.cap {
            return Err(PlatformError::TooLarge { limit: self.cap });
        }
        self.buf.extend_from_slice(bytes);
        Ok(())
    }

    /// The next whole message, if the bytes so far hold one.
    fn next_frame(&mut self) -> Result<Option<SseFrame>, PlatformError> {
        loop {
            if self.skip_lf && !self.buf.is_empty() {
                if self.buf[0] == b'\n' {
                    self.buf.drain(..1);
                }
                self.skip_lf = false;
            }
            let Some(end) = self.buf.iter().position(|&b| b == b'\n' || b == b'\r') else {
                return Ok(None);
            };
            self.skip_lf = self.buf[end] == b'\r';
            let line: Vec<u8> = self.buf.drain(..=end).take(end).collect();
            let mut line = String::from_utf8_lossy(&line).into_owned();
            if !self.started {
                self.started = true;
                if let Some(rest) = line.strip_prefix('\u{feff}') {
                    line = rest.to_string();
                }
            }
            if line.is_empty() {
                if !self.has_data {
                    self.event.clear();
                    continue;
                }
                let event = std::mem::take(&mut self.event);
                let data = std::mem::take(&mut self.data);
                self.has_data = false;
                return Ok(Some(SseFrame {
                    event: if event.is_empty() {
                        "message".into()
                    } else {
                        event
                    },
                    data,
                }));
            }
            if line.starts_with(':') {
                continue;
            }
            let (field, value) = match line.split_once(':') {
                Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
                None => (line.as_str(), ""),
            };
            match field {
                "event" => self.event = value.chars().take(64).collect(),
                "data" => {
                    if self.has_data {
                        self.data.push('\n');
                    }
                    self.data.push_str(value);
                    self.has_data = true;
                }
                _ => {} // id, retry and unknown fields
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(chunks: &[&[u8]]) -> Vec<SseFrame> {
        let mut f = SseFrames::new(1024);
        let mut out = Vec::new();
        for c in chunks {
            f.push(c).expect("within the cap");
            while let Some(m) = f.next_frame().expect("frames") {
                out.push(m);
            }
        }
        out
    }

    fn frame(event: &str, data: &str) -> SseFrame {
        SseFrame {
            event: event.into(),
            data: data.into(),
        }
    }

    #[test]
    fn messages_are_cut_at_blank_lines_whatever_the_chunks() {
        let whole: &[u8] =
            b"event: events\nid: 5\ndata: {\"a\":1}\n\n: comment\n\nevent: heartbeat\ndata: {}\n\n";
        let expected = vec![frame("events", "{\"a\":1}"), frame("heartbeat", "{}")];
        assert_eq!(frames(&[whole]), expected);
        // Byte by byte: the same messages.
        let bytes: Vec<&[u8]> = whole.chunks(1).collect();
        assert_eq!(frames(&bytes), expected);
    }

    #[test]
    fn every_line_end_and_a_bom() {
        assert_eq!(
            frames(&[b"\xef\xbb\xbfdata:a\r\ndata: b\rdata:c\n\r\n"]),
            vec![frame("message", "a\nb\nc")]
        );
        // A CR at the end of one chunk and its LF at the start of the next
        // are one line end, not a blank line.
        assert_eq!(
            frames(&[b"data: x\r", b"\ndata: y\r", b"\n\r\n"]),
            vec![frame("message", "x\ny")]
        );
    }

    #[test]
    fn no_data_no_message_and_an_unfinished_one_waits() {
        assert_eq!(frames(&[b"event: events\n\n"]), vec![]);
        assert_eq!(frames(&[b"data: half"]), vec![]);
    }

    #[test]
    fn a_message_beyond_the_cap_is_refused() {
        let mut f = SseFrames::new(16);
        assert!(f.push(b"data: 0123456789").is_ok());
        assert!(matches!(
            f.push(b"abcdefgh"),
            Err(PlatformError::TooLarge { limit: 16 })
        ));
    }
}
