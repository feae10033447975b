//! Alerts to the channels in `DISCORD_CHANNEL_IDS`: one embed coloured by the worst
//! event, Restart / Rebuild / Mute 1h / Logs buttons when the alert is about one Space
//! that may need a hand (checked against the admin list when pressed), recoveries
//! sent silently.
//!
//! Posted with a plain HTTP client rather than serenity's: with serenity's rate
//! limiter off (needed for `DISCORD_API_URL`, see `mod.rs`) a 429 loses its
//! `retry_after`, and the outbox must wait exactly as Discord says. Discord's answers
//! decide: 429 waits `retry_after`; 401, 403 and an unknown channel end the
//! destination (Discord bans IPs that keep sending invalid requests); 400 drops the
//! alert; everything else retries.

use std::time::Duration;

use async_trait::async_trait;
use reqwest::header::{AUTHORIZATION, HeaderValue, RETRY_AFTER};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::render::{self, DcMessage};
use crate::alerts::{Alert, DeliveryError, Notifier};
use crate::commands::ButtonStyle;
use crate::config::Discord;
use crate::store::Store;

const PREFIX: &str = "discord:";
/// `SUPPRESS_NOTIFICATIONS`: a quiet message (recoveries).
const SILENT: u64 = 1 << 12;

pub struct DiscordNotifier {
    client: reqwest::Client,
    base: String,
    token: SecretString,
    channels: Vec<u64>,
    store: Store,
}

impl DiscordNotifier {
    pub fn new(config: &Discord, store: Store) -> Result<DiscordNotifier, String> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| format!("DISCORD_BOT_TOKEN: cannot build the HTTP client: {e}"))?;
        Ok(DiscordNotifier {
            client,
            base: super::api_base(config),
            token: config.token.clone(),
            channels: config.channel_ids.clone(),
            store,
        })
    }

    /// The Space reference for buttons, when the alert is about one Space that may
    /// need a hand.
    async fn reference(&self, alert: &Alert) -> Option<i64> {
        let id = alert.actionable_space()?;
        self.store.space_ref(id).await.ok()?
    }
}

/// The JSON body of a channel message carrying `message` as an embed.
pub fn body(message: &DcMessage, alert: &Alert) -> Value {
    let fields: Vec<Value> = message
        .fields
        .iter()
        .map(|(name, value)| json!({"name": name, "value": value, "inline": true}))
        .collect();
    let rows: Vec<Value> = message
        .rows
        .iter()
        .map(|row| {
            let buttons: Vec<Value> = row
                .iter()
                .map(|b| {
                    let style = match b.style {
                        ButtonStyle::Primary => 1,
                        ButtonStyle::Secondary => 2,
                        ButtonStyle::Danger => 4,
                    };
                    json!({"type": 2, "style": style, "label": b.label, "custom_id": b.custom_id})
                })
                .collect();
            json!({"type": 1, "components": buttons})
        })
        .collect();
    let mut embed = json!({
        "title": message.title,
        "color": message.colour,
        "fields": fields,
        "timestamp": alert.at.to_rfc3339(),
    });
    if !message.description.is_empty() {
        embed["description"] = json!(message.description);
    }
    json!({
        "embeds": [embed],
        "components": rows,
        // Space names and Hub errors never ping anyone.
        "allowed_mentions": {"parse": []},
        "flags": if alert.is_urgent() { 0 } else { SILENT },
    })
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

/// `retry_after` from the JSON body (seconds, fractional), else the header.
fn retry_after(header: Option<&HeaderValue>, body: &str) -> Option<Duration> {
    let from_body = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get("retry_after").and_then(Value::as_f64));
    let from_header = header
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.trim().parse::<f64>().ok());
    from_body
        .or(from_header)
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(3600.0)))
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
        let mut message = render::alert(alert);
        if let Some(reference) = self.reference(alert).await {
            message.rows = render::alert_buttons(reference);
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
