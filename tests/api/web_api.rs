//! The API's writes (restart and rebuild through the repair path, its caps and its
//! audit), the `/metrics` exposition read back with a parser, and escaping of hostile
//! outside text on the pages.

use axum::http::{Method, StatusCode};
use spacewarden::domain::SpaceId;

use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::web::{API_KEY, Site};

fn id(text: &str) -> SpaceId {
    SpaceId::parse(text).unwrap()
}

/// A Space that takes a while to come back after a restart, so a repair stays in
/// flight long enough to be seen.
pub fn slow(id: &str) -> SpaceSpec {
    let mut stages = vec!["BUILDING"; 10];
    stages.push("RUNNING");
    SpaceSpec::new(id)
        .stage("RUNTIME_ERROR")
        .after_restart(stages.clone())
        .after_factory(stages)
}

#[tokio::test]
async fn restart_via_the_api_calls_the_hub_once_and_is_audited() {
    let hub = FakeHub::start().await;
    hub.add_space(slow("alice/app"));
    // Checked but not acted on: no automatic repair gets in the way.
    let site = Site::new(&hub, "alice/app", Some(API_KEY), "").await;
    site.check().await;

    let accepted = site.api_post("/api/v1/spaces/alice/app/restart").await;
    assert_eq!(accepted.status, StatusCode::ACCEPTED, "{}", accepted.body);
    let body = accepted.json();
    assert_eq!(body["space"], "alice/app");
    assert_eq!(body["action"], "restart");
    assert_eq!(body["actor"], "api");
    let action_id = body["action_id"].as_i64().expect("action id");

    // One repair per Space at a time: a second request while the first runs is refused.
    let again = site.api_post("/api/v1/spaces/alice/app/restart").await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.json()["error"], "repair_in_flight");

    site.monitor.settle().await;
    assert_eq!(
        hub.restarts("alice/app"),
        [false],
        "exactly one restart call"
    );
    let actions = site
        .monitor
        .store()
        .actions(&id("alice/app"), 10)
        .await
        .unwrap();
    assert_eq!(actions.len(), 1);
    let action = &actions[0];
    assert_eq!(action.id, action_id);
    assert_eq!(
        (action.kind.as_str(), action.trigger.as_str()),
        ("restart", "manual")
    );
    assert_eq!(action.actor, "api");
    assert_eq!(action.result.as_deref(), Some("recovered"));
    let audit = site.monitor.store().audit_log(10).await.unwrap();
    assert!(
        audit.iter().any(|a| a.platform == "api"
            && a.command == "/restart alice/app"
            && a.outcome.as_deref() == Some("ok")),
        "{audit:?}"
    );
    assert!(
        audit
            .iter()
            .any(|a| a.outcome.as_deref() == Some("in flight")),
        "the 409 is audited too"
    );

    // The history shows the audit row, and the token never appears in any answer.
    let history = site
        .api_get("/api/v1/spaces/alice/app/history?since=1d")
        .await;
    assert_eq!(history.json()["actions"][0]["actor"], "api");
    assert!(!history.body.contains("hf_alice"));

    let rebuild = site.api_post("/api/v1/spaces/alice/app/rebuild").await;
    assert_eq!(rebuild.status, StatusCode::ACCEPTED);
    site.monitor.settle().await;
    assert_eq!(hub.restarts("alice/app"), [false, true]);
    // Never an HF token in a URL.
    assert!(hub.requests().iter().all(|r| !r.query.contains("hf_")));
}

/// The global cap holds automatic repairs only: with `max_in_flight = 1` taken by a
/// repair in flight, a second API request for another Space is accepted (an admin
/// never waits behind the cap), and a second request for the same Space is refused
/// with 409 (one repair per Space).
#[tokio::test]
async fn requests_bypass_the_global_cap_but_not_the_per_space_claim() {
    let hub = FakeHub::start().await;
    hub.add_space(slow("alice/one"));
    hub.add_space(slow("alice/two"));
    hub.add_space(SpaceSpec::new("alice/other"));
    let site = Site::new(
        &hub,
        "alice/one,alice/two",
        Some(API_KEY),
        "max_in_flight = 1\n",
    )
    .await;
    site.check().await;
    let first = site.api_post("/api/v1/spaces/alice/one/restart").await;
    assert_eq!(first.status, StatusCode::ACCEPTED);
    let second = site.api_post("/api/v1/spaces/alice/two/restart").await;
    assert_eq!(second.status, StatusCode::ACCEPTED, "{}", second.body);
    let again = site.api_post("/api/v1/spaces/alice/one/restart").await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert_eq!(again.json()["error"], "repair_in_flight");
    let unwatched = site.api_post("/api/v1/spaces/alice/other/restart").await;
    assert_eq!(unwatched.status, StatusCode::NOT_FOUND);
    let bad = site.api_post("/api/v1/spaces/alice/x..y/rebuild").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    // A bad argument is answered with a sentence and the usage, not a Rust dump.
    let long = site
        .api_post("/api/v1/spaces/alice/one/mute?duration=31d")
        .await;
    assert_eq!(long.status, StatusCode::BAD_REQUEST, "{}", long.body);
    assert_eq!(long.json()["error"], "invalid_query");
    let message = long.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(message.contains("Usage: /mute"), "{message}");
    for internal in ["Usage {", "reason:", "\\\"", "{ "] {
        assert!(!message.contains(internal), "{message}");
    }
    let no_key = site
        .send(Method::POST, "/api/v1/spaces/alice/two/restart", None)
        .await;
    assert_eq!(no_key.status, StatusCode::UNAUTHORIZED);
    site.monitor.settle().await;
    assert_eq!(hub.restarts("alice/one"), [false]);
    assert_eq!(hub.restarts("alice/two"), [false]);
    assert!(hub.restarts("alice/other").is_empty());
}

#[tokio::test]
async fn metrics_parse_as_prometheus_text() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    hub.add_space(slow("alice/broken"));
    let site = Site::new(&hub, "alice/*", None, "").await;
    site.cycle().await;

    let reply = site.get("/metrics").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply
            .header("content-type")
            .starts_with("application/openmetrics-text")
    );
    let lines = reply.body.lines().map(|l| Ok(l.to_owned()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("valid exposition");
    let value = |name: &str, labels: &[(&str, &str)]| -> Option<f64> {
        scrape
            .samples
            .iter()
            .find(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
            .map(|s| match s.value {
                prometheus_parse::Value::Counter(v)
                | prometheus_parse::Value::Gauge(v)
                | prometheus_parse::Value::Untyped(v) => v,
                _ => f64::NAN,
            })
    };
    assert_eq!(
        value("spacewarden_space_up", &[("space", "alice/app")]),
        Some(1.0)
    );
    assert_eq!(
        value("spacewarden_space_up", &[("space", "alice/broken")]),
        Some(0.0)
    );
    assert_eq!(
        value(
            "spacewarden_space_verdict",
            &[("space", "alice/app"), ("verdict", "up")]
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            "spacewarden_space_uptime_ratio",
            &[("space", "alice/app"), ("window", "24h")]
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            "spacewarden_repairs_total",
            &[("kind", "restart"), ("result", "recovered")]
        ),
        Some(1.0)
    );
    let sent = site.monitor.store().outbox("test").await.unwrap();
    assert!(!sent.is_empty() && sent.iter().all(|row| row.state == "sent"));
    assert_eq!(
        value(
            "spacewarden_alerts",
            &[("destination", "test"), ("state", "sent")]
        ),
        Some(sent.len() as f64)
    );
    assert!(value("spacewarden_hub_requests_total", &[("status", "200")]).unwrap_or(0.0) >= 2.0);
    assert_eq!(value("spacewarden_open_incidents", &[]), Some(0.0));
    assert_eq!(value("spacewarden_check_cycles_total", &[]), Some(0.0));
    assert!(value("spacewarden_check_cycle_duration_seconds", &[]).is_some());
    let probes = scrape
        .samples
        .iter()
        .find(|s| s.metric == "spacewarden_probe_latency_seconds")
        .expect("probe latency histogram");
    match &probes.value {
        prometheus_parse::Value::Histogram(buckets) => {
            assert!(buckets.iter().any(|b| b.count >= 1.0), "{buckets:?}")
        }
        other => panic!("not a histogram: {other:?}"),
    }
    assert!(reply.body.trim_end().ends_with("# EOF"));
}

#[tokio::test]
async fn hostile_outside_text_comes_out_inert() {
    let hub = FakeHub::start().await;
    hub.add_space(
        SpaceSpec::new("alice/evil")
            .stage("RUNTIME_ERROR")
            .error_message("<script>alert(\"pwned\")</script> & <img src=x onerror=alert(1)>"),
    );
    hub.add_space(SpaceSpec::new("alice/odd").stage("<b>QUANTUM</b>"));
    let site = Site::new(&hub, "alice/*", None, "").await;
    site.check().await;
    for path in ["/", "/space/alice/evil", "/space/alice/odd"] {
        let page = site.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.body.contains("<script>alert"), "{path}: live script");
        assert!(!page.body.contains("<img src=x"), "{path}: live img");
        assert!(!page.body.contains("<b>QUANTUM"), "{path}: live markup");
        // The only scripts are our own files.
        assert_eq!(page.body.matches("<script").count(), 2, "{path}");
        assert_eq!(
            page.body.matches("<script src=\"/assets/").count(),
            2,
            "{path}"
        );
    }
    let evil = site.get("/space/alice/evil").await.body;
    assert!(evil.contains("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &lt;img"));
    let odd = site.get("/space/alice/odd").await.body;
    assert!(odd.contains("&lt;b&gt;QUANTUM&lt;/b&gt;"));
}
