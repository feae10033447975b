//! The Discord benchmark (issue 5): prints a table, asserts nothing.
//!
//! `cargo bench --bench discord`
//! Slash-command latency with 1,000 watched Spaces, as the fake Discord measures it:
//! from sending INTERACTION_CREATE on the gateway to receiving the interaction
//! callback, over 1,000 `/status` commands and 1,000 `space` autocompletes (one at a
//! time, paced at 25/s).

#[path = "../tests/api/support/fake_discord/mod.rs"]
mod fake_discord;
#[path = "../tests/api/support/fake_hub/mod.rs"]
mod fake_hub;

use std::sync::Arc;
use std::time::Duration;

use fake_discord::{
    CommandScope, DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, FakeDiscord, InteractionSpec,
};
use fake_hub::{FakeHub, SpaceSpec};
use spacewarden::chat::discord::run_discord;
use spacewarden::commands::{Access, CommandCore};
use spacewarden::config::Config;
use spacewarden::hub::{HttpProbe, HubClient};
use spacewarden::monitor::{Monitor, MonitorParts};
use spacewarden::store::Store;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

const TOKEN: &str = "MTEwMDAwMDAwMDAwMDAwMDAwMg.GhT4kX.benchTokenSecretPart";
const ADMIN: u64 = 1_100_000_000_000_000_301;

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
    let dc = FakeDiscord::start(TOKEN).await;
    let dir = tempfile::tempdir().expect("tmp");
    let vars = [
        ("HF_ENDPOINT", hub.hub_url()),
        ("HF_SPACES_API_URL", hub.metrics_url()),
        ("HF_APP_URL_TEMPLATE", hub.app_url_template()),
        ("SPACES", "alice/*".to_owned()),
        (
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("dc.db").display()),
        ),
        ("DISCORD_BOT_TOKEN", TOKEN.to_owned()),
        ("DISCORD_API_URL", dc.url()),
        ("DISCORD_GUILD_ID", DEFAULT_GUILD_ID.to_string()),
        ("DISCORD_ADMIN_IDS", ADMIN.to_string()),
        ("DISCORD_CHANNEL_IDS", DEFAULT_CHANNEL_ID.to_string()),
    ];
    let config = Arc::new(
        Config::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()))
            .expect("config"),
    );
    let settings = config.discord.clone().expect("discord settings");
    let store = Store::connect(&config.database_url).await.expect("store");
    let hub_client = HubClient::for_config(&config).expect("client");
    let parts = MonitorParts::new(
        config.clone(),
        Arc::new(hub_client),
        Arc::new(HttpProbe::new().expect("probe")),
        store.clone(),
    );
    let monitor = Monitor::new(parts);
    let targets = config.watch.clone();
    monitor.tick(&targets).await.expect("first cycle");
    let cancel = CancellationToken::new();
    let core = CommandCore::new(monitor.clone(), Access::from_config(&config), None);
    tokio::spawn(run_discord(settings, core, cancel.clone()));
    dc.wait_commands(
        CommandScope::Guild(DEFAULT_GUILD_ID),
        Duration::from_secs(30),
    )
    .await
    .expect("commands registered");

    println!("| benchmark | p50 | p99 | max | target |");
    println!("|---|---|---|---|---|");
    let cases = [
        ("`/status`", InteractionSpec::slash("status")),
        (
            "`/restart space:` autocomplete",
            InteractionSpec::autocomplete("restart", "space", "space-09"),
        ),
    ];
    for (name, spec) in cases {
        let mut samples = Vec::new();
        for _ in 0..1000 {
            let started = Instant::now();
            let handle = dc
                .dispatch_interaction(spec.clone().user(ADMIN, "ops_lead"))
                .await;
            let callback = dc
                .wait_callback(handle.id, Duration::from_secs(10))
                .await
                .expect("a callback");
            samples.push(callback.after);
            tokio::time::sleep_until(started + Duration::from_millis(40)).await;
        }
        samples.sort();
        println!(
            "| {name}, 1,000 Spaces, 1,000 commands: dispatch → callback | {:.1} ms | {:.1} ms | {:.1} ms | p99 ≤ 25 ms |",
            ms(percentile(&samples, 0.5)),
            ms(percentile(&samples, 0.99)),
            ms(*samples.last().expect("samples"))
        );
    }
    cancel.cancel();
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
