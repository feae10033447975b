//! Every route of the HTTP side and its status codes, through the router without a
//! socket: health and readiness, the pages, assets, the API's reads and errors, the
//! API key, and opaque internal errors.

use axum::http::{Method, StatusCode};
use spacewarden::domain::WatchTarget;
use spacewarden::monitor::Scheduler;
use tokio_util::sync::CancellationToken;

use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::process::eventually;
use crate::support::web::{API_KEY, Site, send};

async fn site(api_key: Option<&str>) -> Site {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    hub.add_space(SpaceSpec::new("alice/asleep").stage("SLEEPING"));
    Site::new(&hub, "alice/app,alice/asleep,alice/later", api_key, "").await
}

#[tokio::test]
async fn health_and_readiness() {
    let site = site(None).await;
    let healthz = site.get("/healthz").await;
    assert_eq!(healthz.status, StatusCode::OK);
    assert_eq!(healthz.json()["status"], "ok");

    // No scheduler running: not ready, with the reason.
    let readyz = site.get("/readyz").await;
    assert_eq!(readyz.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(readyz.json()["reason"], "the scheduler has not started");

    // A scheduler within its first interval: ready.
    let targets: Vec<WatchTarget> = site.monitor.config().watch.to_vec();
    let scheduler = Scheduler::new(site.monitor.clone(), targets);
    let router = site.router_with(scheduler.status());
    let cancel = CancellationToken::new();
    let running = tokio::spawn({
        let cancel = cancel.clone();
        async move { scheduler.run(cancel).await }
    });
    let ready = eventually(std::time::Duration::from_secs(5), async || {
        send(&router, Method::GET, "/readyz", None).await.status == StatusCode::OK
    })
    .await;
    assert!(
        ready,
        "the scheduler started but /readyz did not turn ready"
    );
    cancel.cancel();
    running.await.expect("join").expect("scheduler");

    // The store gone: not ready, and the reason says which part.
    site.monitor.store().close().await;
    let readyz = send(&router, Method::GET, "/readyz", None).await;
    assert_eq!(readyz.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(readyz.json()["reason"], "the store does not answer");
    assert_eq!(site.get("/healthz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn pages_assets_and_not_found() {
    let site = site(None).await;
    // Before the first check every watched Space is listed, as not checked yet.
    let before = site.get("/").await;
    assert_eq!(before.status, StatusCode::OK);
    assert_eq!(before.body.matches("not checked yet").count(), 3);
    site.check().await;
    let page = site.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").starts_with("text/html"));
    for space in ["alice/app", "alice/asleep", "alice/later"] {
        assert!(
            page.body.contains(&format!("data-space=\"{space}\"")),
            "{space} missing"
        );
    }
    assert_eq!(
        page.body.matches("<svg class=\"mini\"").count(),
        3,
        "a 90-day bar each"
    );
    assert!(
        page.header("content-security-policy")
            .contains("script-src 'self'")
    );
    // Without WEB_USERNAME: read-only, no sign-in, nothing that posts.
    assert!(!page.body.to_lowercase().contains("post"));
    assert!(!page.body.contains("/login"));
    assert_eq!(page.body.matches("<form").count(), 1, "the filter box only");

    let space = site.get("/space/alice/app").await;
    assert_eq!(space.status, StatusCode::OK);
    assert!(space.body.contains("<h1>alice/app</h1>"));
    assert!(
        space
            .body
            .contains("Live figures appear here while the Space runs.")
    );
    assert!(!space.body.contains("<form"), "no actions without sign-in");
    assert_eq!(site.get("/login").await.status, StatusCode::NOT_FOUND);
    // Ids are case-insensitive, like the Hub's.
    assert_eq!(site.get("/space/ALICE/APP").await.status, StatusCode::OK);

    for missing in [
        "/space/alice/unwatched",
        "/space/alice/bad..name",
        "/space/alice",
        "/nowhere",
    ] {
        let reply = site.get(missing).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{missing}");
        assert!(reply.body.contains("Not found"), "{missing}");
    }

    let css = site.get("/assets/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header("content-type").starts_with("text/css"));
    assert!(css.body.contains("prefers-color-scheme: dark"));
    for script in ["/assets/theme.js", "/assets/live.js"] {
        let js = site.get(script).await;
        assert_eq!(js.status, StatusCode::OK);
        assert!(js.header("content-type").starts_with("text/javascript"));
    }
}

#[tokio::test]
async fn the_space_page_draws_the_samples_metrics_reads_left() {
    let site = site(None).await;
    site.check().await;
    let id = spacewarden::domain::SpaceId::parse("alice/app").unwrap();
    // What the chat /metrics command does: read the stream through the monitor's Hub.
    site.hub
        .set_metrics_interval(std::time::Duration::from_millis(10));
    let read = site
        .monitor
        .hub()
        .live_metrics(&id, 5, Some(&"hf_alice".to_owned().into()))
        .await
        .expect("metrics");
    assert_eq!(read.len(), 5);
    assert_eq!(site.samples.samples(&id).len(), 5);
    let page = site.get("/space/alice/app").await;
    assert!(page.body.contains("<polyline"), "{}", page.body);
    assert!(page.body.contains("5 samples"));
}

#[tokio::test]
async fn api_key_missing_wrong_and_right() {
    // Without API_KEY the API is off, whatever is sent.
    let off = site(None).await;
    let reply = off.api_get("/api/v1/spaces").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json()["error"], "api_disabled");

    let site = site(Some(API_KEY)).await;
    site.check().await;
    let missing = site.get("/api/v1/spaces").await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(missing.json()["error"], "unauthorized");
    assert_eq!(missing.header("www-authenticate"), "Bearer");
    for wrong in [
        "nope",
        "test-api-key-012345678",
        "test-api-key-01234567890",
        "",
    ] {
        let reply = site.send(Method::GET, "/api/v1/spaces", Some(wrong)).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{wrong:?}");
        assert!(!reply.body.contains(API_KEY));
    }
    let basic = axum::http::Request::builder()
        .uri("/api/v1/spaces")
        .header("authorization", format!("Basic {API_KEY}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let basic = tower::ServiceExt::oneshot(site.router(), basic)
        .await
        .unwrap();
    assert_eq!(basic.status(), StatusCode::UNAUTHORIZED);
    let right = site.api_get("/api/v1/spaces").await;
    assert_eq!(right.status, StatusCode::OK);
    assert_eq!(right.json()["spaces"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn api_reads_and_their_errors() {
    let site = site(Some(API_KEY)).await;
    let unchecked = site.api_get("/api/v1/spaces").await.json();
    assert!(unchecked["spaces"][0]["verdict"].is_null());
    assert!(unchecked["spaces"][0]["checked_at"].is_null());
    // Two checks five minutes apart (checks only: no wake of the sleeping Space).
    site.check().await;
    site.clock.advance(std::time::Duration::from_secs(300));
    site.check().await;

    let list = site.api_get("/api/v1/spaces").await.json();
    let app = &list["spaces"][0];
    assert_eq!(app["space"], "alice/app");
    assert_eq!(app["verdict"], "up");
    assert_eq!(app["stage"], "RUNNING");
    assert_eq!(app["hardware"], "cpu-basic");
    assert_eq!(app["uptime"]["h24"], 1.0);
    // Watched but unknown to the Hub: checked, and said so.
    let later = &list["spaces"][2];
    assert_eq!(later["space"], "alice/later");
    assert!(
        later["error"].as_str().unwrap().contains("not found"),
        "{later}"
    );

    let detail = site.api_get("/api/v1/spaces/alice/asleep").await;
    assert_eq!(detail.status, StatusCode::OK);
    let detail = detail.json();
    assert_eq!(detail["verdict"], "sleeping");
    assert!(detail["app_url"].as_str().unwrap().contains("alice-asleep"));
    assert_eq!(detail["gave_up"], false);

    let history = site
        .api_get("/api/v1/spaces/alice/app/history?since=2026-11-22T00:00:00Z&limit=1")
        .await;
    assert_eq!(history.status, StatusCode::OK, "{}", history.body);
    let history = history.json();
    assert_eq!(history["checks"].as_array().unwrap().len(), 1);
    assert_eq!(history["checks"][0]["probe"]["ok"], true);
    let all = site
        .api_get("/api/v1/spaces/alice/app/history")
        .await
        .json();
    assert_eq!(all["checks"].as_array().unwrap().len(), 2);

    for (path, status, code) in [
        ("/api/v1/spaces/alice/unwatched", 404, "not_found"),
        ("/api/v1/spaces/alice/bad--name", 400, "invalid_space_id"),
        (
            "/api/v1/spaces/alice/app/history?since=yesterday",
            400,
            "invalid_query",
        ),
        // Past the calendar: a 400, never a 200 with a year of -262143.
        (
            "/api/v1/spaces/alice/app/history?since=99999999999d",
            400,
            "invalid_query",
        ),
        (
            "/api/v1/spaces/alice/app/history?limit=0",
            400,
            "invalid_query",
        ),
        (
            "/api/v1/spaces/alice/app/history?limit=lots",
            400,
            "invalid_query",
        ),
        (
            "/api/v1/spaces/alice/app/history?limit=1001",
            400,
            "invalid_query",
        ),
        ("/api/v1/nothing/here", 404, "not_found"),
    ] {
        let reply = site.api_get(path).await;
        assert_eq!(reply.status.as_u16(), status, "{path}: {}", reply.body);
        assert_eq!(reply.json()["error"], code, "{path}");
        assert!(
            reply.json()["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    let wrong_method = site.api_get("/api/v1/spaces/alice/app/restart").await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.json()["error"], "method_not_allowed");
    let wrong_method = site.api_post("/api/v1/spaces").await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn internal_errors_are_logged_and_opaque() {
    let site = site(Some(API_KEY)).await;
    site.check().await;
    site.monitor.store().close().await;
    let reply = site.api_get("/api/v1/spaces").await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    let body = reply.json();
    assert_eq!(body["error"], "internal");
    // A reference to find the cause in the log, and nothing of the cause itself.
    let message = body["message"].as_str().expect("a message");
    let reference = message
        .strip_prefix("internal error (ref ")
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("no reference in {message:?}"));
    assert!(
        reference.len() == 8 && reference.chars().all(|c| c.is_ascii_hexdigit()),
        "{message}"
    );
    let page = site.get("/").await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(page.body.contains("Something went wrong"));
    assert!(!page.body.to_lowercase().contains("pool"));
    // /metrics keeps answering without the store, and says the store is unreadable.
    let metrics = site.get("/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(
        metrics.body.contains("spacewarden_store_readable 0"),
        "{}",
        metrics.body
    );
    assert!(!metrics.body.contains("spacewarden_space_up{"));
}
