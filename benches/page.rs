//! Page weight (issue 11): the overview (`GET /`) at 100, 1,000 and 5,000 Spaces.
//! Prints a table, asserts nothing.
//!
//! `cargo bench --bench page [-- --runs N] [--spaces N] [--lang TAG]`
//! Seeds a store with the history of N Spaces (50 per owner, 90 days; every 40th
//! down now, every 15th with a bad day), builds the HTTP app as `spacewarden run`
//! does, and asks for `/` through the router (no socket, so the time is the server's:
//! store reads, rendering, and gzip for the compressed column), N times each. Prints
//! the answer's size raw and with `Accept-Encoding: gzip`, and the median and worst
//! time. Targets at 1,000 Spaces: at most 300 KB gzip, at most 30 ms. `--lang zh-CN`
//! asks for the page in that language (`Accept-Language`).

#[path = "support/many_spaces.rs"]
mod many_spaces;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use spacewarden::config::Config;
use spacewarden::hub::{HttpProbe, HubClient};
use spacewarden::monitor::{Monitor, MonitorParts, SchedulerStatus};
use spacewarden::store::Store;
use spacewarden::web::{self, WebState};
use tower::ServiceExt;

const SIZES: [usize; 3] = [100, 1_000, 5_000];
const DAYS: i64 = 90;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .map_or(20, |n| n.parse().expect("--runs N"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let sizes: Vec<usize> = match args.iter().position(|a| a == "--spaces") {
        Some(i) => vec![
            args.get(i + 1)
                .and_then(|n| n.parse().ok())
                .expect("--spaces N"),
        ],
        None => SIZES.to_vec(),
    };
    let lang: Option<String> = args
        .iter()
        .position(|a| a == "--lang")
        .map(|i| args.get(i + 1).expect("--lang TAG").clone());
    println!(
        "| Spaces | `GET /` raw | with gzip | time, median (worst), raw | with gzip | first request after a write (gzip) |"
    );
    println!("|---|---|---|---|---|---|");
    for spaces in sizes {
        runtime.block_on(measure(spaces, runs, lang.clone()));
    }
}

async fn measure(spaces: usize, runs: usize, lang: Option<String>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite://{}", dir.path().join("page.db").display());
    let vars = [
        ("SPACES", many_spaces::watch_list(spaces)),
        ("DATABASE_URL", db.clone()),
        // Never called: the page reads the store only.
        ("HF_ENDPOINT", "http://127.0.0.1:9".to_owned()),
    ];
    let config =
        Config::from_lookup(|key| vars.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()))
            .expect("config");
    let store = Store::connect(&db).await.expect("store");
    let seeding = Instant::now();
    many_spaces::seed(&store, spaces, DAYS, chrono::Utc::now()).await;
    store.checkpoint().await.expect("checkpoint");
    eprintln!("{spaces} Spaces seeded in {:.1?}", seeding.elapsed());
    // Where the time goes: the biggest store reads behind the page, each alone, once.
    let now = chrono::Utc::now();
    let t = Instant::now();
    store.uptime_all(now).await.expect("uptime");
    let uptime = t.elapsed();
    let t = Instant::now();
    store.daily_uptime_all(now, 90).await.expect("bars");
    let bars = t.elapsed();
    let t = Instant::now();
    store.space_states().await.expect("states");
    let states = t.elapsed();
    eprintln!(
        "{spaces} Spaces, store reads: uptime_all {:.1?}, daily_uptime_all {:.1?}, space_states {:.1?}",
        uptime, bars, states
    );
    let hub = HubClient::for_config(&config).expect("hub client");
    let parts = MonitorParts::new(
        Arc::new(config),
        Arc::new(hub),
        Arc::new(HttpProbe::new().expect("probe")),
        store,
    );
    let store = parts.store.clone();
    let monitor = Monitor::new(parts);
    let t = Instant::now();
    monitor.costs(30).await.expect("costs");
    monitor.month_projection().await.expect("projection");
    eprintln!("{spaces} Spaces, costs and projection {:.1?}", t.elapsed());
    let scheduler = SchedulerStatus::new(monitor.config().check_schedule.clone());
    let router = web::router(WebState::new(monitor, scheduler));
    let get = |gzip: bool| {
        let router = router.clone();
        let lang = lang.clone();
        async move {
            let mut request = Request::get("/");
            if let Some(lang) = lang {
                request = request.header("accept-language", lang);
            }
            if gzip {
                request = request.header("accept-encoding", "gzip");
            }
            let started = Instant::now();
            let response = router
                .oneshot(request.body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert!(response.status().is_success(), "{}", response.status());
            let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
                .await
                .unwrap();
            (bytes.len(), started.elapsed())
        }
    };
    // Warm the store's caches and the allocator.
    for _ in 0..3 {
        get(false).await;
    }
    let mut row = format!("| {spaces} |");
    let mut times = String::new();
    for gzip in [false, true] {
        let mut took: Vec<Duration> = Vec::new();
        let mut size = 0;
        for _ in 0..runs {
            let (bytes, time) = get(gzip).await;
            size = bytes;
            took.push(time);
        }
        took.sort();
        row.push_str(&format!(" {:.0} KB |", size as f64 / 1000.0));
        times.push_str(&format!(
            " {:.1} ms ({:.1}) |",
            took[took.len() / 2].as_secs_f64() * 1000.0,
            took[took.len() - 1].as_secs_f64() * 1000.0
        ));
    }
    // The first request after a write transaction (a check cycle commits one) reads
    // the store's aggregates again (`store/memo.rs`); the rest reuse them.
    let mut cold: Vec<Duration> = Vec::new();
    for _ in 0..runs.clamp(1, 5) {
        store
            .begin()
            .await
            .expect("begin")
            .commit()
            .await
            .expect("commit");
        cold.push(get(true).await.1);
    }
    cold.sort();
    times.push_str(&format!(
        " {:.1} ms ({:.1}) |",
        cold[cold.len() / 2].as_secs_f64() * 1000.0,
        cold[cold.len() - 1].as_secs_f64() * 1000.0
    ));
    println!("{row}{times}");
}
