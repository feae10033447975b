//! The reqwest Hub client against the fake Hub: every call of the `Hub` trait, with
//! the error mapping the monitor relies on.

use std::time::Duration;

use secrecy::SecretString;
use spacewarden::domain::{SpaceId, Stage};
use spacewarden::hub::{Hub, HubClient, HubEndpoints, HubError, LogKind};
use url::Url;

use crate::support::fake_hub::{FakeHub, Fault, FaultKind, SpaceSpec};

fn client(hub: &FakeHub) -> HubClient {
    HubClient::new(
        HubEndpoints {
            hub: Url::parse(&hub.hub_url()).unwrap(),
            spaces_api: Url::parse(&hub.metrics_url()).unwrap(),
        },
        Duration::from_secs(2),
    )
    .unwrap()
}

fn id(text: &str) -> SpaceId {
    SpaceId::parse(text).unwrap()
}

fn token(text: &str) -> SecretString {
    SecretString::from(text.to_owned())
}

#[tokio::test]
async fn restart_and_factory_rebuild_follow_the_script() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice").add_space(
        SpaceSpec::new("alice/app")
            .stage("RUNTIME_ERROR")
            .error_message("boom"),
    );
    let client = client(&hub);
    let alice = token("hf_alice");
    let runtime = client
        .runtime(&id("alice/app"), Some(&alice))
        .await
        .unwrap();
    assert_eq!(runtime.stage, Stage::RuntimeError);
    assert_eq!(runtime.error_message.as_deref(), Some("boom"));

    let after = client
        .restart(&id("alice/app"), false, Some(&alice))
        .await
        .unwrap();
    assert_eq!(
        after.stage,
        Stage::Building,
        "the restart reply itself says BUILDING"
    );
    let mut stages = Vec::new();
    for _ in 0..3 {
        stages.push(
            client
                .runtime(&id("alice/app"), Some(&alice))
                .await
                .unwrap()
                .stage,
        );
    }
    assert_eq!(stages.last(), Some(&Stage::Running), "{stages:?}");

    client
        .restart(&id("alice/app"), true, Some(&alice))
        .await
        .unwrap();
    assert_eq!(hub.restarts("alice/app"), [false, true]);
    let restart = hub
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.query.contains("factory=true"))
        .unwrap();
    assert_eq!(restart.authorization.as_deref(), Some("Bearer hf_alice"));
}

#[tokio::test]
async fn mutations_map_refusals_to_errors_the_caller_can_act_on() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice")
        .add_user("mallory", "hf_mallory")
        .add_space(SpaceSpec::new("alice/app"))
        .add_space(SpaceSpec::new("alice/site").sdk("static"));
    let client = client(&hub);
    let err = client
        .restart(&id("alice/app"), false, Some(&token("hf_mallory")))
        .await
        .unwrap_err();
    assert!(matches!(err, HubError::Forbidden(_)), "{err:?}");
    let err = client
        .pause(&id("alice/site"), Some(&token("hf_alice")))
        .await
        .unwrap_err();
    assert!(matches!(err, HubError::BadRequest(_)), "{err:?}");
    let err = client
        .restart(&id("alice/nope"), false, Some(&token("hf_alice")))
        .await
        .unwrap_err();
    assert!(matches!(err, HubError::NotFound(_)), "{err:?}");
    let err = client
        .restart(&id("alice/app"), false, Some(&token("hf_bogus")))
        .await
        .unwrap_err();
    assert!(matches!(err, HubError::Unauthorized(_)), "{err:?}");
    let paused = client
        .pause(&id("alice/app"), Some(&token("hf_alice")))
        .await
        .unwrap();
    assert_eq!(paused.stage, Stage::Paused);
}

#[tokio::test]
async fn space_info_and_whoami() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice")
        .add_org("acme", &["alice"])
        .add_space(SpaceSpec::new("acme/Demo_App").private(true));
    let client = client(&hub);
    let info = client
        .space_info(&id("acme/Demo_App"), Some(&token("hf_alice")))
        .await
        .unwrap();
    assert_eq!(info.subdomain.as_deref(), Some("acme-demo-app"));
    assert_eq!(info.private, Some(true));
    assert!(info.host.unwrap().starts_with("http"));
    let me = client.whoami(&token("hf_alice")).await.unwrap();
    assert_eq!(me.name, "alice");
    assert_eq!(me.orgs, ["acme"]);
    let err = client.whoami(&token("hf_nobody")).await.unwrap_err();
    assert!(matches!(err, HubError::Unauthorized(_)), "{err:?}");
}

#[tokio::test]
async fn a_spent_whoami_window_pauses_whoami_only() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice")
        .add_space(SpaceSpec::new("alice/app"));
    hub.set_whoami_rate_limit(1, 300);
    let client = client(&hub);
    let alice = token("hf_alice");
    client.whoami(&alice).await.unwrap();
    let err = client.whoami(&alice).await.unwrap_err();
    assert!(matches!(err, HubError::RateLimited { .. }), "{err:?}");
    // The token's checks go on: the whoami window is its own.
    let spaces = client.list_spaces("alice", Some(&alice)).await.unwrap();
    assert_eq!(spaces.len(), 1);
    // And whoami itself waits: no request inside its window.
    let before = hub.count("GET", "/api/whoami-v2");
    assert!(matches!(
        client.whoami(&alice).await,
        Err(HubError::RateLimited { .. })
    ));
    assert_eq!(hub.count("GET", "/api/whoami-v2"), before);
}

#[tokio::test]
async fn log_tail_over_sse() {
    let hub = FakeHub::start().await;
    let lines: Vec<String> = (1..=30).map(|i| format!("line {i}")).collect();
    hub.add_user("alice", "hf_alice").add_space(
        SpaceSpec::new("alice/app")
            .stage("RUNTIME_ERROR")
            .run_logs(lines.iter().map(String::as_str).collect())
            .build_logs(vec!["Step 1/9 : FROM python:3.11", "ERROR: pip failed"]),
    );
    let client = client(&hub);
    let alice = token("hf_alice");
    let tail = client
        .logs(&id("alice/app"), LogKind::Run, 5, Some(&alice))
        .await
        .unwrap();
    let texts: Vec<&str> = tail.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        texts,
        ["line 26", "line 27", "line 28", "line 29", "line 30"]
    );
    assert!(tail[0].timestamp.is_some());
    let build = client
        .logs(&id("alice/app"), LogKind::Build, 10, Some(&alice))
        .await
        .unwrap();
    assert_eq!(build.last().unwrap().text, "ERROR: pip failed");
    let err = client
        .logs(&id("alice/app"), LogKind::Run, 5, None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            HubError::NotFound(_) | HubError::Unauthorized(_) | HubError::Forbidden(_)
        ),
        "{err:?}"
    );
}

/// Defect 8: a stream that never ends its line is dropped at the parser's cap (1 MiB)
/// instead of being buffered without end.
#[tokio::test]
async fn a_log_line_past_the_cap_drops_the_stream() {
    let hub = FakeHub::start().await;
    let endless = "x".repeat(2 << 20);
    hub.add_user("alice", "hf_alice").add_space(
        SpaceSpec::new("alice/app")
            .stage("RUNTIME_ERROR")
            .run_logs(vec!["before", endless.as_str()]),
    );
    let err = client(&hub)
        .logs(&id("alice/app"), LogKind::Run, 5, Some(&token("hf_alice")))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        HubError::Decode("the event stream sent a line longer than 1048576 bytes".into())
    );
}

#[tokio::test]
async fn live_metrics_reads_a_few_samples_then_hangs_up() {
    let hub = FakeHub::start().await;
    hub.set_metrics_interval(Duration::from_millis(20));
    hub.add_space(SpaceSpec::new("alice/app").hardware(Some("cpu-basic")));
    let client = client(&hub);
    let samples = client
        .live_metrics(&id("alice/app"), 3, None)
        .await
        .unwrap();
    assert_eq!(samples.len(), 3);
    assert_eq!(samples[0].memory_total_bytes, 16 * 1024 * 1024 * 1024);
}

#[tokio::test]
async fn garbage_and_timeouts_are_reported_not_fatal() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let client = client(&hub);
    hub.inject(Fault::new(FaultKind::Garbage).path("/runtime").times(1));
    let err = client.runtime(&id("alice/app"), None).await.unwrap_err();
    assert!(matches!(err, HubError::Decode(_)), "{err:?}");
    hub.inject(Fault::new(FaultKind::Timeout).path("/runtime").times(1));
    let started = std::time::Instant::now();
    let err = client.runtime(&id("alice/app"), None).await.unwrap_err();
    assert!(matches!(err, HubError::Transient(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    // The faults were one-shot: the next call works.
    assert_eq!(
        client.runtime(&id("alice/app"), None).await.unwrap().stage,
        Stage::Running
    );
}
