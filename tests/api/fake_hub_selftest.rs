//! Self-tests of the fake Hub, driven with plain reqwest: they pin the fake
//! to the reference (recorded replies byte for byte, the Hub's auth errors,
//! rate-limit headers, pagination, SSE framing, wake and fault behaviour), so
//! the suites built on it test the client against the real Hub's contract.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::{Client, Response};
use serde_json::Value;

use crate::support::fake_hub::{
    FakeHub, Fault, FaultKind, HostKind, SpaceSpec, TokenRole, derive_subdomain,
};

const ALICE: &str = "hf_alice_write";
const ALICE_READ: &str = "hf_alice_read";
const BOB: &str = "hf_bob_write";

/// Recorded replies (reference §3.4-3.6, §4).
const REC_BUILDING: &str = r#"{"stage":"BUILDING","hardware":{"current":null,"requested":"cpu-basic"},"storage":null,"gcTimeout":172800,"replicas":{"requested":1},"devMode":false,"domains":[{"domain":"user-tmp-test-space.hf.space","stage":"READY"}]}"#;
const REC_PAUSED: &str = r#"{"stage":"PAUSED","hardware":{"current":null,"requested":"cpu-basic"},"storage":null,"gcTimeout":172800,"replicas":{"requested":1},"devMode":false,"domains":[{"domain":"user-tmp-test-space.hf.space","stage":"READY"}]}"#;
const REC_STATIC: &str = r#"{"stage":"RUNNING","hardware":{"current":null,"requested":null},"storage":null,"replicas":{"requested":1,"current":1}}"#;

/// alice (write + read tokens, member of org acme) and bob.
async fn hub() -> FakeHub {
    let hub = FakeHub::start().await;
    hub.add_user("alice", ALICE)
        .add_token(ALICE_READ, "alice", TokenRole::Read)
        .add_user("bob", BOB)
        .add_org("acme", &["alice"]);
    hub
}

/// `{hub_url}{path}`.
fn at(hub: &FakeHub, path: &str) -> String {
    format!("{}{path}", hub.hub_url())
}

async fn call(method: &str, url: &str, token: Option<&str>) -> Response {
    let client = Client::builder().timeout(Duration::from_secs(5)).build();
    let mut req = client
        .expect("client")
        .request(method.parse().expect("method"), url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.expect("request")
}

async fn get(url: &str, token: Option<&str>) -> Response {
    call("GET", url, token).await
}

async fn post(url: &str, token: Option<&str>) -> Response {
    call("POST", url, token).await
}

async fn json(resp: Response) -> Value {
    resp.json().await.expect("JSON body")
}

async fn text(resp: Response) -> String {
    resp.text().await.expect("text body")
}

fn header(resp: &Response, name: &str) -> String {
    let value = resp.headers().get(name).and_then(|v| v.to_str().ok());
    value.unwrap_or_default().to_string()
}

#[tokio::test]
async fn recorded_runtime_replies_and_headers_come_out_verbatim() {
    let hub = hub().await;
    hub.add_user("user", "hf_user")
        .add_space(
            SpaceSpec::new("user/tmp_test_space")
                .private(true)
                .stage("BUILDING"),
        )
        .add_space(SpaceSpec::new("victor/static-space").sdk("static"));
    let base = at(&hub, "/api/spaces/user/tmp_test_space");

    let trace = "3fca2004-7797-4321-9981-8d2b491cf804";
    let resp = Client::new()
        .get(format!("{base}/runtime"))
        .bearer_auth("hf_user")
        .header("X-Amzn-Trace-Id", trace)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        header(&resp, "content-type"),
        "application/json; charset=utf-8"
    );
    assert_eq!(header(&resp, "x-powered-by"), "huggingface-moon");
    let rid = header(&resp, "x-request-id");
    assert!(
        rid.starts_with("Root=1-") && rid.ends_with(&format!(";{trace}")),
        "{rid}"
    );
    assert_eq!(header(&resp, "ratelimit"), r#""api";r=999;t=300"#);
    assert_eq!(
        header(&resp, "ratelimit-policy"),
        r#""fixed window";"api";q=1000;w=300"#
    );
    assert_eq!(text(resp).await, REC_BUILDING);

    // The recorded pause → restart sequence (restart sent with no body).
    assert_eq!(
        text(post(&format!("{base}/pause"), Some("hf_user")).await).await,
        REC_PAUSED
    );
    assert_eq!(
        text(post(&format!("{base}/restart"), Some("hf_user")).await).await,
        REC_BUILDING
    );
    let url = at(&hub, "/api/spaces/victor/static-space/runtime");
    assert_eq!(text(get(&url, None).await).await, REC_STATIC);
}

#[tokio::test]
async fn list_paginates_with_link_and_honours_expand_and_visibility() {
    let hub = hub().await;
    for i in 0..5 {
        hub.add_space(SpaceSpec::new(&format!("alice/app-{i}")));
    }
    hub.add_space(SpaceSpec::new("alice/hidden").private(true))
        .add_space(SpaceSpec::new("bob/other"));
    hub.set_page_size(2);

    let first = at(
        &hub,
        "/api/spaces?author=alice&expand=runtime&expand=subdomain",
    );
    let (mut next, mut ids, mut pages) = (Some(first.clone()), Vec::new(), 0);
    while let Some(url) = next.take() {
        let resp = get(&url, None).await;
        let link = header(&resp, "link");
        if !link.is_empty() {
            let prefix = format!("<{first}&cursor=");
            assert!(
                link.starts_with(&prefix) && link.ends_with(">; rel=\"next\""),
                "{link}"
            );
            next = Some(link[1..link.find('>').unwrap()].to_string());
        }
        for item in json(resp).await.as_array().unwrap() {
            let mut keys: Vec<&String> = item.as_object().unwrap().keys().collect();
            keys.sort();
            assert_eq!(keys, ["_id", "id", "runtime", "subdomain"]);
            ids.push(item["id"].as_str().unwrap().to_string());
        }
        pages += 1;
    }
    assert_eq!(
        (pages, ids.len()),
        (3, 5),
        "anonymous callers do not see alice/hidden"
    );
    assert_eq!(hub.count("GET", "/api/spaces"), 3, "one request per page");

    // The owner sees the private one; `limit` shrinks the page; no runtime
    // without expand.
    let resp = get(&at(&hub, "/api/spaces?author=alice&limit=10"), Some(ALICE)).await;
    assert!(header(&resp, "link").contains("limit=10"));
    let page = json(resp).await;
    assert_eq!(page.as_array().unwrap().len(), 2);
    assert_eq!(
        (&page[0]["author"], &page[0]["sdk"]),
        (&"alice".into(), &"gradio".into())
    );
    assert!(page[0].get("runtime").is_none());

    // Comma form accepted; unknown values and expand+full refused.
    let url = at(&hub, "/api/spaces?search=hidden&expand=private,sdk");
    assert_eq!(json(get(&url, Some(ALICE)).await).await[0]["private"], true);
    let bad = get(&at(&hub, "/api/spaces?expand=foo"), None).await;
    assert_eq!(bad.status(), 400);
    assert!(json(bad).await["error"].as_str().unwrap().contains("foo"));
    let both = get(&at(&hub, "/api/spaces?expand=sdk&full=true"), None).await;
    assert_eq!(both.status(), 400);
}

#[tokio::test]
async fn auth_errors_match_the_hub() {
    let hub = hub().await;
    hub.add_space(SpaceSpec::new("alice/secret").private(true))
        .add_space(SpaceSpec::new("alice/open"))
        .add_space(SpaceSpec::new("acme/team").private(true))
        .add_space(SpaceSpec::new("alice/site").sdk("static"));
    let api = at(&hub, "/api/spaces");
    let status = |resp: Response| resp.status().as_u16();

    let anon = get(&format!("{api}/alice/secret"), None).await;
    assert_eq!(anon.status(), 401);
    assert_eq!(
        text(anon).await,
        r#"{"error":"Invalid username or password."}"#
    );
    let other = get(&format!("{api}/alice/secret"), Some(BOB)).await;
    assert_eq!(
        (other.status().as_u16(), header(&other, "x-error-code")),
        (404, "RepoNotFound".into())
    );
    assert_eq!(text(other).await, r#"{"error":"Repository not found"}"#);
    assert_eq!(
        status(get(&format!("{api}/alice/nope"), Some(ALICE)).await),
        404
    );
    assert_eq!(status(get(&format!("{api}/alice/nope"), None).await), 401);
    assert_eq!(
        status(get(&format!("{api}/acme/team/runtime"), Some(ALICE_READ)).await),
        200
    );

    let bad = get(&format!("{api}/alice/open"), Some("hf_unknown")).await;
    assert_eq!(bad.status(), 401);
    assert_eq!(
        header(&bad, "x-error-message"),
        "Invalid credentials in Authorization header"
    );

    let not_owner = post(&format!("{api}/alice/open/restart"), Some(BOB)).await;
    assert_eq!(not_owner.status(), 403);
    assert!(!header(&not_owner, "x-error-message").is_empty());
    assert_eq!(
        status(post(&format!("{api}/alice/open/pause"), Some(ALICE_READ)).await),
        403
    );
    assert_eq!(
        status(post(&format!("{api}/alice/open/restart"), None).await),
        401
    );
    assert_eq!(
        status(post(&format!("{api}/alice/site/restart"), Some(ALICE)).await),
        400
    );
    assert_eq!(
        status(post(&format!("{api}/acme/team/restart"), Some(ALICE)).await),
        200
    );

    let me = json(get(&at(&hub, "/api/whoami-v2"), Some(ALICE)).await).await;
    assert_eq!(
        (me["name"].as_str(), me["orgs"][0]["name"].as_str()),
        (Some("alice"), Some("acme"))
    );
    assert_eq!(me["auth"]["accessToken"]["role"], "write");
    assert_eq!(status(get(&at(&hub, "/api/whoami-v2"), None).await), 401);
}

#[tokio::test]
async fn rate_limit_counts_per_token_and_answers_429() {
    let hub = hub().await;
    hub.add_space(SpaceSpec::new("alice/open"));
    hub.set_rate_limit(3, 60);
    hub.set_whoami_rate_limit(1, 60);
    let url = at(&hub, "/api/spaces/alice/open/runtime");
    for left in [2, 1, 0] {
        let resp = get(&url, Some(ALICE)).await;
        assert_eq!(resp.status(), 200);
        assert!(header(&resp, "ratelimit").starts_with(&format!("\"api\";r={left};t=")));
    }
    let limited = get(&url, Some(ALICE)).await;
    assert_eq!(limited.status(), 429);
    assert!(header(&limited, "ratelimit").starts_with(r#""api";r=0;t="#));
    assert_eq!(
        header(&limited, "ratelimit-policy"),
        r#""fixed window";"api";q=3;w=60"#
    );
    assert!(header(&limited, "retry-after").parse::<u64>().is_ok());
    assert!(
        json(limited).await["error"]
            .as_str()
            .unwrap()
            .contains("rate limit")
    );

    // Bob has his own bucket; whoami's is tighter.
    let who = at(&hub, "/api/whoami-v2");
    assert_eq!(get(&who, Some(BOB)).await.status(), 200);
    assert_eq!(get(&who, Some(BOB)).await.status(), 429);
    assert_eq!(get(&url, Some(BOB)).await.status(), 200);

    hub.inject(Fault::new(FaultKind::RateLimited { reset_secs: 7 }).times(1));
    let forced = get(&url, None).await;
    assert_eq!(
        (forced.status().as_u16(), header(&forced, "retry-after")),
        (429, "7".into())
    );
    assert!(header(&forced, "ratelimit").ends_with("r=0;t=7"));
}

#[tokio::test]
async fn restart_scripts_advance_one_step_per_runtime_read() {
    let hub = hub().await;
    hub.add_space(
        SpaceSpec::new("alice/flaky")
            .stage("RUNTIME_ERROR")
            .error_message("Space failed to start. Exit code: 1")
            .after_factory(vec!["BUILDING", "BUILDING", "RUNNING"]),
    );
    let base = at(&hub, "/api/spaces/alice/flaky");
    let runtime = format!("{base}/runtime");
    let rt = json(get(&runtime, None).await).await;
    assert_eq!(rt["errorMessage"], "Space failed to start. Exit code: 1");

    // Default script: the reply shows BUILDING, each read moves one step,
    // whether through /runtime or Space info.
    let rt = json(post(&format!("{base}/restart"), Some(ALICE)).await).await;
    assert_eq!(rt["stage"], "BUILDING");
    assert!(rt.get("errorMessage").is_none());
    assert_eq!(
        json(get(&runtime, None).await).await["stage"],
        "APP_STARTING"
    );
    let info = json(get(&base, None).await).await;
    assert_eq!(info["runtime"]["stage"], "RUNNING");
    assert_eq!(info["runtime"]["hardware"]["current"], "cpu-basic");
    assert_eq!(
        info["host"].as_str(),
        Some(hub.app_url("alice/flaky").as_str())
    );

    // Factory reboot (sent with `{}`, as community clients do), read via the list.
    let factory = Client::new()
        .post(format!("{base}/restart?factory=true"))
        .bearer_auth(ALICE)
        .json(&serde_json::json!({}))
        .send();
    assert_eq!(json(factory.await.unwrap()).await["stage"], "BUILDING");
    let list = at(&hub, "/api/spaces?author=alice&expand=runtime");
    for want in ["BUILDING", "RUNNING", "RUNNING"] {
        assert_eq!(
            json(get(&list, None).await).await[0]["runtime"]["stage"],
            want
        );
    }
    assert_eq!(hub.restarts("alice/flaky"), [false, true]);
}

#[tokio::test]
async fn logs_stream_as_sse_and_honour_tail() {
    let hub = hub().await;
    let lines = vec!["===== Application Startup =====", "one", "two"];
    hub.add_space(SpaceSpec::new("alice/open").run_logs(lines));
    let url = at(&hub, "/api/spaces/alice/open/logs/run?tail=2");
    let resp = get(&url, Some(ALICE)).await;
    assert_eq!(header(&resp, "content-type"), "text/event-stream");
    let body = text(resp).await;
    let events: Vec<&str> = body.split("\n\n").filter(|e| !e.is_empty()).collect();
    assert_eq!(events.len(), 3, "{body}");
    let lines: Vec<Value> = events[..2]
        .iter()
        .map(|e| serde_json::from_str(e.strip_prefix("data: ").unwrap()).unwrap())
        .collect();
    assert_eq!(
        (&lines[0]["data"], &lines[1]["data"]),
        (&"one".into(), &"two".into())
    );
    assert!(lines[0]["timestamp"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        events[2], "data:",
        "an empty keep-alive, then the stream closes"
    );
    assert_eq!(get(&url, Some(BOB)).await.status(), 403);
    assert_eq!(get(&url, None).await.status(), 401);
}

#[tokio::test]
async fn live_metrics_stream_metric_events() {
    let hub = hub().await;
    hub.add_space(SpaceSpec::new("alice/secret").private(true));
    hub.set_metrics_interval(Duration::from_millis(20));
    let url = format!("{}/v1/alice/secret/live-metrics/sse", hub.metrics_url());
    assert_eq!(get(&url, None).await.status(), 401);
    let resp = get(&url, Some(ALICE)).await;
    assert_eq!(header(&resp, "content-type"), "text/event-stream");
    let mut stream = resp.bytes_stream();
    let mut body = String::new();
    while body.matches("event: metric\n").count() < 2 {
        body.push_str(&String::from_utf8_lossy(
            &stream.next().await.unwrap().unwrap(),
        ));
    }
    let data = body.lines().find_map(|l| l.strip_prefix("data: ")).unwrap();
    let m: Value = serde_json::from_str(data).unwrap();
    assert_eq!(m["memory_total_bytes"], 16u64 << 30, "cpu-basic has 16 GB");
    let keys = [
        "cpu_usage_pct",
        "cpu_millicores",
        "memory_used_bytes",
        "rx_bps",
        "tx_bps",
    ];
    for key in keys.iter().chain(&["gpus", "replica"]) {
        assert!(m.get(key).is_some(), "{key} missing in {data}");
    }
    assert_eq!(hub.requests_to(HostKind::Metrics).len(), 2);
}

#[tokio::test]
async fn visiting_a_sleeping_app_wakes_it_but_not_a_paused_one() {
    let hub = hub().await;
    hub.add_space(
        SpaceSpec::new("alice/Sleepy_App")
            .stage("SLEEPING")
            .app(200, "hello"),
    )
    .add_space(SpaceSpec::new("alice/paused").stage("PAUSED"));
    let app = hub.app_url("alice/Sleepy_App");
    assert_eq!(
        app,
        hub.app_url_template()
            .replace("{subdomain}", "alice-sleepy-app")
    );
    assert_eq!(get(&format!("{app}/"), None).await.status(), 503);
    assert_eq!(
        hub.stage("alice/Sleepy_App"),
        "SLEEPING",
        "moves on the next read"
    );
    assert_eq!(
        hub.pending_stages("alice/Sleepy_App"),
        ["APP_STARTING", "RUNNING"]
    );
    let runtime = at(&hub, "/api/spaces/alice/Sleepy_App/runtime");
    for want in ["APP_STARTING", "RUNNING"] {
        assert_eq!(json(get(&runtime, None).await).await["stage"], want);
    }
    let resp = get(&format!("{app}/health"), None).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(text(resp).await, "hello");
    assert_eq!(hub.requests_to(HostKind::App).len(), 2);

    assert_eq!(get(&hub.app_url("alice/paused"), None).await.status(), 503);
    let runtime = at(&hub, "/api/spaces/alice/paused/runtime");
    assert_eq!(json(get(&runtime, None).await).await["stage"], "PAUSED");
}

#[tokio::test]
async fn subdomains_follow_the_reference_and_can_be_omitted() {
    let flux = derive_subdomain("black-forest-labs/FLUX.1-schnell");
    assert_eq!(flux, "black-forest-labs-flux-1-schnell");
    assert_eq!(
        derive_subdomain("user/tmp_test_space"),
        "user-tmp-test-space"
    );
    assert_eq!(derive_subdomain("a/b._c"), "a-b-c");

    let hub = hub().await;
    hub.add_space(SpaceSpec::new("alice/Plain.App"))
        .add_space(SpaceSpec::new("alice/bare").omit_subdomain());
    let host = json(get(&at(&hub, "/api/spaces/alice/Plain.App/host"), None).await).await;
    assert_eq!(host["subdomain"], "alice-plain-app");
    assert!(
        host["host"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    let info = json(get(&at(&hub, "/api/spaces/alice/bare"), None).await).await;
    assert!(info.get("subdomain").is_none() && info.get("host").is_none());
    assert_eq!(get(&hub.app_url("alice/bare"), None).await.status(), 200);
}

#[tokio::test]
async fn faults_hit_matching_requests_and_are_logged() {
    let hub = hub().await;
    hub.add_space(SpaceSpec::new("alice/open"));
    let url = at(&hub, "/api/spaces/alice/open/runtime");

    hub.inject(Fault::new(FaultKind::Status(500)).path("/runtime").times(1));
    let resp = get(&url, None).await;
    assert_eq!(resp.status(), 500);
    assert!(json(resp).await["error"].is_string());
    assert_eq!(get(&url, None).await.status(), 200, "times(1) is spent");

    hub.inject(Fault::new(FaultKind::Status(502)).method("GET").times(1));
    let resp = get(&url, None).await;
    assert_eq!(resp.status(), 502);
    assert!(header(&resp, "content-type").starts_with("text/html"));

    hub.inject(Fault::new(FaultKind::Garbage).times(1));
    assert!(get(&url, None).await.json::<Value>().await.is_err());

    hub.inject(Fault::new(FaultKind::Hang(Duration::from_millis(50))).times(1));
    let start = Instant::now();
    assert_eq!(get(&url, None).await.status(), 200);
    assert!(start.elapsed() >= Duration::from_millis(50));

    hub.inject(Fault::new(FaultKind::Timeout).path("alice/open"));
    let quick = Client::builder()
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    assert!(quick.get(&url).send().await.unwrap_err().is_timeout());
    hub.clear_faults();
    assert_eq!(get(&url, None).await.status(), 200);

    let log = hub.requests();
    assert_eq!(
        log.iter().filter(|r| r.path.ends_with("/runtime")).count(),
        7
    );
    assert_eq!(log[0].status, Some(500));
    assert!(
        log.iter().any(|r| r.status.is_none()),
        "the timed-out request stays unanswered"
    );
}

#[tokio::test]
async fn a_dropped_connection_and_a_refused_token_look_like_the_hub() {
    let hub = hub().await;
    hub.add_space(SpaceSpec::new("alice/open"));
    let url = at(&hub, "/api/spaces/alice/open/runtime");

    hub.inject(Fault::new(FaultKind::Close).times(1));
    let dropped = Client::new().get(&url).send().await.unwrap_err();
    assert!(
        dropped.status().is_none() && !dropped.is_timeout(),
        "no status, no timeout: {dropped:?}"
    );

    hub.inject(Fault::new(FaultKind::Status(401)).times(1));
    let refused = get(&url, Some(ALICE)).await;
    assert_eq!(
        (
            refused.status().as_u16(),
            header(&refused, "x-error-message")
        ),
        (
            401,
            "Invalid credentials in Authorization header".to_owned()
        )
    );
    assert_eq!(get(&url, Some(ALICE)).await.status(), 200);

    let log = hub.requests();
    assert_eq!(log.len(), 3);
    assert_eq!(
        (log[0].fault.clone(), log[0].status),
        (Some(FaultKind::Close), None),
        "a dropped request stays unanswered"
    );
    assert_eq!(log[1].fault, Some(FaultKind::Status(401)));
    assert!(header_of(&log[1].reply_headers, "ratelimit").starts_with("\"api\";r="));
    assert_eq!(log[2].fault, None);
}

fn header_of(headers: &axum::http::HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}
