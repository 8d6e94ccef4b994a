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
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The running endpoint; stops when dropped.
pub struct MetricsServer {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for MetricsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Binds `addr` and serves `/metrics` from `rx` on the current runtime.
pub async fn start(
    addr: SocketAddr,
    rx: watch::Receiver<Arc<Published>>,
) -> anyhow::Result<MetricsServer> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        anyhow::anyhow!("cannot serve metrics on {addr}: {e} (give another --metrics ADDR)")
    })?;
    let addr = listener.local_addr()?;
    let app = Router::new().route("/metrics", get(metrics)).with_state(rx);
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!("metrics server: {e}");
        }
    });
    tracing::info!("metrics at http://{addr}/metrics");
    Ok(MetricsServer { addr, task })
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
