//! A GET whose body is decoded while it arrives (the 10 000-lot snapshot):
//! the chunks go, as the transport hands them over, through a bounded
//! channel to a decoder on a blocking thread that reads them as one
//! `std::io::Read` and drops each once read. The body is never held whole,
//! the cap is counted as the bytes come (a gzip bomb stops at it with a few
//! chunks in memory), and an answer that is not a 2xx is read and reported
//! as `get` reports it.

use super::causes::classify;
use super::{Client, Opened, Raw, Req, check_ok, is_html_type, status_error};
use crate::platform::error::PlatformError;
use crate::platform::sanitize::clean;
use reqwest::{StatusCode, Url};
use std::io::Read;
use std::time::Duration;

/// Chunks in flight between the transport and the decoder: enough to keep
/// both busy, few enough that a slow decoder holds the body back.
const CHUNKS_IN_FLIGHT: usize = 2;

/// The decoder's side of the channel, as one reader.
struct ChunkReader<B> {
    rx: tokio::sync::mpsc::Receiver<B>,
    chunk: Option<B>,
    at: usize,
}

impl<B: AsRef<[u8]>> Read for ChunkReader<B> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if let Some(c) = &self.chunk {
                let rest = c.as_ref().get(self.at..).unwrap_or(&[]);
                if !rest.is_empty() {
                    let n = rest.len().min(buf.len());
                    buf[..n].copy_from_slice(&rest[..n]);
                    self.at += n;
                    return Ok(n);
                }
            }
            // This chunk is read: let it go before waiting for the next.
            self.chunk = None;
            self.at = 0;
            match self.rx.blocking_recv() {
                Some(c) => self.chunk = Some(c),
                // The end of the body (or the transport gave up: it says why).
                None => return Ok(0),
            }
        }
    }
}

impl Client {
    /// GET `url` and decode a 2xx body with `decode` as it arrives. A 304
    /// (when a validator was sent) comes back as `None` with its `Raw`;
    /// any other status than 2xx is the error `get` would give. The `Raw`
    /// carries the headers and times, never the body.
    pub(in crate::platform) async fn get_streamed<T: Send + 'static>(
        &self,
        url: Url,
        req: Req<'_>,
        decode: impl FnOnce(&mut dyn Read) -> Result<T, PlatformError> + Send + 'static,
    ) -> Result<(Raw, Option<T>), PlatformError> {
        let total = req.total;
        let secs = total.as_secs_f64().ceil() as u64;
        let counted = url.clone();
        let r = match tokio::time::timeout(
            total + Duration::from_secs(1),
            self.streamed_inner(url, req, decode),
        )
        .await
        {
            Ok(Err(PlatformError::Timeout { secs: 0 })) => Err(PlatformError::Timeout { secs }),
            Ok(r) => r,
            Err(_) => Err(PlatformError::Timeout { secs }),
        };
        let outcome = r.as_ref().map(|(raw, _)| raw.status.as_u16());
        self.inner
            .requests
            .record(&self.inner.base, &counted, outcome);
        r
    }

    async fn streamed_inner<T: Send + 'static>(
        &self,
        url: Url,
        req: Req<'_>,
        decode: impl FnOnce(&mut dyn Read) -> Result<T, PlatformError> + Send + 'static,
    ) -> Result<(Raw, Option<T>), PlatformError> {
        let path = clean(url.path(), 200);
        let connect = self.inner.cfg.connect_timeout;
        let Opened {
            mut resp,
            sent,
            received,
            wall,
        } = self.open(url, &req, Some(req.total)).await?;
        let status = resp.status();
        let mut raw = Raw {
            path,
            status,
            headers: std::mem::take(resp.headers_mut()),
            body: Vec::new(),
            sent,
            received,
            wall,
        };
        if status == StatusCode::NOT_MODIFIED && req.if_none_match.is_some() {
            return Ok((raw, None));
        }
        if !status.is_success() || status == StatusCode::NO_CONTENT {
            raw.body = self.read_body(&mut resp, status, req.cap).await?;
            return Err(
                if status.is_success() || status == StatusCode::NOT_MODIFIED {
                    check_ok(&raw).err().unwrap_or(PlatformError::Http {
                        status: status.as_u16(),
                        code: None,
                        message: None,
                    })
                } else {
                    status_error(&raw, self.inner.token.as_ref())
                },
            );
        }
        if resp.content_length().is_some_and(|n| n > req.cap as u64) {
            return Err(PlatformError::TooLarge { limit: req.cap });
        }
        // A web page in place of JSON (a login or maintenance page) is said
        // so, by its type or by its first byte, as `check_ok` says it.
        if is_html_type(&raw.headers) {
            return Err(PlatformError::Html { path: raw.path });
        }
        let (tx, rx) = tokio::sync::mpsc::channel(CHUNKS_IN_FLIGHT);
        let decoder = tokio::task::spawn_blocking(move || {
            let mut reader = ChunkReader {
                rx,
                chunk: None,
                at: 0,
            };
            decode(&mut reader)
        });
        let mut seen = 0usize;
        let mut lead = None;
        let failed = loop {
            let chunk = match resp.chunk().await.map_err(|e| classify(e, connect)) {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break None,
                Err(e) => break Some(e),
            };
            if lead.is_none() {
                let bytes: &[u8] = &chunk;
                let bytes = if seen == 0 {
                    bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)
                } else {
                    bytes
                };
                lead = bytes.iter().copied().find(|b| !b.is_ascii_whitespace());
                if lead == Some(b'<') {
                    break Some(PlatformError::Html {
                        path: raw.path.clone(),
                    });
                }
            }
            seen += chunk.len();
            if seen > req.cap {
                break Some(PlatformError::TooLarge { limit: req.cap });
            }
            if lead.is_none() {
                // Nothing but whitespace so far: nothing for the decoder
                // (a body of blanks, such as a gzip bomb's, costs no parsing).
                continue;
            }
            if tx.send(chunk).await.is_err() {
                // The decoder stopped (it says why).
                break None;
            }
        };
        drop(tx);
        let decoded = decoder
            .await
            .map_err(|e| PlatformError::Decode(format!("the decoder stopped: {e}")))?;
        if let Some(e) = failed {
            // The transport's failure explains the decoder's (a body cut
            // short reads as truncated JSON).
            return Err(e);
        }
        tracing::debug!(path = %raw.path, status = status.as_u16(), bytes = seen, rtt_ms = received.0.saturating_sub(sent.0), "answer (streamed)");
        decoded.map(|v| (raw, Some(v)))
    }
}
