//! The monitor benchmark (issue 3): prints a table, asserts nothing.
//!
//! `cargo bench --bench monitor [cycle|rss|storage]` (all three by default)
//! 1. cycle: one check cycle over 1,000 Spaces of 10 owners with 50 ms injected latency
//!    on every Hub reply and every app, beside the naive baseline (one `/runtime`
//!    request per Space, sequential, like the Python seed tool).
//! 2. rss: peak and steady RSS of `spacewarden run` watching 1,000 Spaces over 1,000
//!    back-to-back cycles (no latency).
//! 3. storage: a simulated year of checks for 100 Spaces through the roll-up path, then
//!    the database size and the time of a 30-day uptime query over all Spaces.

#[path = "../tests/api/support/fake_hub/mod.rs"]
mod fake_hub;
#[path = "support/proc_status.rs"]
mod proc_status;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use fake_hub::{FakeHub, HostKind, SpaceSpec};
use spacewarden::config::Config;
use spacewarden::domain::{Observation, ProbeOutcome, SpaceCheck, SpaceId, Stage, Verdict};
use spacewarden::hub::{HttpProbe, HubClient, HubEndpoints};
use spacewarden::monitor::{Monitor, MonitorParts, Tuning};
use spacewarden::store::Store;

const OWNERS: usize = 10;
const PER_OWNER: usize = 100;

fn main() {
    let which: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let all = which.is_empty();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!("| benchmark | measured | target |");
    println!("|---|---|---|");
    if all || which.iter().any(|w| w == "cycle") {
        runtime.block_on(cycle());
    }
    if all || which.iter().any(|w| w == "rss") {
        runtime.block_on(rss());
    }
    if all || which.iter().any(|w| w == "storage") {
        runtime.block_on(storage());
    }
}

async fn seeded_hub(latency: Duration) -> FakeHub {
    let hub = FakeHub::start().await;
    hub.set_rate_limit(1_000_000, 300);
    for owner in 0..OWNERS {
        for space in 0..PER_OWNER {
            hub.add_space(
                SpaceSpec::new(&format!("owner{owner}/space-{space}")).app_delay(latency),
            );
        }
    }
    hub.set_latency(latency);
    hub
}

fn watch_list() -> String {
    (0..OWNERS)
        .map(|o| format!("owner{o}/*"))
        .collect::<Vec<_>>()
        .join(",")
}

async fn monitor_for(hub: &FakeHub, db: &str) -> Monitor {
    let vars = [
        ("HF_ENDPOINT", hub.hub_url()),
        ("HF_SPACES_API_URL", hub.metrics_url()),
        ("HF_APP_URL_TEMPLATE", hub.app_url_template()),
        ("SPACES", watch_list()),
        ("DATABASE_URL", db.to_owned()),
    ];
    let config =
        Config::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()))
            .expect("config");
    let hub_client = HubClient::new(
        HubEndpoints {
            hub: config.hf_endpoint.clone(),
            spaces_api: config.hf_spaces_api_url.clone(),
        },
        Duration::from_secs(30),
    )
    .expect("client");
    let store = Store::connect(db).await.expect("store");
    Monitor::new(MonitorParts::new(
        Arc::new(config),
        Arc::new(hub_client),
        Arc::new(HttpProbe::new().expect("probe")),
        store,
    ))
}

async fn cycle() {
    let latency = Duration::from_millis(50);
    let hub = seeded_hub(latency).await;
    let dir = tempfile::tempdir().expect("tmp");
    let db = format!("sqlite://{}", dir.path().join("bench.db").display());
    let monitor = monitor_for(&hub, &db).await;
    let targets = monitor.config().watch.clone();
    let n = OWNERS * PER_OWNER;
    let mut times = Vec::new();
    let (mut hub_requests, mut probes, mut lists_per_owner) = (0, 0, 0.0);
    for _ in 0..3 {
        hub.clear_requests();
        let started = Instant::now();
        let observations = monitor.run_cycle(&targets).await.expect("cycle");
        times.push(started.elapsed());
        assert_eq!(observations.len(), n);
        hub_requests = hub.requests_to(HostKind::Hub).len();
        probes = hub.requests_to(HostKind::App).len();
        lists_per_owner = hub.count("GET", "/api/spaces") as f64 / OWNERS as f64;
    }
    times.sort();
    let median = times[1];
    let concurrency = Tuning::default().probe_concurrency;
    let target = 1.5 * n.div_ceil(concurrency) as f64 * latency.as_secs_f64();

    // The naive baseline: one /runtime request per Space, one after the other.
    let http = reqwest::Client::new();
    let started = Instant::now();
    for owner in 0..OWNERS {
        for space in 0..PER_OWNER {
            let url = format!(
                "{}/api/spaces/owner{owner}/space-{space}/runtime",
                hub.hub_url()
            );
            let body = http
                .get(&url)
                .send()
                .await
                .expect("baseline")
                .text()
                .await
                .expect("body");
            assert!(body.contains("stage"));
        }
    }
    let baseline = started.elapsed();
    println!(
        "| cycle, {n} Spaces / {OWNERS} owners, 50 ms latency (median of 3) | {:.2} s | ≤ {target:.2} s (1.5 × ⌈{n}/{concurrency}⌉ × 50 ms) |",
        median.as_secs_f64()
    );
    println!(
        "| Hub requests / probes in one cycle | {hub_requests} / {probes} | ≤ 2 list requests per owner |"
    );
    println!("| list requests per owner | {lists_per_owner:.1} | ≤ 2 |");
    println!(
        "| naive baseline (sequential /runtime) | {:.2} s ({:.1}× slower) | ≥ 15× |",
        baseline.as_secs_f64(),
        baseline.as_secs_f64() / median.as_secs_f64()
    );
}

async fn rss() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let hub = seeded_hub(Duration::ZERO).await;
    let dir = tempfile::tempdir().expect("tmp");
    let cycles = 1_000u64;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_spacewarden"))
        .args(["run", "--bench-cycles", &(cycles + 20).to_string()])
        .env_clear()
        .env("HF_ENDPOINT", hub.hub_url())
        .env("HF_SPACES_API_URL", hub.metrics_url())
        .env("HF_APP_URL_TEMPLATE", hub.app_url_template())
        .env("SPACES", watch_list())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("rss.db").display()),
        )
        .env("RUST_LOG", "info")
        .env("PORT", "0")
        .current_dir(dir.path())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn spacewarden");
    let pid = child.id().expect("pid");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let (mut done, mut at_100, mut at_end, mut peak) = (0u64, 0, 0, 0);
    let started = Instant::now();
    while let Ok(Some(line)) = lines.next_line().await {
        if !line.contains("check cycle done") {
            continue;
        }
        done += 1;
        if done == 100 {
            at_100 = proc_status::status_kib(pid, "VmRSS:").unwrap_or(0);
        }
        if done == cycles {
            at_end = proc_status::status_kib(pid, "VmRSS:").unwrap_or(0);
            peak = proc_status::status_kib(pid, "VmHWM:").unwrap_or(0);
        }
    }
    let _ = child.wait().await;
    let growth = (at_end as f64 - at_100 as f64) / at_100.max(1) as f64 * 100.0;
    println!(
        "| `spacewarden run`, 1,000 Spaces, {cycles} cycles ({:.0} s) | peak {:.1} MB, steady {:.1} MB | ≤ 25 MB |",
        started.elapsed().as_secs_f64(),
        peak as f64 / 1024.0,
        at_end as f64 / 1024.0
    );
    println!(
        "| RSS growth, cycle 100 → {cycles} | {:.1} MB → {:.1} MB ({growth:+.1} %) | ≤ 5 % |",
        at_100 as f64 / 1024.0,
        at_end as f64 / 1024.0
    );
}

async fn storage() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("year.db");
    let store = Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("store");
    let spaces: Vec<SpaceId> = (0..100)
        .map(|i| SpaceId::parse(&format!("owner{}/space-{i}", i % 10)).expect("id"))
        .collect();
    let start = Utc.with_ymd_and_hms(2025, 11, 22, 0, 0, 0).unwrap();
    let end = start + chrono::Duration::days(365);
    let raw_from = end - chrono::Duration::days(7);
    let started = Instant::now();
    let mut at = start;
    let mut written = 0u64;
    let mut last_prune = start;
    // Raw rows older than the 7-day window are pruned by housekeeping; what stays of
    // them is their roll-ups. So the first 358 days are fed at one check per hour
    // (the same roll-up rows as one per minute), the last 7 days at one per minute.
    while at < end {
        let step = if at < raw_from {
            chrono::Duration::hours(1)
        } else {
            chrono::Duration::minutes(1)
        };
        let mut tx = store.begin().await.expect("tx");
        for (i, space) in spaces.iter().enumerate() {
            let down = (at.timestamp() / 60 + i as i64) % 997 == 0;
            tx.record_observation(&observation(space, at, down))
                .await
                .expect("write");
            written += 1;
        }
        tx.commit().await.expect("commit");
        if at - last_prune >= chrono::Duration::days(1) {
            let ago = |d: i64| at - chrono::Duration::days(d);
            store.prune(ago(7), ago(90), ago(400)).await.expect("prune");
            last_prune = at;
        }
        at += step;
    }
    let ago = |d: i64| end - chrono::Duration::days(d);
    store.prune(ago(7), ago(90), ago(400)).await.expect("prune");
    store.vacuum().await.expect("vacuum");
    store.checkpoint().await.expect("checkpoint");
    let fill = started.elapsed();
    let size: u64 = ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| std::fs::metadata(format!("{}{suffix}", path.display())).ok())
        .map(|m| m.len())
        .sum();
    let mut times = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let all = store.uptime_all(end).await.expect("uptime");
        times.push(t.elapsed());
        assert_eq!(all.len(), 100);
    }
    times.sort();
    println!(
        "| storage: a year of checks for 100 Spaces ({written} writes in {:.0} s) | {:.1} MB | ≤ 100 MB |",
        fill.as_secs_f64(),
        size as f64 / 1_048_576.0
    );
    println!(
        "| 24 h / 7 d / 30 d uptime of all 100 Spaces (median of 50, p99 {:.1} ms) | {:.1} ms | ≤ 20 ms |",
        times[49].as_secs_f64() * 1000.0,
        times[25].as_secs_f64() * 1000.0
    );
}

fn observation(space: &SpaceId, at: chrono::DateTime<Utc>, down: bool) -> Observation {
    SpaceCheck {
        space: space.clone(),
        at,
        stage: Some(Stage::parse(if down { "RUNTIME_ERROR" } else { "RUNNING" })),
        hardware: Some("cpu-basic".into()),
        requested_hardware: None,
        error: down.then(|| "Space failed to start. Exit code: 1".to_owned()),
        failure: None,
        probe: (!down).then_some(ProbeOutcome {
            status: Some(200),
            latency_ms: Some(42.0),
            ok: true,
            failure: None,
        }),
        verdict: if down { Verdict::Down } else { Verdict::Up },
        subdomain: Some(space.derived_subdomain()),
        gc_timeout: Some(172_800),
        private: Some(false),
        cause: None,
        revision: None,
    }
    .into()
}
