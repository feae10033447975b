//! The Telegram benchmark (issue 4): prints a table, asserts nothing.
//!
//! `cargo bench --bench telegram`
//! 1. `/status` latency with 1,000 watched Spaces: from the fake Bot API handing out
//!    the update to it receiving `sendMessage`, over 1,000 commands (paced at 25/s over
//!    100 private chats, inside Telegram's limits of 1/s and 20/min per chat, so the
//!    throttle never waits).
//! 2. Alert latency: from the cycle that saw the change having stored it (the alert is
//!    in the outbox) to the fake receiving the message, over 60 changes (paced at one
//!    per 3.1 s: Telegram allows one message per second and twenty per minute in a chat).

#[path = "../tests/api/support/fake_hub/mod.rs"]
mod fake_hub;
#[path = "../tests/api/support/fake_telegram/mod.rs"]
mod fake_telegram;

use std::sync::Arc;
use std::time::Duration;

use fake_hub::{FakeHub, SpaceSpec};
use fake_telegram::{FakeTelegram, TgUser};
use spacewarden::alerts::destinations::TelegramNotifier;
use spacewarden::alerts::{DeliverySettings, Notifier, Outbox, run_delivery};
use spacewarden::chat::telegram::{self, run_telegram};
use spacewarden::clock::SystemClock;
use spacewarden::commands::{Access, CommandCore};
use spacewarden::config::Config;
use spacewarden::hub::{HttpProbe, HubClient, HubEndpoints};
use spacewarden::monitor::{Monitor, MonitorParts};
use spacewarden::store::Store;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

const TOKEN: &str = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const USERS: i64 = 100;
const FIRST_USER: i64 = 10_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let hub = FakeHub::start().await;
    hub.set_rate_limit(1_000_000, 300);
    for i in 0..1000 {
        let mut spec = SpaceSpec::new(&format!("alice/space-{i:04}"));
        if i % 16 == 0 {
            spec = spec
                .stage("CONFIG_ERROR")
                .error_message("Invalid README front matter");
        }
        hub.add_space(spec);
    }
    let tg = FakeTelegram::start(TOKEN).await;
    let dir = tempfile::tempdir().expect("tmp");
    let admins: Vec<String> = (0..USERS).map(|u| (FIRST_USER + u).to_string()).collect();
    let vars = [
        ("HF_ENDPOINT", hub.hub_url()),
        ("HF_SPACES_API_URL", hub.metrics_url()),
        ("HF_APP_URL_TEMPLATE", hub.app_url_template()),
        ("SPACES", "alice/*".to_owned()),
        (
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("tg.db").display()),
        ),
        ("TELEGRAM_BOT_TOKEN", TOKEN.to_owned()),
        ("TELEGRAM_API_URL", tg.url()),
        ("TELEGRAM_ADMIN_IDS", admins.join(",")),
        ("TELEGRAM_CHAT_IDS", FIRST_USER.to_string()),
    ];
    let config = Arc::new(
        Config::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()))
            .expect("config"),
    );
    let settings = config.telegram.clone().expect("telegram settings");
    let store = Store::connect(&config.database_url).await.expect("store");
    let bot = telegram::client(&settings);
    let notifier: Arc<dyn Notifier> = Arc::new(TelegramNotifier::new(
        bot.clone(),
        settings.chat_ids.clone(),
        store.clone(),
    ));
    let outbox = Outbox::new(vec![notifier]);
    let hub_client = HubClient::new(
        HubEndpoints {
            hub: config.hf_endpoint.clone(),
            spaces_api: config.hf_spaces_api_url.clone(),
        },
        Duration::from_secs(30),
    )
    .expect("client");
    let mut parts = MonitorParts::new(
        config.clone(),
        Arc::new(hub_client),
        Arc::new(HttpProbe::new().expect("probe")),
        store.clone(),
    );
    parts.outbox = outbox.clone();
    let monitor = Monitor::new(parts);
    let targets = config.watch.clone();
    monitor.tick(&targets).await.expect("first cycle");
    let cancel = CancellationToken::new();
    let core = CommandCore::new(monitor.clone(), Access::from_config(&config), None);
    tokio::spawn(run_telegram(bot, core, cancel.clone()));
    tokio::spawn(run_delivery(
        store.clone(),
        outbox,
        Arc::new(SystemClock),
        DeliverySettings::default(),
        cancel.clone(),
    ));
    // The first cycle's grouped alert goes out first.
    tg.wait_for_sent(FIRST_USER, 1, Duration::from_secs(30))
        .await;

    println!("| benchmark | p50 | p99 | max | target |");
    println!("|---|---|---|---|---|");
    let mut status = Vec::new();
    let mut sent_so_far = vec![0usize; USERS as usize];
    sent_so_far[0] = tg.sent(FIRST_USER).len();
    for i in 0..1000usize {
        let started = Instant::now();
        let slot = i % USERS as usize;
        let user = FIRST_USER + slot as i64;
        tg.push_message(
            user,
            &TgUser::named(user, &format!("admin{slot}")),
            "/status",
        );
        sent_so_far[slot] += 1;
        tg.wait_for_sent(user, sent_so_far[slot], Duration::from_secs(30))
            .await;
        let arrived = tg
            .requests_to("sendMessage")
            .iter()
            .rev()
            .find(|c| c.body["chat_id"] == user)
            .map(|c| c.at)
            .expect("the reply");
        status.push(arrived - started);
        tokio::time::sleep_until(started + Duration::from_millis(40)).await;
    }
    status.sort();
    println!(
        "| `/status`, 1,000 Spaces, 1,000 commands | {:.1} ms | {:.1} ms | {:.1} ms | p99 ≤ 25 ms |",
        ms(percentile(&status, 0.5)),
        ms(percentile(&status, 0.99)),
        ms(*status.last().expect("samples"))
    );

    let mut alerts = Vec::new();
    let mut cycles = Vec::new();
    for round in 0..60 {
        let started = Instant::now();
        let stage = if round % 2 == 0 {
            "CONFIG_ERROR"
        } else {
            "RUNNING"
        };
        // Each space flips down then up: every round is one alert.
        hub.set_stage(&format!("alice/space-{:04}", 1 + (round / 2) % 15), stage);
        let before = tg.sent(FIRST_USER).len();
        let cycle_started = Instant::now();
        monitor.tick(&targets).await.expect("cycle");
        let stored = Instant::now();
        cycles.push(stored - cycle_started);
        tg.wait_for_sent(FIRST_USER, before + 1, Duration::from_secs(30))
            .await;
        let arrived = tg
            .requests_to("sendMessage")
            .iter()
            .rev()
            .find(|c| c.body["chat_id"] == FIRST_USER)
            .map(|c| c.at)
            .expect("the alert");
        alerts.push(arrived.saturating_duration_since(stored));
        tokio::time::sleep_until(started + Duration::from_millis(3100)).await;
    }
    alerts.sort();
    cycles.sort();
    println!(
        "| alert: change stored → message at Telegram, 60 alerts | {:.1} ms | {:.1} ms | {:.1} ms | p99 ≤ 200 ms |",
        ms(percentile(&alerts, 0.5)),
        ms(percentile(&alerts, 0.99)),
        ms(*alerts.last().expect("samples"))
    );
    println!(
        "| (the cycle that sees the change, 1,000 Spaces) | {:.1} ms | {:.1} ms | {:.1} ms | – |",
        ms(percentile(&cycles, 0.5)),
        ms(percentile(&cycles, 0.99)),
        ms(*cycles.last().expect("samples"))
    );
    cancel.cancel();
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
