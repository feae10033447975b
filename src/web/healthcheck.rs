//! The client side of `/healthz`, for `spacewarden healthcheck`: the container's
//! HEALTHCHECK runs the binary itself, because the image has no shell and no curl.
//! One local GET over HTTP/1.0 needs no client library.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Replies longer than this are not read further (the status line is all we need).
const MAX_REPLY: u64 = 64 * 1024;

/// `Ok` when `http://127.0.0.1:{port}/healthz` answers 200 within `timeout`.
pub async fn check_health(port: u16, timeout: Duration) -> Result<(), String> {
    tokio::time::timeout(timeout, ask(port))
        .await
        .map_err(|_| format!("no answer from 127.0.0.1:{port} within {timeout:?}"))?
}

async fn ask(port: u16) -> Result<(), String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| format!("cannot connect to 127.0.0.1:{port}: {e}"))?;
    stream
        .write_all(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .await
        .map_err(|e| format!("cannot send the request: {e}"))?;
    let mut reply = Vec::new();
    stream
        .take(MAX_REPLY)
        .read_to_end(&mut reply)
        .await
        .map_err(|e| format!("cannot read the reply: {e}"))?;
    let text = String::from_utf8_lossy(&reply);
    let status_line = text.lines().next().unwrap_or_default();
    match status_line.split_whitespace().nth(1) {
        Some("200") => Ok(()),
        Some(status) => Err(format!("/healthz answered HTTP {status}")),
        None => Err("/healthz sent no HTTP reply".into()),
    }
}
