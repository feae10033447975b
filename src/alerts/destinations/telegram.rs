//! Alerts to the chats in `TELEGRAM_CHAT_IDS`: HTML with an emoji headline and the root
//! cause; Restart / Rebuild / Mute 1h / Logs buttons when the alert is about one
//! Space (checked against the admin list when pressed); quiet for recoveries.
//! Each chat reads its alerts in its own language ([`TelegramNotifier::locale_for`];
//! its `/lang`, else `config.locale`), rendered by `telegram_html`.
//! Telegram's answers decide: a migrated group moves the destination, a blocked or
//! kicked bot (or a missing chat) ends it, 429 waits `retry_after`, the rest retries.

use std::sync::Arc;

use async_trait::async_trait;
use teloxide::payloads::SendMessageSetters;
use teloxide::prelude::Requester;
use teloxide::types::{
    ChatId, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, ParseMode,
};
use teloxide::{ApiError, RequestError};

use super::telegram_html::{alert_html, button_labels};
use super::{Buttons, Chats};
use crate::alerts::{Alert, DeliveryError, Notifier};
use crate::chat::telegram::TgBot;
use crate::commands::ButtonAction;
use crate::config::{Config, Locale};
use crate::i18n::Lang;
use crate::store::Store;

const PREFIX: &str = "telegram:";

pub struct TelegramNotifier {
    bot: TgBot,
    chats: Vec<i64>,
    store: Store,
    /// Whether a bot is there to answer presses (not in a one-shot run).
    buttons: bool,
    /// The language and zone of alerts to a chat without its own setting.
    locale: Locale,
}

impl TelegramNotifier {
    pub fn new(bot: TgBot, chats: Vec<i64>, store: Store) -> TelegramNotifier {
        TelegramNotifier {
            bot,
            chats,
            store,
            buttons: true,
            locale: Locale::default(),
        }
    }

    /// Alerts in `locale` (`config.locale`) where a chat has no language of its own.
    pub fn with_locale(mut self, locale: Locale) -> TelegramNotifier {
        self.locale = locale;
        self
    }

    /// The language and zone of alerts to `chat`: the one place a chat's own `/lang`
    /// setting is looked up, else `config.locale`.
    pub async fn locale_for(&self, chat: i64) -> Locale {
        super::chat_locale(&self.store, "telegram", chat, self.locale).await
    }

    /// Alerts without buttons: nobody would answer a press (`check --repair`).
    pub fn without_buttons(mut self) -> TelegramNotifier {
        self.buttons = false;
        self
    }

    /// Buttons for an alert about one Space that may need a hand.
    async fn buttons(&self, alert: &Alert, lang: Lang) -> Option<InlineKeyboardMarkup> {
        if !self.buttons {
            return None;
        }
        let id = alert.actionable_space()?;
        let reference = self.store.space_ref(id).await.ok()??;
        let button = |label: &str, action: ButtonAction| {
            InlineKeyboardButton::callback(label, action.encode())
        };
        let [restart, rebuild, mute, logs] = button_labels(lang);
        Some(InlineKeyboardMarkup::new([
            vec![
                button(&restart, ButtonAction::Restart(reference)),
                button(&rebuild, ButtonAction::Rebuild(reference)),
            ],
            vec![
                button(&mute, ButtonAction::Mute(reference)),
                button(&logs, ButtonAction::Logs(reference)),
            ],
        ]))
    }
}

/// The Telegram destination when the bot token and `TELEGRAM_CHAT_IDS` are set.
pub(super) fn from_config(
    config: &Config,
    store: &Store,
    chats: &Chats,
) -> Option<Arc<dyn Notifier>> {
    let (Some(bot), Some(settings)) = (&chats.telegram, &config.telegram) else {
        return None;
    };
    let mut notifier = TelegramNotifier::new(bot.clone(), settings.chat_ids.clone(), store.clone())
        .with_locale(config.locale);
    if chats.buttons == Buttons::None {
        notifier = notifier.without_buttons();
    }
    Some(Arc::new(notifier))
}

/// The chat is gone for this bot: blocked, kicked, deleted, deactivated.
fn is_gone(error: &ApiError) -> bool {
    if matches!(
        error,
        ApiError::BotBlocked
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup
            | ApiError::BotKickedFromChannel
            | ApiError::ChatNotFound
            | ApiError::UserDeactivated
    ) {
        return true;
    }
    let text = error.to_string().to_lowercase();
    [
        "bot was blocked",
        "bot was kicked",
        "chat not found",
        "user is deactivated",
        "bot can't initiate conversation",
    ]
    .iter()
    .any(|needle| text.contains(needle))
}

#[async_trait]
impl Notifier for TelegramNotifier {
    fn destinations(&self) -> Vec<String> {
        self.chats.iter().map(|c| format!("{PREFIX}{c}")).collect()
    }

    fn serves(&self, destination: &str) -> bool {
        destination.starts_with(PREFIX)
    }

    async fn deliver(&self, destination: &str, alert: &Alert) -> Result<(), DeliveryError> {
        let chat: i64 = destination
            .strip_prefix(PREFIX)
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| DeliveryError::Permanent(format!("bad destination {destination}")))?;
        let locale = self.locale_for(chat).await;
        let parts = alert_html(alert, locale);
        let buttons = self.buttons(alert, locale.lang).await;
        let last = parts.len().saturating_sub(1);
        for (i, html) in parts.into_iter().enumerate() {
            self.bot.pace(chat).await;
            let mut request = self
                .bot
                .send_message(ChatId(chat), html)
                .parse_mode(ParseMode::Html)
                .disable_notification(!alert.is_urgent())
                .link_preview_options(LinkPreviewOptions {
                    is_disabled: true,
                    url: None,
                    prefer_small_media: false,
                    prefer_large_media: false,
                    show_above_text: false,
                });
            if i == last
                && let Some(buttons) = &buttons
            {
                request = request.reply_markup(buttons.clone());
            }
            if let Err(error) = request.await {
                return Err(match error {
                    RequestError::MigrateToChatId(to) => DeliveryError::Moved {
                        to: format!("{PREFIX}{}", to.0),
                    },
                    RequestError::RetryAfter(wait) => DeliveryError::Retry {
                        after: Some(wait.duration()),
                        reason: "telegram: 429 Too Many Requests".into(),
                    },
                    RequestError::Api(api) if is_gone(&api) => {
                        DeliveryError::Gone(format!("telegram: {api}"))
                    }
                    RequestError::Api(
                        api @ (ApiError::CantParseEntities(_) | ApiError::MessageIsTooLong),
                    ) => {
                        tracing::error!(error = %api, "telegram: an alert was refused as malformed");
                        DeliveryError::Permanent(format!("telegram: {api}"))
                    }
                    other => DeliveryError::Retry {
                        after: None,
                        reason: format!("telegram: {other}"),
                    },
                });
            }
        }
        Ok(())
    }
}
