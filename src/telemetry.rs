//! Logging setup: `RUST_LOG` (default `info`) to stderr, with the targets that print
//! request URLs, headers or websocket frames capped at `info` even when the user asks
//! for `trace` (toolchain notes: tungstenite logs the Discord IDENTIFY frame, and a
//! Telegram request URL carries the bot token).

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

/// Installs the global subscriber. Errors name `RUST_LOG`.
pub fn init() -> Result<(), String> {
    let text = std::env::var("RUST_LOG").unwrap_or_default();
    let text = if text.trim().is_empty() {
        "info".to_owned()
    } else {
        text
    };
    let mut filter = EnvFilter::builder()
        .parse(&text)
        .map_err(|e| format!("RUST_LOG: \"{text}\" is not a log filter ({e})"))?;
    for target in CAPPED {
        if let Ok(directive) = format!("{target}=info").parse() {
            filter = filter.add_directive(directive);
        }
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init()
        .map_err(|e| format!("cannot start logging: {e}"))
}
