//! Issue 25, finding 2: the daemon reads its stored history at start, not on the first
//! request (at 10,000 Spaces with 90 days the first page waited 11 s for it), and a
//! follower replica takes the leader's stored cycles in by itself. Until the first
//! read is done a page, the JSON API and `/metrics` answer 503 with `Retry-After`
//! (the page in the reader's language, reloading itself), `/readyz` says why, and
//! `/healthz` stays 200.

use std::time::Duration;

use axum::http::Method;
use serde_json::Value;
use spacewarden::view::{Phase, Warmth};
use spacewarden::web;

use crate::support::app::App;
use crate::support::english::stray_english;
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::postgres::fresh_database;
use crate::support::process::eventually;
use crate::support::replicas::{Replica, replica_app, roles};
use crate::support::web::{API_KEY, Site, send, send_request};
use crate::web_process::listening_port;

/// `/readyz` of the process on `port`, whatever its status.
async fn readyz(port: u16) -> Value {
    reqwest::get(format!("http://127.0.0.1:{port}/readyz"))
        .await
        .expect("/readyz answers")
        .json()
        .await
        .expect("/readyz is JSON")
}

/// The change marker the replica's figures stand at (`null` before any read).
async fn marker(replica: &Replica) -> Option<i64> {
    replica.readyz().await?["read_model"]["marker"].as_i64()
}

#[tokio::test]
async fn the_daemon_reads_the_stored_history_before_anyone_asks() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(SpaceSpec::new("alice/app"));
    let app = App::new(&hub)
        .env("SPACES", "alice/app")
        .env("HF_TOKEN", "hf_alice")
        // No cycle of its own during the test: only the start reads the history.
        .env("CHECK_SCHEDULE", "0 0 1 1 *")
        .env("RUST_LOG", "info");
    let stored = app.run(&["check"]).await;
    assert_eq!(stored.code, 0, "{}", stored.stderr);
    let counter = app.store().await.read_counter().await.expect("the marker");

    let daemon = app.spawn(&["run"]);
    let port = listening_port(&daemon).await;
    // Not a page, not the API: /readyz reads nothing of the history.
    let ready = readyz(port).await;
    assert_eq!(ready["read_model"]["state"], "built", "{ready}");
    assert_eq!(
        ready["read_model"]["marker"].as_i64(),
        Some(counter),
        "the figures were not read at start: {ready}"
    );
    assert!(daemon.output().contains("read model built spaces=1"));
    let page = reqwest::get(format!("http://127.0.0.1:{port}/"))
        .await
        .expect("the page");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("alice/app"));
}

/// A site whose read model is still being read: `spaces` Spaces.
async fn starting_site(hub: &FakeHub) -> (Site, Warmth) {
    hub.add_space(SpaceSpec::new("alice/app"));
    let site = Site::new(hub, "alice/app", Some(API_KEY), "").await;
    let warmth = Warmth::default();
    warmth.set(Phase::Reading { spaces: 10_000 });
    (site, warmth)
}

#[tokio::test]
async fn while_the_history_is_read_requests_get_503_with_retry_after() {
    let hub = FakeHub::start().await;
    let (site, warmth) = starting_site(&hub).await;
    let router = web::router(site.state().with_warmth(warmth.clone()));

    let page = send(&router, Method::GET, "/", None).await;
    assert_eq!(page.status, 503);
    assert_eq!(page.header("retry-after"), "2");
    assert!(
        page.body.contains("reading the history of 10000 Spaces"),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"http-equiv="refresh" content="2""#));

    let space = send(&router, Method::GET, "/space/alice/app", None).await;
    assert_eq!(space.status, 503);

    let api = send(&router, Method::GET, "/api/v1/spaces", Some(API_KEY)).await;
    assert_eq!(api.status, 503);
    assert_eq!(api.header("retry-after"), "2");
    assert_eq!(api.json()["error"], "starting", "{}", api.body);
    assert!(api.json()["message"].as_str().unwrap().contains("starting"));

    let metrics = send(&router, Method::GET, "/metrics", None).await;
    assert_eq!(
        (metrics.status.as_u16(), metrics.header("retry-after")),
        (503, "2")
    );

    let ready = send(&router, Method::GET, "/readyz", None).await;
    assert_eq!(ready.status, 503);
    assert_eq!(
        ready.json()["reason"],
        "starting: reading the history of 10000 Spaces"
    );
    assert_eq!(ready.json()["read_model"]["state"], "building");
    let health = send(&router, Method::GET, "/healthz", None).await;
    assert_eq!(health.status, 200);
    let style = send(&router, Method::GET, "/assets/style.css", None).await;
    assert_eq!(style.status, 200);

    // Read: everything answers as before.
    warmth.set(Phase::Built);
    let page = send(&router, Method::GET, "/", None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("alice/app"));
    let api = send(&router, Method::GET, "/api/v1/spaces", Some(API_KEY)).await;
    assert_eq!(api.status, 200, "{}", api.body);
    let ready = send(&router, Method::GET, "/readyz", None).await;
    assert_eq!(ready.json()["read_model"]["state"], "built");
}

#[tokio::test]
async fn the_starting_page_speaks_the_readers_language() {
    let hub = FakeHub::start().await;
    let (site, warmth) = starting_site(&hub).await;
    let router = web::router(site.state().with_warmth(warmth));
    let request = axum::http::Request::get("/")
        .header("accept-language", "zh-CN")
        .body(axum::body::Body::empty())
        .unwrap();
    let page = send_request(&router, request).await;
    assert_eq!(page.status, 503);
    assert!(
        page.body.contains("正在读取 10000 个 Space 的历史记录"),
        "{}",
        page.body
    );
    let stray = stray_english(&page.body, &["English"]);
    assert!(stray.is_empty(), "English on the Chinese page: {stray:?}");
}

#[tokio::test]
async fn a_follower_takes_the_leaders_cycles_in_without_a_request() {
    let Some(database) = fresh_database().await else {
        return;
    };
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let app = replica_app(&hub, &database, "");
    let replicas = [Replica::start(&app).await, Replica::start(&app).await];
    let (leader, follower) = roles(&replicas[0], &replicas[1]).await;
    let (leader, follower) = (&replicas[leader], &replicas[follower]);

    // Nothing but /readyz is asked of the follower: no request reads for it.
    let before = marker(follower).await.expect("built at start");
    let mut target = None;
    let cycled = eventually(Duration::from_secs(20), async || {
        target = marker(leader).await.filter(|&m| m >= before + 2);
        target.is_some()
    })
    .await;
    assert!(cycled, "the leader stored no two cycles");
    let target = target.expect("the leader's marker");
    let followed = eventually(Duration::from_secs(20), async || {
        marker(follower).await.is_some_and(|m| m >= target)
    })
    .await;
    assert!(
        followed,
        "the follower's figures stand at {:?}; the leader's stood at {target}",
        marker(follower).await
    );
}
