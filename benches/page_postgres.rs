//! `GET /` right after a check cycle is stored, and warm, on SQLite and on Postgres
//! (issue 25, finding 2: the page memoized nothing on Postgres). Prints a table,
//! asserts nothing.
//!
//! `cargo bench --bench page_postgres [-- --spaces N] [--runs N] [--warm N] [--only sqlite|postgres]`
//! Seeds N Spaces with 90 days of history (`support/many_spaces.rs`) in a SQLite file
//! and, when `SPACEWARDEN_TEST_DATABASE_URL` names a Postgres server (`. .ci/postgres`),
//! in a scratch database there. Then, `runs` times: store a whole cycle (one check of
//! every Space, noted, one transaction, as the daemon does; timed) and bring the read
//! model up to date as the daemon's cycle does (`view::refresh`: uptime, bars, every
//! Space's state, the cost windows; timed, the cycle pays it); time the first `GET /`
//! (gzip) after it, then `--warm` (default 20) warm ones. For comparison, the SQL
//! recompute the page paid before (uptime and bars read whole from the store right after
//! the commit) is timed alone. Last, another cycle is stored and `GET /` asked at once,
//! with no `view::refresh` between: the request takes the cycle in itself, as on a
//! follower replica. Then two of the reads that take-in runs are timed alone (every
//! Space's row; the roll-ups of the cycle's hour and day). Each measure prints its
//! median, p99 and worst.

#[path = "support/many_spaces.rs"]
mod many_spaces;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use chrono::Utc;
use spacewarden::config::Config;
use spacewarden::domain::{Observation, SpaceCheck, SpaceId, Stage, Verdict};
use spacewarden::hub::{HttpProbe, HubClient};
use spacewarden::monitor::{Monitor, MonitorParts, SchedulerStatus};
use spacewarden::store::{self, Rollup, RollupRead, Store};
use spacewarden::web::{self, WebState};
use tower::ServiceExt;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map_or(default, |n| n.parse().expect("a number"))
    };
    let (spaces, runs) = (arg("--spaces", 1_000), arg("--runs", 5));
    let warm_gets = arg("--warm", 20);
    // `--only sqlite` or `--only postgres`: one backend (seeding 10,000 takes minutes).
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(|b| b.to_ascii_lowercase());
    let runs_on = |backend: &str| only.as_deref().is_none_or(|b| b == backend);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!("| backend | Spaces | measure | median ms | p99 ms | worst ms | n |");
    println!("|---|---|---|---|---|---|---|");
    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite = format!("sqlite://{}", dir.path().join("page.db").display());
    if runs_on("sqlite") {
        runtime.block_on(measure("SQLite", &sqlite, spaces, runs, warm_gets));
    }
    if let Some(server) = store::test_server_url().filter(|_| runs_on("postgres")) {
        let url = runtime
            .block_on(store::create_scratch_database(&server))
            .expect("a scratch database");
        runtime.block_on(measure("Postgres", &url, spaces, runs, warm_gets));
    }
}

/// One check of every Space at `now`, stored as the daemon stores a cycle.
async fn store_cycle(store: &Store, spaces: usize, now: chrono::DateTime<Utc>) {
    let mut tx = store.begin().await.expect("begin");
    tx.note_cycle(now, Some(now + chrono::Duration::minutes(15)))
        .await
        .expect("note");
    let observations: Vec<Observation> = (0..spaces)
        .map(|i| {
            let id = SpaceId::parse(&format!("team-{:02}/space-{:04}", i / 50, i)).expect("id");
            SpaceCheck {
                hardware: Some("cpu-basic".into()),
                ..SpaceCheck::new(id, now, Stage::parse("RUNNING"), Verdict::Up)
            }
            .into()
        })
        .collect();
    // In batches, as `Monitor` stores a cycle (one call for the whole cycle).
    tx.record_observations(&observations).await.expect("record");
    tx.commit().await.expect("commit");
}

/// The rows of the table, in the order `measure` collects them.
const MEASURES: [&str; 8] = [
    "storing a cycle (one transaction)",
    "the cycle's `view::refresh` after its commit",
    "first `GET /` after a cycle",
    "warm `GET /`",
    "first `GET /` after a cycle nobody took in (a follower)",
    "uptime + bars SQL recompute (what `GET /` paid before)",
    "read alone: `space_states` (every Space's row)",
    "read alone: the roll-ups of the cycle's hour and day",
];

/// Median, p99 and worst, in milliseconds, and how many.
fn spread(mut times: Vec<Duration>) -> String {
    times.sort();
    let ms = |at: usize| times[at.min(times.len() - 1)].as_secs_f64() * 1000.0;
    format!(
        "{:.1} | {:.1} | {:.1} | {}",
        ms(times.len() / 2),
        ms(times.len() * 99 / 100),
        ms(times.len() - 1),
        times.len()
    )
}

async fn measure(backend: &str, db: &str, spaces: usize, runs: usize, warm_gets: usize) {
    let vars = [
        ("SPACES", many_spaces::watch_list(spaces)),
        ("DATABASE_URL", db.to_owned()),
        ("HF_ENDPOINT", "http://127.0.0.1:9".to_owned()),
    ];
    let config =
        Config::from_lookup(|key| vars.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()))
            .expect("config");
    let store = Store::connect(db).await.expect("store");
    let seeding = Instant::now();
    many_spaces::seed(&store, spaces, 90, Utc::now()).await;
    eprintln!(
        "{backend}: {spaces} Spaces seeded in {:.1?}",
        seeding.elapsed()
    );
    let hub = HubClient::for_config(&config).expect("hub client");
    let parts = MonitorParts::new(
        Arc::new(config),
        Arc::new(hub),
        Arc::new(HttpProbe::new().expect("probe")),
        store.clone(),
    );
    let monitor = Monitor::new(parts);
    let scheduler = SchedulerStatus::new(monitor.config().check_schedule.clone());
    let router = web::router(WebState::new(monitor.clone(), scheduler));
    let get = || {
        let router = router.clone();
        async move {
            let request = Request::get("/").header("accept-encoding", "gzip");
            let started = Instant::now();
            let response = router
                .oneshot(request.body(Body::empty()).expect("request"))
                .await
                .expect("response");
            assert!(response.status().is_success(), "{}", response.status());
            let body = axum::body::to_bytes(response.into_body(), 64 << 20)
                .await
                .expect("body");
            (started.elapsed(), body.len())
        }
    };
    let page = get().await.1;
    let mut times: [Vec<Duration>; 8] = Default::default();
    let [
        stored,
        refresh,
        first,
        warm,
        follower,
        before,
        states,
        rollups,
    ] = &mut times;
    for _ in 0..runs {
        let now = Utc::now();
        let t = Instant::now();
        store_cycle(&store, spaces, now).await;
        stored.push(t.elapsed());
        // What the daemon's cycle does after its commit (`Monitor::tick`).
        let t = Instant::now();
        spacewarden::view::refresh(&monitor).await.expect("refresh");
        refresh.push(t.elapsed());
        first.push(get().await.0);
        for _ in 0..warm_gets {
            warm.push(get().await.0);
        }
        let t = Instant::now();
        store.uptime_all(now).await.expect("uptime");
        store.daily_uptime_all(now, 90).await.expect("bars");
        before.push(t.elapsed());
        // A cycle nobody takes in before the request: what a follower replica's first
        // request pays (nothing on a follower calls `view::refresh`).
        store_cycle(&store, spaces, Utc::now()).await;
        follower.push(get().await.0);
        // Two of the reads a take-in runs, alone: how much of it is the store's.
        let t = Instant::now();
        store.space_states().await.expect("states");
        states.push(t.elapsed());
        let t = Instant::now();
        let hour = now.timestamp_millis() - now.timestamp_millis().rem_euclid(3_600_000);
        let today = now.timestamp_millis() - now.timestamp_millis().rem_euclid(86_400_000);
        for (table, from) in [(Rollup::Hourly, hour), (Rollup::Daily, today)] {
            store
                .each_rollup_row(table, from, RollupRead::Recent, |_, _| {})
                .await
                .expect("rows");
        }
        rollups.push(t.elapsed());
    }
    eprintln!("{backend}: {spaces} Spaces, `GET /` is {page} bytes gzip");
    for (measure, times) in MEASURES.iter().zip(times) {
        println!("| {backend} | {spaces} | {measure} | {} |", spread(times));
    }
}
