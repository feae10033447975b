//! Alerts per destination against the outbox, as multisets: a lost alert is one the
//! outbox holds for a destination that never arrived there, a duplicate one that
//! arrived more often than the outbox holds it. Each destination is keyed the way it
//! shows an alert: the webhook by `at` and `events`, Telegram by the HTML of each
//! message, Discord by the embed's title and timestamp, WeCom by its Markdown and ntfy
//! by its title and message (each rendered from the row as the destination renders it).

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{DateTime, Utc};
use spacewarden::alerts::destinations::{discord_alert, telegram_alert};
use spacewarden::alerts::{Alert, render};
use spacewarden::config::Locale;
use spacewarden::store::{OutboxRow, Store};

use super::report::Delivery;
use super::world::{DC_CHANNEL, TG_CHAT, World};

fn alerts(rows: &[OutboxRow]) -> Vec<(i64, Alert)> {
    rows.iter()
        .map(|r| {
            let alert = serde_json::from_str(&r.payload).expect("outbox payload is an Alert");
            (r.id, alert)
        })
        .collect()
}

fn time(text: Option<&str>) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text?)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// What identifies a message at a destination, and what to call it in evidence.
struct Expected<K> {
    key: K,
    row: i64,
    what: String,
}

fn summary(alert: &Alert) -> String {
    let events: Vec<String> = alert
        .events
        .iter()
        .map(|e| format!("{:?} {}", e.kind, e.space))
        .collect();
    format!(
        "alert of {} ({})",
        alert.at.format("%H:%M:%S%.3f"),
        events.join(", ")
    )
}

pub async fn deliveries(world: &World, store: &Store, origin: Instant) -> Vec<Delivery> {
    let rows = |dest: String| async move { store.outbox(&dest).await.expect("outbox rows") };

    let hook_rows = rows("webhook".into()).await;
    let expected = alerts(&hook_rows)
        .into_iter()
        .map(|(row, a)| Expected {
            key: (
                Some(a.at),
                serde_json::to_value(&a.events).unwrap().to_string(),
            ),
            row,
            what: summary(&a),
        })
        .collect();
    let received = world
        .webhook
        .arrivals()
        .into_iter()
        .map(|(at, b)| (at, (time(b["at"].as_str()), b["events"].to_string())))
        .collect();
    let webhook = delivery("webhook", &hook_rows, expected, received, origin);

    let tg_rows = rows(format!("telegram:{TG_CHAT}")).await;
    let expected = alerts(&tg_rows)
        .into_iter()
        .flat_map(|(row, a)| {
            let what = summary(&a);
            telegram_alert(&a, Locale::default())
                .into_iter()
                .map(move |key| Expected {
                    key,
                    row,
                    what: what.clone(),
                })
        })
        .collect();
    let received = world
        .telegram
        .requests_to("sendMessage")
        .into_iter()
        .filter(|c| c.status == Some(200) && c.body["chat_id"] == TG_CHAT)
        .map(|c| {
            let text = c.body["text"].as_str().unwrap_or_default().to_owned();
            (c.at.into_std(), text)
        })
        .collect();
    let tg = delivery("Telegram", &tg_rows, expected, received, origin);

    let dc_rows = rows(format!("discord:{DC_CHANNEL}")).await;
    let expected = alerts(&dc_rows)
        .into_iter()
        .map(|(row, a)| Expected {
            key: (discord_alert(&a, Locale::default()).title, Some(a.at)),
            row,
            what: summary(&a),
        })
        .collect();
    let path = format!("/channels/{DC_CHANNEL}/messages");
    let received = world
        .discord
        .requests_to(&path)
        .into_iter()
        .filter(|r| r.method == "POST" && r.status == 200)
        .map(|r| {
            let embed = r
                .body
                .as_ref()
                .map(|b| b["embeds"][0].clone())
                .unwrap_or_default();
            let title = embed["title"].as_str().unwrap_or_default().to_owned();
            (r.at.into_std(), (title, time(embed["timestamp"].as_str())))
        })
        .collect();
    let dc = delivery("Discord", &dc_rows, expected, received, origin);
    vec![
        webhook,
        tg,
        dc,
        wecom(world, store, origin).await,
        ntfy(world, store, origin).await,
    ]
}

async fn wecom(world: &World, store: &Store, origin: Instant) -> Delivery {
    let rows = store.outbox("wecom").await.expect("outbox rows");
    let expected = alerts(&rows)
        .into_iter()
        .map(|(row, a)| Expected {
            key: render::cut_bytes(&render::markdown(&a), 4096),
            row,
            what: summary(&a),
        })
        .collect();
    let received = world
        .wecom
        .accepted_timed()
        .into_iter()
        .map(|(at, b)| {
            (
                at,
                b["markdown"]["content"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    delivery("WeCom", &rows, expected, received, origin)
}

async fn ntfy(world: &World, store: &Store, origin: Instant) -> Delivery {
    let rows = store.outbox("ntfy").await.expect("outbox rows");
    let expected = alerts(&rows)
        .into_iter()
        .map(|(row, a)| Expected {
            key: (
                render::title(&a, 100),
                render::cut_bytes(&render::text(&a), 4096),
            ),
            row,
            what: summary(&a),
        })
        .collect();
    let received = world
        .ntfy
        .accepted_timed()
        .into_iter()
        .map(|(at, b)| {
            let text = |field: &str| b[field].as_str().unwrap_or_default().to_owned();
            (at, (text("title"), text("message")))
        })
        .collect();
    delivery("ntfy", &rows, expected, received, origin)
}

/// Compares what the outbox holds for a destination with what arrived there, as
/// multisets: lost = expected more often than arrived, duplicated = arrived more
/// often than expected.
fn delivery<K: Ord + Clone>(
    name: &'static str,
    rows: &[OutboxRow],
    expected: Vec<Expected<K>>,
    received: Vec<(Instant, K)>,
    origin: Instant,
) -> Delivery {
    let mut balance: BTreeMap<K, i64> = BTreeMap::new();
    for e in &expected {
        *balance.entry(e.key.clone()).or_default() += 1;
    }
    for (_, key) in &received {
        *balance.entry(key.clone()).or_default() -= 1;
    }
    let mut evidence = Vec::new();
    let (mut lost, mut duplicated) = (0, 0);
    for (key, n) in &balance {
        let what = expected
            .iter()
            .find(|e| &e.key == key)
            .map_or("a message no outbox row explains".to_owned(), |e| {
                format!("row {}: {}", e.row, e.what)
            });
        if *n > 0 {
            lost += *n as usize;
            evidence.push(format!("{name}: lost {what}"));
        } else if *n < 0 {
            duplicated += n.unsigned_abs() as usize;
            let when: Vec<String> = received
                .iter()
                .filter(|(_, k)| k == key)
                .map(|(t, _)| format!("+{:.1}s", t.saturating_duration_since(origin).as_secs_f64()))
                .collect();
            evidence.push(format!("{name}: {what} arrived at {}", when.join(", ")));
        }
    }
    Delivery {
        name,
        alerts: rows.len(),
        expected: expected.len(),
        lost,
        duplicated,
        retried: rows.iter().map(|r| (r.attempts - 1).max(0)).sum(),
        evidence,
    }
}
