//! The Telegram adapter (teloxide): long polling, commands and buttons through the
//! command core, replies in HTML, alerts through `alerts::destinations::TelegramNotifier`
//! (which borrows `TgBot` and `render` from here). Enabled by
//! `TELEGRAM_BOT_TOKEN`, talking to `TELEGRAM_API_URL`. Sends are paced to Telegram's
//! limits by `limiter`; a 429 is still honoured.
//!
//! The bot token is in every request URL (Bot API design): no value here derives
//! `Debug`, and the `teloxide*` log targets are capped at `info` (see `telemetry`).

mod bot;
mod limiter;
mod menu;
pub mod render;

use std::sync::Arc;

use teloxide::Bot;

use crate::config::Telegram;

pub use bot::run_telegram;

/// The bot client and the pacing shared by everything that sends (replies and
/// alerts), so together they stay inside Telegram's limits.
#[derive(Clone)]
pub struct TgBot {
    bot: Bot,
    limiter: Arc<limiter::Limiter>,
}

impl TgBot {
    /// Waits for a free slot to send to `chat`.
    pub(crate) async fn pace(&self, chat: i64) {
        self.limiter.acquire(chat).await;
    }
}

impl std::ops::Deref for TgBot {
    type Target = Bot;

    fn deref(&self) -> &Bot {
        &self.bot
    }
}

/// Builds the client for `config`.
pub fn client(config: &Telegram) -> TgBot {
    use secrecy::ExposeSecret;
    TgBot {
        bot: Bot::new(config.token.expose_secret()).set_api_url(config.api_url.clone()),
        limiter: Arc::default(),
    }
}
