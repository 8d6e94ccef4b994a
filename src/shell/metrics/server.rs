//! The `/metrics` endpoint: serves the newest published snapshot, encoded
//! on a blocking thread so that the runtime's threads (and with them the
//! engine and the screen) never wait for an encoding.

use super::Published;
use super::encode::CONTENT_TYPE;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The running endpoint; stops when dropped.
pub struct MetricsServer {
    task: JoinHandle<()>,
}

impl Drop for MetricsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What to say when the endpoint is reachable from other machines (it has
/// no authentication, and names the lots watched and the link's state).
fn exposure_warning(addr: SocketAddr) -> Option<String> {
    (!addr.ip().is_loopback()).then(|| {
        format!(
            "metrics served on {addr}, which is not loopback: anyone who can reach it reads them \
             (no authentication); give 127.0.0.1:PORT unless the scraper runs on another machine"
        )
    })
}

/// `--metrics ADDR` could not be bound (busy, not this machine's).
#[derive(Debug, thiserror::Error)]
#[error("cannot serve metrics on {addr}: {io} (give another --metrics ADDR)")]
pub struct BindError {
    pub addr: SocketAddr,
    pub io: std::io::Error,
}

/// Binds `addr` and serves `/metrics` from `rx` on the current runtime.
pub async fn start(
    addr: SocketAddr,
    rx: watch::Receiver<Arc<Published>>,
) -> anyhow::Result<MetricsServer> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|io| BindError { addr, io })?;
    let addr = listener.local_addr()?;
    if let Some(w) = exposure_warning(addr) {
        tracing::warn!("{w}");
        // Before the screen takes the terminal (and on stderr for `watch`).
        let _ = writeln!(std::io::stderr(), "lotwatch: warning: {w}");
    }
    let app = Router::new().route("/metrics", get(metrics)).with_state(rx);
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!("metrics server: {e}");
        }
    });
    tracing::info!("metrics at http://{addr}/metrics");
    Ok(MetricsServer { task })
}

async fn metrics(State(rx): State<watch::Receiver<Arc<Published>>>) -> Response {
    let published = rx.borrow().clone();
    match tokio::task::spawn_blocking(move || published.bytes()).await {
        Ok(body) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], body).into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("encoding failed: {e}\n"),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 27.8: every address but loopback is warned about.
    #[test]
    fn only_loopback_is_quiet() {
        for quiet in ["127.0.0.1:9184", "[::1]:9184", "127.0.0.2:1"] {
            let a: SocketAddr = quiet.parse().expect("addr");
            assert_eq!(exposure_warning(a), None, "{quiet}");
        }
        for loud in ["0.0.0.0:9184", "[::]:9184", "192.0.2.7:9184", "10.0.0.1:80"] {
            let a: SocketAddr = loud.parse().expect("addr");
            let w = exposure_warning(a).expect(loud);
            assert!(w.contains("not loopback") && w.contains("127.0.0.1"), "{w}");
        }
    }
}
