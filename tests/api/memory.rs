//! Issue 14, memory: the sampler reads running Spaces' live metrics without anyone
//! asking; a Space at 98 % of its limit gets one `memory_high` warning and no restart,
//! and the samples feed `/metrics`.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use spacewarden::monitor::SchedulerStatus;
use spacewarden::web::{self, WebState};

use crate::support::app::App;
use crate::support::daemon::{Daemon, FAST_REPAIRS};
use crate::support::fake_hub::{FakeHub, MetricsSample, SpaceSpec};
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
