//! The live-metrics relay against the fake Hub's live-metrics stream: two viewers
//! share one upstream connection, which closes when the last one leaves; the cap on
//! upstream streams; `/live` for the overview; a Space with no stream; event streams
//! are never gzipped while pages are.

use std::time::Duration;

use axum::Router;
use axum::body::{Body, BodyDataStream};
use axum::http::{HeaderMap, Request, StatusCode};
use futures_util::StreamExt;
use tower::ServiceExt;

use crate::support::fake_hub::{FakeHub, MetricsSample, SpaceSpec};
use crate::support::process::eventually;
use crate::support::web::Site;

const WAIT: Duration = Duration::from_secs(10);

/// An open event stream.
struct Listener {
    status: StatusCode,
    headers: HeaderMap,
    body: BodyDataStream,
    text: String,
}

async fn listen(router: &Router, path: &str) -> Listener {
    let request = Request::get(path)
        .header("accept", "text/event-stream")
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    Listener {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.into_body().into_data_stream(),
        text: String::new(),
    }
}

impl Listener {
    /// Reads until `n` metric events arrived; returns their data as JSON.
    async fn metrics(&mut self, n: usize) -> Vec<serde_json::Value> {
        let read = tokio::time::timeout(WAIT, async {
            while self.text.matches("event: metric").count() < n {
                let chunk = self.body.next().await.expect("the stream ended").unwrap();
                self.text.push_str(&String::from_utf8_lossy(&chunk));
            }
        })
        .await;
        assert!(
            read.is_ok(),
            "no {n} metric events within {WAIT:?}:\n{}",
            self.text
        );
        data_of(&self.text, "metric")
    }

    /// Reads to the end (a stream the server closes).
    async fn read_to_end(&mut self) -> String {
        let read = tokio::time::timeout(WAIT, async {
            while let Some(chunk) = self.body.next().await {
                self.text
                    .push_str(&String::from_utf8_lossy(&chunk.unwrap()));
            }
        })
        .await;
        assert!(read.is_ok(), "the stream did not end:\n{}", self.text);
        self.text.clone()
    }

    /// Reads until the text contains `needle`.
    async fn until(&mut self, needle: &str) -> String {
        let read = tokio::time::timeout(WAIT, async {
            while !self.text.contains(needle) {
                let chunk = self.body.next().await.expect("the stream ended").unwrap();
                self.text.push_str(&String::from_utf8_lossy(&chunk));
            }
        })
        .await;
        assert!(
            read.is_ok(),
            "no {needle:?} within {WAIT:?}:\n{}",
            self.text
        );
        self.text.clone()
    }
}

/// The JSON `data:` of every `event: {name}` in `text`.
fn data_of(text: &str, name: &str) -> Vec<serde_json::Value> {
    text.split("\n\n")
        .filter(|event| event.lines().any(|l| l == format!("event: {name}")))
        .filter_map(|event| event.lines().find_map(|l| l.strip_prefix("data: ")))
        .map(|data| serde_json::from_str(data).expect("JSON data"))
        .collect()
}

async fn site(hub: &FakeHub, spaces: &str, env: &[(&str, &str)]) -> Site {
    hub.set_metrics_interval(Duration::from_millis(20));
    let site = Site::with_env(hub, spaces, None, "", env).await;
    site.check().await;
    hub.clear_requests();
    site
}

#[tokio::test]
async fn two_viewers_share_one_upstream_stream_closed_when_the_last_leaves() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app").hardware(Some("cpu-upgrade")));
    let site = site(&hub, "alice/app", &[]).await;
    let router = site.router();
    let mut first = listen(&router, "/space/alice/app/live").await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(
        first.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    assert!(
        first.headers.get("content-encoding").is_none(),
        "event streams are not gzipped"
    );
    let mut second = listen(&router, "/space/alice/app/live").await;
    let seen = first.metrics(3).await;
    second.metrics(3).await;
    let sample = &seen[0];
    let fake = MetricsSample::default();
    assert_eq!(sample["cpu_usage_pct"], fake.cpu_usage_pct);
    assert_eq!(sample["memory_used_bytes"], fake.memory_used_bytes);
    assert_eq!(
        sample["memory_total_bytes"],
        32u64 << 30,
        "cpu-upgrade's memory"
    );
    assert_eq!(sample["rx_bps"], fake.rx_bps as f64);
    assert_eq!(sample["tx_bps"], fake.tx_bps as f64);
    assert!(first.text.starts_with("retry: 5000\n"), "{}", first.text);
    assert!(first.text.contains("\"state\":\"live\""), "{}", first.text);

    assert_eq!(
        hub.count("GET", "/live-metrics/sse"),
        1,
        "one upstream for two viewers"
    );
    assert_eq!(site.state().live_streams_open(), 1);
    assert_eq!(hub.open_metric_streams(), 1);

    // Values move: the relay passes each new sample on.
    hub.set_metrics(
        "alice/app",
        MetricsSample {
            cpu_usage_pct: 87.5,
            ..MetricsSample::default()
        },
    );
    second.until("\"cpu_usage_pct\":87.5").await;

    drop(first);
    let still = second
        .metrics(second.text.matches("event: metric").count() + 2)
        .await;
    assert!(!still.is_empty());
    assert_eq!(
        site.state().live_streams_open(),
        1,
        "one viewer left, one stays"
    );
    drop(second);
    let closed = eventually(WAIT, async || {
        site.state().live_streams_open() == 0 && hub.open_metric_streams() == 0
    })
    .await;
    assert!(closed, "the upstream stream outlived its last viewer");
    assert_eq!(hub.count("GET", "/live-metrics/sse"), 1);
    // The samples seen are kept for the Space page's sparklines.
    let page = site.get("/space/alice/app").await;
    assert!(
        page.body
            .contains("<span class=\"now\" id=\"live-cpu\">88 %</span>"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn the_cap_on_upstream_streams_holds_and_frees() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    hub.add_space(SpaceSpec::new("alice/other"));
    let site = site(&hub, "alice/app,alice/other", &[("WEB_LIVE_STREAMS", "1")]).await;
    let router = site.router();
    let mut app = listen(&router, "/space/alice/app/live").await;
    app.metrics(1).await;
    let mut other = listen(&router, "/space/alice/other/live").await;
    assert_eq!(other.status, StatusCode::OK);
    let busy = other.read_to_end().await;
    assert!(busy.starts_with("retry: 30000\n"), "{busy}");
    assert_eq!(data_of(&busy, "status")[0]["state"], "busy");
    // A second viewer of the open stream is no new stream.
    let mut again = listen(&router, "/space/alice/app/live").await;
    again.metrics(1).await;
    assert_eq!(hub.count("GET", "/live-metrics/sse"), 1);
    drop((app, again));
    let freed = eventually(WAIT, async || site.state().live_streams_open() == 0).await;
    assert!(freed);
    let mut other = listen(&router, "/space/alice/other/live").await;
    other.metrics(1).await;
}

#[tokio::test]
async fn the_overview_stream_carries_every_running_space() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    hub.add_space(SpaceSpec::new("alice/other"));
    hub.add_space(SpaceSpec::new("alice/asleep").stage("SLEEPING"));
    let site = site(&hub, "alice/*", &[]).await;
    let mut overview = listen(&site.router(), "/live").await;
    overview.until("\"space\":\"alice/other\"").await;
    let text = overview.until("\"space\":\"alice/app\"").await;
    assert!(!text.contains("alice/asleep"), "only running Spaces");
    assert_eq!(
        data_of(&text, "status")[0]["message"],
        "Live figures for 2 running Spaces."
    );
    assert_eq!(site.state().live_streams_open(), 2);
    // The page marks where the figures go.
    let page = site.get("/").await;
    assert!(page.body.contains("data-live=\"/live\""));
    assert_eq!(page.body.matches("<td class=\"live\">").count(), 3);
}

#[tokio::test]
async fn a_space_without_a_stream_says_so_and_unwatched_ones_are_not_found() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let site = site(&hub, "alice/app,alice/ghost", &[]).await;
    let router = site.router();
    let mut ghost = listen(&router, "/space/alice/ghost/live").await;
    let text = ghost.until("unavailable").await;
    let states: Vec<serde_json::Value> = data_of(&text, "status");
    assert_eq!(states[0]["state"], "connecting");
    assert_eq!(states[1]["state"], "unavailable");
    assert!(
        states[1]["message"]
            .as_str()
            .unwrap()
            .starts_with("No live metrics")
    );
    assert!(
        !text.contains("Space not found"),
        "the Hub's words stay in the log"
    );
    let unwatched = listen(&router, "/space/bob/app/live").await;
    assert_eq!(unwatched.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn pages_are_gzipped_for_whoever_accepts_it() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let site = site(&hub, "alice/app", &[]).await;
    let request = Request::get("/")
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .unwrap();
    let response = site.router().oneshot(request).await.unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let plain = site.get("/").await;
    assert!(plain.headers.get("content-encoding").is_none());
    assert!(plain.body.contains("alice/app"));
}
