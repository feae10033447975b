//! The client side of `/healthz`, for `spacewarden healthcheck`: the container's
//! HEALTHCHECK runs the binary itself, because the image has no shell and no curl.
//! One local GET over HTTP/1.0 needs no client library.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Replies longer than this are not read further (the status line is all we need).
const MAX_REPLY: u64 = 64 * 1024;

/// Why the health check failed.
#[derive(Debug, thiserror::Error)]
pub enum Unhealthy {
    #[error("no answer from 127.0.0.1:{port} within {timeout:?}")]
    Timeout { port: u16, timeout: Duration },
    #[error("cannot connect to 127.0.0.1:{port}: {source}")]
    Connect { port: u16, source: std::io::Error },
    #[error("cannot send the request: {0}")]
    Send(std::io::Error),
    #[error("cannot read the reply: {0}")]
    Read(std::io::Error),
    #[error("/healthz answered HTTP {0}")]
    Status(String),
    #[error("/healthz sent no HTTP reply")]
    NoReply,
}

/// `Ok` when `http://127.0.0.1:{port}/healthz` answers 200 within `timeout`.
pub async fn check_health(port: u16, timeout: Duration) -> Result<(), Unhealthy> {
    tokio::time::timeout(timeout, ask(port))
        .await
        .map_err(|_| Unhealthy::Timeout { port, timeout })?
}

async fn ask(port: u16) -> Result<(), Unhealthy> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|source| Unhealthy::Connect { port, source })?;
    stream
        .write_all(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .await
        .map_err(Unhealthy::Send)?;
    let mut reply = Vec::new();
    stream
        .take(MAX_REPLY)
        .read_to_end(&mut reply)
        .await
        .map_err(Unhealthy::Read)?;
    let text = String::from_utf8_lossy(&reply);
    let status_line = text.lines().next().unwrap_or_default();
    match status_line.split_whitespace().nth(1) {
        Some("200") => Ok(()),
        Some(status) => Err(Unhealthy::Status(status.to_owned())),
        None => Err(Unhealthy::NoReply),
    }
}
