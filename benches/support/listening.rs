//! The port a `spacewarden run` child logged ("HTTP server listening … port=N"), read
//! from its stderr; the rest of the log is drained in the background so the daemon
//! never blocks on a full pipe. Shared by the benches that start the real daemon.

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::ChildStderr;

/// Reads `stderr` until the daemon says where it listens; panics if it never does.
pub async fn listening_port(stderr: ChildStderr) -> u16 {
    let mut lines = BufReader::new(stderr).lines();
    let port = loop {
        let line = lines
            .next_line()
            .await
            .expect("stderr")
            .expect("the daemon logged no port");
        if line.contains("HTTP server listening")
            && let Some(port) = line
                .split_whitespace()
                .find_map(|w| w.strip_prefix("port="))
        {
            break port.parse().expect("port");
        }
    };
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    port
}
