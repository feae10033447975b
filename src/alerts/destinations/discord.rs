//! Alerts to the channels in `DISCORD_CHANNEL_IDS`: one embed coloured by the worst
//! event, Restart / Rebuild / Mute 1h / Logs buttons when the alert is about one Space
//! that may need a hand (checked against the admin list when pressed), recoveries
//! sent silently. Each channel reads its alerts in its own language
//! ([`DiscordNotifier::locale_for`]: its `/lang`, else `config.locale`), rendered by `discord_embed`.
//!
//! Posted with a plain HTTP client rather than serenity's: with serenity's rate
//! limiter off (needed for `DISCORD_API_URL`, see `chat::discord`) a 429 loses its
//! `retry_after`, and the outbox must wait exactly as Discord says. Discord's answers
//! decide: 429 waits `retry_after`; 401, 403 and an unknown channel end the
//! destination (Discord bans IPs that keep sending invalid requests); 400 drops the
//! alert; everything else retries.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use reqwest::header::{AUTHORIZATION, HeaderValue, RETRY_AFTER};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use serenity::all::{CreateAllowedMentions, CreateMessage, MessageFlags, Timestamp};

use super::discord_embed::{alert_buttons, alert_embed};
use super::{Buttons, Chats, SetupError};
use crate::alerts::{Alert, DeliveryError, Notifier};
use crate::chat::discord as adapter;
use crate::chat::discord::render::DcMessage;
use crate::clock::{Clock, SystemClock};
use crate::config::{Config, Discord, Locale};
use crate::store::Store;

const PREFIX: &str = "discord:";

pub struct DiscordNotifier {
    client: reqwest::Client,
    base: String,
    token: SecretString,
    channels: Vec<u64>,
    store: Store,
    /// Whether a bot is there to answer presses (not in a one-shot run).
    buttons: bool,
    /// The language and zone of alerts to a channel without its own setting.
    locale: Locale,
}

impl DiscordNotifier {
    pub fn new(config: &Discord, store: Store) -> Result<DiscordNotifier, SetupError> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| SetupError {
                variable: "DISCORD_BOT_TOKEN",
                reason: format!("cannot build the HTTP client: {e}"),
            })?;
        Ok(DiscordNotifier {
            client,
            base: adapter::api_base(config),
            token: config.token.clone(),
            channels: config.channel_ids.clone(),
            store,
            buttons: true,
            locale: Locale::default(),
        })
    }

    /// Alerts in `locale` (`config.locale`) where a channel has no language of its own.
    pub fn with_locale(mut self, locale: Locale) -> DiscordNotifier {
        self.locale = locale;
        self
    }

    /// The language and zone of alerts to `channel`: the one place a channel's own
    /// `/lang` setting is looked up, else `config.locale`.
    pub async fn locale_for(&self, channel: u64) -> Locale {
        match i64::try_from(channel) {
            Ok(chat) => super::chat_locale(&self.store, "discord", chat, self.locale).await,
            Err(_) => self.locale,
        }
    }

    /// Alerts without buttons: nobody would answer a press (`check --repair`).
    pub fn without_buttons(mut self) -> DiscordNotifier {
        self.buttons = false;
        self
    }

    /// The Space reference for buttons, when the alert is about one Space that may
    /// need a hand.
    async fn reference(&self, alert: &Alert) -> Option<i64> {
        if !self.buttons {
            return None;
        }
        let id = alert.actionable_space()?;
        self.store.space_ref(id).await.ok()?
    }
}

/// The Discord destination when `DISCORD_BOT_TOKEN` is set.
pub(super) fn from_config(
    config: &Config,
    store: &Store,
    chats: &Chats,
) -> Result<Option<Arc<dyn Notifier>>, SetupError> {
    let Some(settings) = &config.discord else {
        return Ok(None);
    };
    let mut notifier = DiscordNotifier::new(settings, store.clone())?.with_locale(config.locale);
    if chats.buttons == Buttons::None {
        notifier = notifier.without_buttons();
    }
    Ok(Some(Arc::new(notifier)))
}

/// The JSON body of a channel message carrying `message`: the same embed and buttons
/// the bot's replies use (`chat::discord`'s `embed` and `components`), serialized by
/// serenity's own builder, so there is one shape for both.
pub fn body(message: &DcMessage, alert: &Alert) -> Value {
    let mut embed = adapter::embed(message);
    if let Ok(at) = Timestamp::parse(&alert.at.to_rfc3339()) {
        embed = embed.timestamp(at);
    }
    let flags = if alert.is_urgent() {
        MessageFlags::empty()
    } else {
        MessageFlags::SUPPRESS_NOTIFICATIONS
    };
    let create = CreateMessage::new()
        .embed(embed)
        .components(adapter::components(message))
        // Space names and Hub errors never ping anyone.
        .allowed_mentions(CreateAllowedMentions::new())
        .flags(flags);
    serde_json::to_value(create).unwrap_or_default()
}

/// What Discord's answer means for the outbox.
fn classify(status: u16, retry_after: Option<Duration>, text: &str) -> DeliveryError {
    let text: String = text.chars().take(200).collect();
    match status {
        429 => DeliveryError::Retry {
            after: Some(retry_after.unwrap_or(Duration::from_secs(5))),
            reason: "discord: 429 Too Many Requests".into(),
        },
        401 | 403 | 404 => DeliveryError::Gone(format!("discord: {status} {text}")),
        400 => {
            tracing::error!(status, "discord: an alert was refused as malformed: {text}");
            DeliveryError::Permanent(format!("discord: 400 {text}"))
        }
        _ => DeliveryError::Retry {
            after: None,
            reason: format!("discord: {status}"),
        },
    }
}

/// `retry_after` from the JSON body (seconds, fractional: Discord's own field), else
/// the `Retry-After` header.
fn retry_after(header: Option<&HeaderValue>, body: &str) -> Option<Duration> {
    // Edge: a `Retry-After` date is Discord's wall clock, measured from the real time.
    let now = SystemClock.now();
    let from_body = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get("retry_after").map(Value::to_string))
        .and_then(|seconds| crate::retry_after::parse(&seconds, now));
    from_body.or_else(|| {
        header
            .and_then(|h| h.to_str().ok())
            .and_then(|h| crate::retry_after::parse(h, now))
    })
}

#[async_trait]
impl Notifier for DiscordNotifier {
    fn destinations(&self) -> Vec<String> {
        self.channels
            .iter()
            .map(|c| format!("{PREFIX}{c}"))
            .collect()
    }

    fn serves(&self, destination: &str) -> bool {
        destination.starts_with(PREFIX)
    }

    async fn deliver(&self, destination: &str, alert: &Alert) -> Result<(), DeliveryError> {
        let channel: u64 = destination
            .strip_prefix(PREFIX)
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| DeliveryError::Permanent(format!("bad destination {destination}")))?;
        let locale = self.locale_for(channel).await;
        let mut message = alert_embed(alert, locale);
        if let Some(reference) = self.reference(alert).await {
            message.rows = alert_buttons(reference, locale.lang);
        }
        let mut auth = HeaderValue::from_str(&format!("Bot {}", self.token.expose_secret()))
            .map_err(|_| DeliveryError::Permanent("DISCORD_BOT_TOKEN is not a header".into()))?;
        auth.set_sensitive(true);
        let url = format!("{}/api/v10/channels/{channel}/messages", self.base);
        let response = self
            .client
            .post(url)
            .header(AUTHORIZATION, auth)
            .json(&body(&message, alert))
            .send()
            .await
            .map_err(|e| DeliveryError::Retry {
                after: None,
                reason: format!("discord: {}", e.without_url()),
            })?;
        let status = response.status().as_u16();
        if response.status().is_success() {
            return Ok(());
        }
        let header = response.headers().get(RETRY_AFTER).cloned();
        let text = response.text().await.unwrap_or_default();
        Err(classify(status, retry_after(header.as_ref(), &text), &text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_body_is_one_embed_with_its_buttons_and_pings_nobody() {
        use crate::alerts::{AlertEvent, EventKind};
        use crate::domain::{SpaceId, Verdict};
        let space = SpaceId::parse("alice/app").unwrap();
        let recovered = Alert::of(
            chrono::Utc::now(),
            vec![AlertEvent::new(space, EventKind::Recovered, Verdict::Up)],
        );
        let mut message = alert_embed(&recovered, Locale::default());
        message.rows = alert_buttons(7, Locale::default().lang);
        let body = body(&message, &recovered);
        assert_eq!(body["embeds"].as_array().map(Vec::len), Some(1));
        assert!(
            body["embeds"][0]["title"]
                .as_str()
                .unwrap()
                .contains("alice/app recovered")
        );
        assert_eq!(body["embeds"][0]["color"], message.colour);
        let at = body["embeds"][0]["timestamp"].as_str().unwrap_or_default();
        assert_eq!(
            chrono::DateTime::parse_from_rfc3339(at).map(|t| t.to_utc()),
            Ok(recovered.at),
            "the alert's own time, to the sub-second"
        );
        assert_eq!(body["components"][0]["type"], 1);
        assert_eq!(body["components"][0]["components"][0]["type"], 2);
        assert_eq!(body["allowed_mentions"]["parse"], serde_json::json!([]));
        assert_eq!(body["flags"], 1 << 12, "a recovery is sent quietly");
    }

    #[test]
    fn answers_map_to_outbox_decisions() {
        let wait = retry_after(
            None,
            r#"{"message":"You are being rate limited.","retry_after":1.5,"global":false}"#,
        );
        assert_eq!(wait, Some(Duration::from_millis(1500)));
        assert!(matches!(
            classify(429, wait, ""),
            DeliveryError::Retry { after: Some(d), .. } if d == Duration::from_millis(1500)
        ));
        for gone in [401, 403, 404] {
            assert!(matches!(classify(gone, None, ""), DeliveryError::Gone(_)));
        }
        assert!(matches!(
            classify(502, None, "<html>"),
            DeliveryError::Retry { after: None, .. }
        ));
        assert!(matches!(
            classify(400, None, ""),
            DeliveryError::Permanent(_)
        ));
    }
}
