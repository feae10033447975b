//! Alert destinations, one file each, every one behind the small [`Notifier`] trait:
//! `log` (stdout), `webhook` (`ALERT_WEBHOOK_URL`), `telegram` (`TELEGRAM_CHAT_IDS`),
//! `discord` (`DISCORD_CHANNEL_IDS`), and the team-chat robots and phone pushes
//! `dingtalk`, `feishu`, `wecom`, `serverchan`, `pushplus`, `bark`, `ntfy`, `gotify`, `slack`, and `email`
//! over SMTP (lettre) (their variables in
//! `config::channels`; what they share in `robot.rs`). [`from_config`] is the one place they are built
//! from the configuration; the outbox and the delivery worker (`alerts::delivery`) know
//! them only as `dyn Notifier`.
//!
//! Adding a destination is one new file here (its `Notifier` and a `from_config` that
//! returns `None` when its variable is unset) plus its `mod` line and one line in
//! [`from_config`] below; its variable is read in `config` like every other.
//!
//! The import rule, as it reads for this folder: **a destination file may import its
//! own platform's client crate, and no other's** (`webhook.rs`: reqwest; `telegram.rs`:
//! teloxide; `discord.rs`: reqwest, and serenity's message builder for the body). A
//! destination owns its whole delivery: the request on the wire, the reading of the
//! platform's answer into a [`DeliveryError`](crate::alerts::DeliveryError) (a 429, a
//! moved chat, a blocked bot), and whether an alert carries buttons or arrives quietly.
//! That reading needs the platform's own error types, so a thinner adapter call would
//! only move those decisions out of sight. What a destination shares with its chat bot
//! it borrows from `chat/` and never the other way round: the rendering shared with the
//! bot's replies (`chat::telegram::render`, `chat::discord::render` and its embed) and
//! the client whose pacing replies and alerts share (`chat::telegram::TgBot`). The rest
//! of `alerts/` imports no client crate, and nothing outside this folder names a
//! destination's type.

mod bark;
mod dingtalk;
mod discord;
mod discord_embed;
mod email;
mod feishu;
mod gotify;
mod log;
mod ntfy;
mod pushplus;
mod robot;
mod serverchan;
mod slack;
mod telegram;
mod telegram_html;
mod webhook;
mod wecom;

use std::sync::Arc;

use crate::alerts::Notifier;
use crate::chat::telegram::TgBot;
use crate::config::{Config, Locale};
use crate::store::Store;

pub use discord::DiscordNotifier;
pub use discord_embed::{alert_buttons as discord_alert_buttons, alert_embed as discord_alert};
pub use log::LogNotifier;
pub use telegram::TelegramNotifier;
pub use telegram_html::alert_html as telegram_alert;
pub use webhook::WebhookNotifier;

/// Whether chat alerts carry Restart / Rebuild / Mute / Logs buttons: only when a bot
/// runs to answer them (the daemon), not from a one-shot run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Buttons {
    Answered,
    None,
}

/// A destination that cannot be set up; the message names the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {reason}")]
pub struct SetupError {
    pub variable: &'static str,
    pub reason: String,
}

/// What the chat destinations share with the running bots.
pub struct Chats {
    /// The Telegram client (and its pacing) when `TELEGRAM_BOT_TOKEN` is set.
    pub telegram: Option<TgBot>,
    pub buttons: Buttons,
}

/// Every configured destination, `log` first: `log` is stdout for the daemon
/// ([`log()`]) and the progress display for a one-shot run. Building one starts
/// nothing: the chat bots (polling, gateway) are `run`'s business.
pub fn from_config(
    config: &Config,
    store: &Store,
    chats: Chats,
    log: Arc<dyn Notifier>,
) -> Result<Vec<Arc<dyn Notifier>>, SetupError> {
    let mut all = vec![log];
    all.extend(webhook::from_config(config)?);
    all.extend(telegram::from_config(config, store, &chats));
    all.extend(discord::from_config(config, store, &chats)?);
    all.extend(dingtalk::from_config(config)?);
    all.extend(feishu::from_config(config)?);
    all.extend(wecom::from_config(config)?);
    all.extend(serverchan::from_config(config)?);
    all.extend(pushplus::from_config(config)?);
    all.extend(bark::from_config(config)?);
    all.extend(ntfy::from_config(config)?);
    all.extend(gotify::from_config(config)?);
    all.extend(slack::from_config(config)?);
    all.extend(email::from_config(config)?);
    Ok(all)
}

/// The `log` destination on stdout (the daemon's).
pub fn log(locale: Locale) -> Arc<dyn Notifier> {
    Arc::new(LogNotifier { locale })
}

/// The language and zone of alerts to one chat or channel: its own `/lang` setting
/// (`platform` is `telegram` or `discord`, as `CommandCore` stores it), else `default`
/// (`config.locale`). A store that cannot answer costs the chat its language, never
/// the alert.
pub(crate) async fn chat_locale(
    store: &Store,
    platform: &str,
    chat: i64,
    default: Locale,
) -> Locale {
    match store.chat_lang(platform, chat).await {
        Ok(Some(lang)) => Locale { lang, ..default },
        Ok(None) => default,
        Err(e) => {
            tracing::warn!(error = %e, platform, "alert language unreadable; the default is used");
            default
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Config {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|key| map.get(key).cloned()).unwrap()
    }

    fn built(config: &Config, store: &Store, telegram: Option<TgBot>) -> Vec<String> {
        let chats = Chats {
            telegram,
            buttons: Buttons::None,
        };
        let all = from_config(config, store, chats, log(Locale::default())).unwrap();
        all.iter().flat_map(|n| n.destinations()).collect()
    }

    #[tokio::test]
    async fn every_configured_destination_is_built_log_first() {
        let store = Store::connect("sqlite::memory:").await.unwrap();
        assert_eq!(built(&config(&[]), &store, None), ["log"]);

        let everything = config(&[
            ("ALERT_WEBHOOK_URL", "https://hooks.example/alerts"),
            ("TELEGRAM_BOT_TOKEN", "123:abc"),
            ("TELEGRAM_CHAT_IDS", "-100,7"),
            ("DISCORD_BOT_TOKEN", "token"),
            ("DISCORD_CHANNEL_IDS", "42"),
            (
                "DINGTALK_WEBHOOK_URL",
                "https://oapi.dingtalk.com/robot/send?access_token=t",
            ),
            (
                "FEISHU_WEBHOOK_URL",
                "https://open.feishu.cn/open-apis/bot/v2/hook/h",
            ),
            (
                "WECOM_WEBHOOK_URL",
                "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            ),
            ("SERVERCHAN_SENDKEY", "SCTkey"),
            ("PUSHPLUS_TOKEN", "token"),
            ("BARK_URL", "https://api.day.app/key"),
            ("NTFY_URL", "https://ntfy.sh/topic"),
            ("GOTIFY_URL", "https://gotify.example.com"),
            ("GOTIFY_TOKEN", "token"),
            (
                "SLACK_WEBHOOK_URL",
                "https://hooks.slack.com/services/T/B/x",
            ),
            ("SMTP_URL", "smtps://mail.example.com"),
            ("ALERT_EMAIL_FROM", "bot@example.com"),
            ("ALERT_EMAIL_TO", "a@example.com,b@example.com"),
        ]);
        let bot = everything
            .telegram
            .as_ref()
            .map(crate::chat::telegram::client);
        assert_eq!(
            built(&everything, &store, bot),
            [
                "log",
                "webhook",
                "telegram:-100",
                "telegram:7",
                "discord:42",
                "dingtalk",
                "feishu",
                "wecom",
                "serverchan",
                "pushplus",
                "bark",
                "ntfy",
                "gotify",
                "slack",
                "email"
            ]
        );
        // Without a Telegram client (nothing to send with) no Telegram chat is built.
        assert_eq!(
            built(&everything, &store, None),
            [
                "log",
                "webhook",
                "discord:42",
                "dingtalk",
                "feishu",
                "wecom",
                "serverchan",
                "pushplus",
                "bark",
                "ntfy",
                "gotify",
                "slack",
                "email"
            ]
        );
    }
}
