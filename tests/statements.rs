//! How many SQL statements storing a cycle sends, per Space (issue 25), counted from
//! sqlx's own statement log (`sqlx::query` events, whatever the backend): a test
//! binary of its own, so the global subscriber sees no other test's statements. Row by
//! row, a cycle cost about six statements per Space (the raw check, two roll-ups, the
//! previous check, billed time, the summary); in batches it is a handful per batch.
//! The daemon then decides on the cycle (`Monitor::act`: the alert memory of every
//! Space, drift, incidents, the grouped alert) in the same transaction; that part is
//! counted too, since its per-Space writes went one statement per Space until they
//! were batched. Prints the figures (BENCHMARKS.md quotes them); asserts the batched
//! bound.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use chrono::{DateTime, TimeZone, Utc};
use spacewarden::config::Config;
use spacewarden::domain::{Observation, ProbeOutcome, SpaceCheck, SpaceId, Stage, Verdict};
use spacewarden::hub::{HttpProbe, HubClient};
use spacewarden::monitor::{Monitor, MonitorParts};
use spacewarden::store::Store;
use tracing_subscriber::layer::{Context, SubscriberExt};

/// Counts sqlx's statement events.
struct Count(Arc<AtomicUsize>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Count {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}

const SPACES: usize = 1_000;

/// The statements sent so far by this binary; the tests take turns (`TURN`).
static COUNT: LazyLock<Arc<AtomicUsize>> = LazyLock::new(|| {
    let count = Arc::new(AtomicUsize::new(0));
    tracing::subscriber::set_global_default(
        tracing_subscriber::registry().with(Count(count.clone())),
    )
    .expect("the only subscriber of this binary");
    count
});
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The SQLite store, and a scratch Postgres one when a server is named.
async fn urls() -> Vec<String> {
    let mut urls = vec!["sqlite::memory:".to_owned()];
    if let Some(server) = spacewarden::store::test_server_url() {
        urls.push(
            spacewarden::store::create_scratch_database(&server)
                .await
                .expect("scratch database"),
        );
    }
    urls
}

/// One running, probed Space on billing hardware (so its billed time is written too).
fn observation(n: usize, at: DateTime<Utc>) -> Observation {
    let space = SpaceId::parse(&format!("Owner{}/Space-{n}", n % 10)).expect("an id");
    SpaceCheck {
        subdomain: Some(space.derived_subdomain()),
        space,
        at,
        stage: Some(Stage::parse("RUNNING")),
        hardware: Some("t4-small".into()),
        requested_hardware: Some("t4-small".into()),
        error: None,
        failure: None,
        probe: Some(ProbeOutcome {
            status: Some(200),
            latency_ms: Some(42.0),
            ok: true,
            failure: None,
        }),
        verdict: Verdict::Up,
        gc_timeout: None,
        private: Some(false),
        cause: None,
        revision: None,
    }
    .into()
}

#[tokio::test(flavor = "current_thread")]
async fn a_cycle_costs_a_few_statements_per_batch_not_per_space() {
    let _turn = TURN.lock().await;
    let count = COUNT.clone();
    for url in urls().await {
        let store = Store::connect(&url).await.expect("open");
        let t0 = Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap();
        let mut per_space = Vec::new();
        for cycle in 0..2 {
            let at = t0 + chrono::Duration::minutes(5 * cycle);
            let observations: Vec<Observation> = (0..SPACES).map(|n| observation(n, at)).collect();
            let before = count.load(Ordering::Relaxed);
            store.record(&observations).await.expect("record");
            let sent = count.load(Ordering::Relaxed) - before;
            per_space.push(sent as f64 / SPACES as f64);
        }
        let backend = store.backend();
        println!(
            "{backend:?}: {SPACES} Spaces, statements per Space: first cycle {:.3}, second {:.3}",
            per_space[0], per_space[1]
        );
        assert!(
            per_space.iter().all(|&n| n > 0.0 && n < 0.1),
            "{backend:?}: {per_space:?} statements per Space"
        );
        let usage = store.usage_since(t0).await.expect("usage");
        assert_eq!(usage.len(), SPACES, "{backend:?}: every Space billed once");
        assert_eq!(usage[0].billed_ms, 300_000);
        assert!(
            usage.iter().all(|row| row.space.starts_with("Owner")),
            "{usage:?}"
        );
    }
}

/// A monitor over `store` watching the test's owners; its Hub is never called (every
/// Space is up, so no alert wants log lines).
fn monitor(store: Store) -> Monitor {
    let watch: Vec<String> = (0..10).map(|n| format!("Owner{n}/*")).collect();
    let vars = HashMap::from([("SPACES".to_owned(), watch.join(","))]);
    let config = Config::from_lookup(|key| vars.get(key).cloned()).expect("a config");
    let hub = HubClient::for_config(&config).expect("a Hub client");
    Monitor::new(MonitorParts::new(
        Arc::new(config),
        Arc::new(hub),
        Arc::new(HttpProbe::new().expect("a probe")),
        store,
    ))
}

/// A whole daemon cycle after observing: stored, decided, each Space's memory written
/// (its good streak moves every cycle), half the Spaces' hardware drift noted on the
/// first cycle. Row by row the memory alone was one statement per Space.
#[tokio::test(flavor = "current_thread")]
async fn a_daemon_cycle_decides_in_a_few_statements_per_batch_not_per_space() {
    let _turn = TURN.lock().await;
    let count = COUNT.clone();
    for url in urls().await {
        let store = Store::connect(&url).await.expect("open");
        let monitor = monitor(store.clone());
        let t0 = Utc::now();
        let mut per_space = Vec::new();
        for cycle in 0..2 {
            let at = t0 + chrono::Duration::seconds(cycle);
            let observations: Vec<Observation> = (0..SPACES)
                .map(|n| {
                    let mut obs = observation(n, at);
                    if let Observation::Checked(check) = &mut obs
                        && n % 2 == 1
                    {
                        check.requested_hardware = Some("a10g-small".into());
                    }
                    obs
                })
                .collect();
            let before = count.load(Ordering::Relaxed);
            monitor.act_on(&observations).await.expect("act");
            let sent = count.load(Ordering::Relaxed) - before;
            per_space.push(sent as f64 / SPACES as f64);
        }
        let backend = store.backend();
        println!(
            "{backend:?}: {SPACES} Spaces, statements per Space of a daemon cycle (stored and \
             decided): first {:.3}, second {:.3}",
            per_space[0], per_space[1]
        );
        assert!(
            per_space.iter().all(|&n| n > 0.0 && n < 0.1),
            "{backend:?}: {per_space:?} statements per Space"
        );
        let states = store.space_states().await.expect("states");
        assert_eq!(states.len(), SPACES);
        for (n, state) in states.iter().enumerate() {
            assert_eq!(state.memory.good_streak, 2, "{backend:?}: {}", state.space);
            let drifting = state.requested_hardware.as_deref() == Some("a10g-small");
            assert_eq!(state.drift_since.is_some(), drifting, "{backend:?} {n}");
        }
    }
}
