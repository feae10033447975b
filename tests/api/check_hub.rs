//! How `check` talks to the Hub: one list call per page (not per Space), each owner's
//! own token, and every fault turned into a clear verdict and exit status.

use crate::support::app::App;
use crate::support::fake_hub::{FakeHub, Fault, FaultKind, HostKind, SpaceSpec};

#[tokio::test]
async fn pagination_lists_every_page_once() {
    let hub = FakeHub::start().await;
    hub.set_page_size(3);
    for i in 0..8 {
        hub.add_space(SpaceSpec::new(&format!("dana/app-{i}")));
    }
    let app = App::new(&hub).env("SPACES", "dana/*");
    let run = app.check_json().await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json().len(), 8);
    let lists: Vec<_> = hub
        .requests_to(HostKind::Hub)
        .into_iter()
        .filter(|r| r.path == "/api/spaces")
        .collect();
    assert_eq!(lists.len(), 3, "8 Spaces in pages of 3: {lists:?}");
    assert!(lists.iter().all(|r| r.query.contains("expand=runtime")));
    assert_eq!(hub.count("GET", "/runtime"), 0);
    assert_eq!(hub.requests_to(HostKind::App).len(), 8);
}

#[tokio::test]
async fn each_owner_uses_its_own_token() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice_token")
        .add_user("bob", "hf_bob_token")
        .add_user("carol", "hf_carol_token")
        .add_space(SpaceSpec::new("alice/private-a").private(true))
        .add_space(SpaceSpec::new("bob/private-b").private(true))
        .add_space(SpaceSpec::new("carol/private-c").private(true))
        .add_space(SpaceSpec::new("erin/public-e"));
    let app = App::new(&hub)
        .env(
            "SPACES",
            "alice/private-a,bob/private-b,carol/private-c,erin/public-e",
        )
        .env("HF_USER", "alice:hf_alice_token,bob:hf_bob_token,carol:")
        .env("HF_TOKEN", "hf_carol_token");
    let run = app.check_json().await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    for space in [
        "alice/private-a",
        "bob/private-b",
        "carol/private-c",
        "erin/public-e",
    ] {
        assert_eq!(run.row(space)["verdict"], "up", "{space}");
    }
    let auth_of = |owner: &str| -> Vec<Option<String>> {
        hub.requests_to(HostKind::Hub)
            .into_iter()
            .filter(|r| r.query.contains(&format!("author={owner}")))
            .map(|r| r.authorization)
            .collect()
    };
    assert_eq!(auth_of("alice"), [Some("Bearer hf_alice_token".to_owned())]);
    assert_eq!(auth_of("bob"), [Some("Bearer hf_bob_token".to_owned())]);
    // carol's entry has an empty token: HF_TOKEN stands in.
    assert_eq!(auth_of("carol"), [Some("Bearer hf_carol_token".to_owned())]);
    // erin is not in HF_USER: HF_TOKEN as well.
    assert_eq!(auth_of("erin"), [Some("Bearer hf_carol_token".to_owned())]);
}

#[tokio::test]
async fn public_spaces_need_no_token() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("erin/public-e"));
    let app = App::new(&hub).env("SPACES", "erin/public-e");
    let run = app.check_json().await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(hub.requests().iter().all(|r| r.authorization.is_none()));
}

#[tokio::test]
async fn a_space_missing_from_the_list_falls_back_to_runtime() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice_token")
        .add_space(SpaceSpec::new("alice/listed"));
    let app = App::new(&hub).env("SPACES", "alice/listed,alice/ghost");
    let run = app.check_json().await;
    assert_eq!(run.row("alice/listed")["verdict"], "up");
    let ghost = run.row("alice/ghost");
    assert_eq!(ghost["verdict"], "unreachable");
    assert!(
        ghost["error"].as_str().unwrap().contains("not found"),
        "{ghost}"
    );
    assert_eq!(hub.count("GET", "/api/spaces/alice/ghost/runtime"), 1);
    assert_eq!(run.code, 2, "an unknown Space is a configuration problem");
}

/// One fault on alice's list → the verdict, the message and the exit status.
async fn with_fault(kind: FaultKind, token: Option<&str>) -> crate::support::app::Run {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice_token")
        .add_space(SpaceSpec::new("alice/app"));
    hub.inject(Fault::new(kind).path("/api/spaces"));
    let mut app = App::new(&hub).env("SPACES", "alice/app");
    if let Some(token) = token {
        app = app.env("HF_TOKEN", token);
    }
    app.check_json().await
}

#[tokio::test]
async fn hub_faults_give_unreachable_not_down() {
    let cases: [(FaultKind, &str, i32); 5] = [
        (FaultKind::Status(500), "HTTP 500", 3),
        (FaultKind::Status(502), "HTTP 502", 3),
        (FaultKind::Garbage, "unexpected reply", 3),
        (FaultKind::RateLimited { reset_secs: 55 }, "retry in 56s", 3),
        (FaultKind::Timeout, "no answer within 2s", 3),
    ];
    for (kind, needle, code) in cases {
        let run = with_fault(kind.clone(), Some("hf_alice_token")).await;
        let row = run.row("alice/app");
        assert_eq!(row["verdict"], "unreachable", "{kind:?}");
        assert!(row["stage"].is_null());
        let error = row["error"].as_str().unwrap();
        assert!(error.contains(needle), "{kind:?}: {error}");
        assert_eq!(run.code, code, "{kind:?}");
    }
}

#[tokio::test]
async fn bad_tokens_are_an_authentication_problem() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice_token")
        .add_space(SpaceSpec::new("alice/app"));
    let app = App::new(&hub)
        .env("SPACES", "alice/app")
        .env("HF_TOKEN", "hf_revoked_token");
    let run = app.check_json().await;
    let row = run.row("alice/app");
    assert_eq!(row["verdict"], "unreachable");
    assert!(
        row["error"].as_str().unwrap().contains("refused the token"),
        "{row}"
    );
    assert_eq!(run.code, 2);

    let forbidden = with_fault(FaultKind::Status(403), Some("hf_alice_token")).await;
    assert_eq!(forbidden.row("alice/app")["verdict"], "unreachable");
    assert_eq!(forbidden.code, 2);

    let not_found = with_fault(FaultKind::Status(404), Some("hf_alice_token")).await;
    assert!(
        not_found.row("alice/app")["error"]
            .as_str()
            .unwrap()
            .contains("not found")
    );
    assert_eq!(not_found.code, 2);
}

#[tokio::test]
async fn private_space_without_token_is_reported_not_crashed() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice_token")
        .add_space(SpaceSpec::new("alice/secret").private(true));
    let app = App::new(&hub).env("SPACES", "alice/secret");
    let run = app.check_json().await;
    let row = run.row("alice/secret");
    assert_eq!(row["verdict"], "unreachable");
    assert!(
        row["error"]
            .as_str()
            .unwrap()
            .contains("no token was given"),
        "{row}"
    );
    assert_eq!(run.code, 2);
}

#[tokio::test]
async fn an_unlisted_owner_reports_its_known_spaces_or_one_row() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("dana/a"))
        .add_space(SpaceSpec::new("dana/b"));
    let app = App::new(&hub).env("SPACES", "dana/*");
    assert_eq!(app.check_json().await.json().len(), 2);

    hub.inject(Fault::new(FaultKind::Status(503)).path("author=dana"));
    let run = app.check_json().await;
    let rows = run.json();
    assert_eq!(rows.len(), 2, "{}", run.stdout);
    assert!(rows.iter().all(|r| r["verdict"] == "unreachable"));
    assert_eq!(run.code, 3);

    // A fresh store knows nothing of dana: one owner/* row.
    let fresh = App::new(&hub).env("SPACES", "dana/*");
    let run = fresh.check_json().await;
    let rows = run.json();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["space"], "dana/*");
    assert_eq!(rows[0]["verdict"], "unreachable");
}

#[tokio::test]
async fn rate_limit_headers_pace_the_client() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/a"))
        .add_space(SpaceSpec::new("bob/b"));
    hub.exhaust_rate_limit();
    let app = App::new(&hub).env("SPACES", "alice/a,bob/b");
    let monitor = app.monitor(Default::default()).await;
    let targets = monitor.config().watch.clone();
    let observations = monitor.run_cycle(&targets).await.unwrap();
    assert!(
        observations
            .iter()
            .all(|o| o.verdict() == spacewarden::domain::Verdict::Unreachable)
    );
    // The first 429 said r=0: the client does not keep knocking in the same cycle.
    let before = hub.count("GET", "/api/spaces");
    monitor.run_cycle(&targets).await.unwrap();
    assert_eq!(
        hub.count("GET", "/api/spaces"),
        before,
        "paced: no new requests"
    );
}
