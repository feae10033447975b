//! The Telegram adapter (teloxide): long polling, commands and buttons through the
//! command core, replies in HTML, alerts through `TelegramNotifier`. Enabled by
//! `TELEGRAM_BOT_TOKEN`, talking to `TELEGRAM_API_URL`.
//!
//! The bot token is in every request URL (Bot API design): no value here derives
//! `Debug`, and the `teloxide*` log targets are capped at `info` (see `telemetry`).

mod bot;
mod notifier;
pub mod render;

use teloxide::Bot;
use teloxide::adaptors::Throttle;
use teloxide::adaptors::throttle::Limits;
use teloxide::requests::RequesterExt;

use crate::config::Telegram;

pub use bot::run_telegram;
pub use notifier::TelegramNotifier;

/// The bot client, throttled to Telegram's limits (about 1 message/s per chat,
/// 20/min per group, 30/s overall).
pub type TgBot = Throttle<Bot>;

/// Builds the client for `config`. Needs a running tokio runtime (the throttle worker).
pub fn client(config: &Telegram) -> TgBot {
    use secrecy::ExposeSecret;
    Bot::new(config.token.expose_secret())
        .set_api_url(config.api_url.clone())
        .throttle(Limits::default())
}
