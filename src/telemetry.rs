//! Logging setup: `RUST_LOG` (default `info`) to stderr, with the targets that print
//! request URLs, headers or websocket frames capped at `info` even when the user asks
//! for `trace` (toolchain notes: tungstenite logs the Discord IDENTIFY frame, and a
//! Telegram request URL carries the bot token).

use std::io::Write;
use std::sync::{Arc, RwLock};

use crate::clock::{Clock, SystemClock};
use tracing_subscriber::EnvFilter;

/// Targets never logged below `info`, whatever `RUST_LOG` says.
const CAPPED: [&str; 10] = [
    "hyper",
    "hyper_util",
    "h2",
    "rustls",
    "reqwest",
    "tungstenite",
    "tokio_tungstenite",
    "teloxide",
    "teloxide_core",
    // The whole crate: its gateway logs frames and its HTTP client request details.
    "serenity",
];

/// Why logging could not start.
#[derive(Debug, thiserror::Error)]
pub enum LogInitError {
    #[error("RUST_LOG: \"{text}\" is not a log filter ({reason})")]
    Filter { text: String, reason: String },
    #[error("cannot start logging: {0}")]
    Install(String),
}

/// Installs the global subscriber. Errors name `RUST_LOG`.
pub fn init() -> Result<(), LogInitError> {
    let text = std::env::var("RUST_LOG").unwrap_or_default();
    let text = if text.trim().is_empty() {
        "info".to_owned()
    } else {
        text
    };
    let mut filter = EnvFilter::builder()
        .parse(&text)
        .map_err(|e| LogInitError::Filter {
            reason: e.to_string(),
            text: text.clone(),
        })?;
    for target in CAPPED {
        if let Ok(directive) = format!("{target}=info").parse() {
            filter = filter.add_directive(directive);
        }
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| LogWriter)
        .with_ansi(false)
        .try_init()
        .map_err(|e| LogInitError::Install(e.to_string()))
}

/// Where log lines go instead of stderr while set: a live display on the terminal
/// (`check --repair`'s progress) prints them above its lines, so a log line never
/// tears them.
pub type LogRoute = Arc<dyn Fn(&[u8]) + Send + Sync>;

static ROUTE: RwLock<Option<LogRoute>> = RwLock::new(None);

/// Sends log lines through `route` from now on; `None` sends them to stderr again.
pub fn route_logs(route: Option<LogRoute>) {
    *ROUTE.write().unwrap_or_else(|p| p.into_inner()) = route;
}

/// stderr, or the route while one is set. The formatter writes each event whole.
struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let route = ROUTE.read().unwrap_or_else(|p| p.into_inner()).clone();
        match route {
            Some(route) => {
                route(buf);
                Ok(buf.len())
            }
            None => std::io::stderr().write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

/// A short reference tying the neutral sentence a user sees (in chat, in the API) to
/// the whole cause chain in the log: error text from the store or the Hub never
/// reaches a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorRef(String);

impl std::fmt::Display for ErrorRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl ErrorRef {
    /// Logs `context` and the cause chain of `error` under a fresh reference.
    pub fn log(context: &str, error: &(dyn std::error::Error + 'static)) -> ErrorRef {
        let mut chain = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            chain.push_str(": ");
            chain.push_str(&cause.to_string());
            source = cause.source();
        }
        let reference = ErrorRef(random_hex(4));
        tracing::error!(reference = %reference, "{context}: {chain}");
        reference
    }

    /// Logs `context` and an already flattened cause under a fresh reference.
    pub fn log_message(context: &str, cause: &str) -> ErrorRef {
        let reference = ErrorRef(random_hex(4));
        tracing::error!(reference = %reference, "{context}: {cause}");
        reference
    }

    /// The sentence shown to users.
    pub fn sentence(&self) -> String {
        format!("Something went wrong (ref {self}); the details are in spacewarden's log.")
    }
}

/// `bytes` random bytes from the operating system's CSPRNG, as lowercase hex. Falls
/// back to the clock only if the OS has no randomness to give, which Linux always has.
pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    if getrandom::fill(&mut buffer).is_err() {
        // Edge: the time here is entropy, not a reading anything is judged by.
        let nanos = SystemClock.now().timestamp_nanos_opt().unwrap_or_default();
        buffer
            .iter_mut()
            .zip(nanos.to_le_bytes().iter().cycle())
            .for_each(|(b, n)| *b = *n);
    }
    buffer.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn random_tokens_are_hex_and_never_repeat() {
        // Confirm buttons guard factory rebuilds: 12 hex characters from the OS
        // CSPRNG. Ten thousand drawn in a tight loop (the same clock reading for
        // many of them) are all different.
        let tokens: HashSet<String> = (0..10_000).map(|_| random_hex(6)).collect();
        assert_eq!(tokens.len(), 10_000);
        assert!(tokens.iter().all(|t| {
            t.len() == 12
                && t.chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        }));
    }
}
