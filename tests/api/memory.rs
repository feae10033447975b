//! Issue 14, memory: the sampler reads running Spaces' live metrics without anyone
//! asking; a Space at 98 % of its limit gets one `memory_high` warning and no restart,
//! and the samples feed `/metrics`. Issue 25: it holds as many streams as its running
//! Spaces need (within `max_streams`), reports the read interval it achieves, and a
//! 429 from the Hub slows it down.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use spacewarden::monitor::SchedulerStatus;
use spacewarden::web::{self, WebState};

use crate::support::app::App;
use crate::support::daemon::{Daemon, FAST_REPAIRS};
use crate::support::fake_hub::{FakeHub, HostKind, MetricsSample, SpaceSpec};
use crate::support::process::eventually;
use crate::support::web::{API_KEY, send};

const GIB: u64 = 1024 * 1024 * 1024;

fn using(bytes: u64) -> MetricsSample {
    MetricsSample {
        memory_used_bytes: bytes,
        ..MetricsSample::default()
    }
}

async fn daemon(hub: &FakeHub) -> Daemon {
    hub.add_user("alice", "hf_alice");
    // cpu-basic: a 16 GiB limit. 98 % of it is 15.68 GiB.
    hub.add_space(SpaceSpec::new("alice/hungry").metrics(using(GIB * 98 / 100 * 16)))
        .add_space(SpaceSpec::new("alice/calm").metrics(using(2 * GIB)));
    hub.set_metrics_interval(Duration::from_millis(10));
    let app = App::new(hub)
        .env("SPACES", "alice/*")
        .env("HF_TOKEN", "hf_alice")
        .env("API_KEY", API_KEY)
        .settings(FAST_REPAIRS);
    Daemon::new(&app).await.owning(app)
}

#[tokio::test]
async fn a_space_at_98_percent_memory_is_warned_about_once_and_not_restarted() {
    let hub = FakeHub::start().await;
    let d = daemon(&hub).await;
    d.cycle().await;
    // The first sweep reads both running Spaces; the next one, within `every`, none.
    assert_eq!(d.monitor.memory_sweep().await, 2);
    assert_eq!(d.monitor.memory_sweep().await, 0);
    d.deliver().await;
    for _ in 0..3 {
        d.clock.advance(Duration::from_secs(601));
        d.cycle().await;
        assert_eq!(d.monitor.memory_sweep().await, 2);
        d.deliver().await;
    }
    let warned: Vec<String> = d
        .collector
        .events()
        .into_iter()
        .filter(|e| e.starts_with("memory_high"))
        .collect();
    assert_eq!(warned, ["memory_high alice/hungry"]);
    let alert = d
        .collector
        .alerts()
        .into_iter()
        .find(|a| {
            a.events
                .iter()
                .any(|e| e.kind == spacewarden::alerts::EventKind::MemoryHigh)
        })
        .expect("the warning");
    let text = spacewarden::alerts::render::text(&alert);
    assert!(
        text.contains("memory at 98 % of its limit (15.7 of 16.0 GiB)"),
        "{text}"
    );
    assert!(text.contains("Not restarted)"), "{text}");
    assert!(hub.restarts("alice/hungry").is_empty());

    // Below the threshold re-arms the warning; above again warns again.
    hub.set_metrics("alice/hungry", using(GIB));
    d.clock.advance(Duration::from_secs(601));
    d.monitor.memory_sweep().await;
    hub.set_metrics("alice/hungry", using(GIB * 98 / 100 * 16));
    d.clock.advance(Duration::from_secs(601));
    d.monitor.memory_sweep().await;
    d.deliver().await;
    let warned = d
        .collector
        .events()
        .into_iter()
        .filter(|e| e.starts_with("memory_high"))
        .count();
    assert_eq!(warned, 2);
}

#[tokio::test]
async fn the_samples_feed_the_metrics_gauges() {
    let hub = FakeHub::start().await;
    let d = daemon(&hub).await;
    d.cycle().await;
    d.monitor.memory_sweep().await;
    let router = web::router(
        WebState::new(
            d.monitor.clone(),
            SchedulerStatus::new(d.monitor.config().check_schedule.clone()),
        )
        .with_samples(d.samples.clone()),
    );
    let reply = send(&router, Method::GET, "/metrics", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.body.clone();
    let calm = format!(
        "spacewarden_space_memory_used_bytes{{space=\"alice/calm\"}} {}",
        2 * GIB
    );
    assert!(body.contains(&calm), "{body}");
    assert!(
        body.contains(&format!(
            "spacewarden_space_memory_limit_bytes{{space=\"alice/calm\"}} {}",
            16 * GIB
        )),
        "{body}"
    );
    assert!(
        body.contains("spacewarden_space_cpu_usage_percent{space=\"alice/calm\"} 3.5"),
        "{body}"
    );
}

/// `n` running Spaces, read every 30 s, with `memory` added to `[memory]`. Until reads
/// are timed, the sampler takes a read for three 1-second events (as the Hub sends
/// them): 60 Spaces need 60 × 3 s × 1.25 / 30 s = 7.5 streams.
async fn many(hub: &FakeHub, n: usize, memory: &str) -> Daemon {
    hub.add_user("alice", "hf_alice");
    for i in 0..n {
        hub.add_space(SpaceSpec::new(&format!("alice/app-{i:03}")).metrics(using(2 * GIB)));
    }
    hub.set_metrics_interval(Duration::from_millis(10));
    let settings = format!("{FAST_REPAIRS}\n[memory]\nevery = \"30s\"\n{memory}\n");
    let app = App::new(hub)
        .env("SPACES", "alice/*")
        .env("HF_TOKEN", "hf_alice")
        .env("HF_TIMEOUT", "30s")
        .env("API_KEY", API_KEY)
        .settings(&settings);
    Daemon::new(&app).await.owning(app)
}

async fn metrics(d: &Daemon) -> String {
    let router = web::router(WebState::new(
        d.monitor.clone(),
        SchedulerStatus::new(d.monitor.config().check_schedule.clone()),
    ));
    let reply = send(&router, Method::GET, "/metrics", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.body
}

/// Holds the fake's streams silent while a sweep opens them, and returns how many the
/// sampler held at once once it stops opening more; then lets the sweep finish.
async fn held_streams(hub: &FakeHub, d: &Daemon, at_least: usize) -> (usize, usize) {
    hub.hold_metrics(true);
    let monitor = d.monitor.clone();
    let sweep = tokio::spawn(async move { monitor.memory_sweep().await });
    let opened = eventually(Duration::from_secs(30), async || {
        hub.open_metric_streams() >= at_least
    })
    .await;
    // Whatever the sampler would open beyond its bound has had time to arrive.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let held = hub.open_metric_streams();
    hub.hold_metrics(false);
    let read = sweep.await.expect("the sweep");
    assert!(
        opened,
        "the sampler held fewer than {at_least} streams ({held})"
    );
    (held, read)
}

#[tokio::test]
async fn the_sampler_holds_more_streams_for_more_running_spaces_and_reports_its_interval() {
    let hub = FakeHub::start().await;
    let d = many(&hub, 60, "").await;
    d.cycle().await;
    let (held, read) = held_streams(&hub, &d, 8).await;
    assert_eq!((held, read), (8, 60), "60 Spaces every 30 s need 8 streams");
    let body = metrics(&d).await;
    assert!(
        body.contains("spacewarden_memory_sample_streams 8\n"),
        "{body}"
    );
    assert!(
        !body.contains("memory_sample_interval"),
        "no Space read twice yet"
    );

    d.clock.advance(Duration::from_secs(31));
    assert_eq!(d.monitor.memory_sweep().await, 60);
    let body = metrics(&d).await;
    assert!(
        body.contains("spacewarden_memory_sample_interval_seconds 31.0\n"),
        "{body}"
    );
}

#[tokio::test]
async fn the_sampler_never_holds_more_streams_than_its_budget() {
    let hub = FakeHub::start().await;
    let d = many(&hub, 150, "max_streams = 6").await;
    d.cycle().await;
    let (held, read) = held_streams(&hub, &d, 6).await;
    assert_eq!(
        (held, read),
        (6, 150),
        "150 Spaces need 19 streams; the budget is 6"
    );
    assert!(
        metrics(&d)
            .await
            .contains("spacewarden_memory_sample_streams 6\n")
    );
}

#[tokio::test]
async fn a_429_from_the_hub_stops_the_sweep_and_halves_the_streams_after_the_wait() {
    let hub = FakeHub::start().await;
    // A floor of 2, so the halved 8 shows as 4.
    let d = many(&hub, 60, "streams = 2").await;
    d.cycle().await;
    hub.clear_requests();
    // Every read of the first sweep that reaches the host is refused.
    hub.reject_metrics(8, 1);
    assert_eq!(d.monitor.memory_sweep().await, 0);
    hub.reject_metrics(0, 0);
    // No read starts after the 429: at most the 8 streams already under way asked.
    let asked = hub.requests_to(HostKind::Metrics).len();
    assert!((1..=8).contains(&asked), "{asked} reads asked");
    assert!(
        metrics(&d)
            .await
            .contains("spacewarden_memory_sample_streams 8\n")
    );
    // Within the Hub's wait, a sweep asks nothing.
    assert_eq!(d.monitor.memory_sweep().await, 0);
    assert_eq!(hub.requests_to(HostKind::Metrics).len(), asked);

    // After it (`t` + 1 s: the client's pacing is real time, the sampler's the
    // clock's), every Space is read, with half the streams.
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    d.clock.advance(Duration::from_secs(3));
    assert_eq!(d.monitor.memory_sweep().await, 60);
    assert!(
        metrics(&d)
            .await
            .contains("spacewarden_memory_sample_streams 4\n")
    );
}
