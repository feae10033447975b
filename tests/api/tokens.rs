//! Issue 14, the token self-test at startup: a read-only token, a token of someone who
//! does not own the Spaces and a refused token are each reported once, in `/status` and
//! on the page, before any repair fails on them; a write token of the owner is not.

use axum::http::{Method, StatusCode};
use spacewarden::commands::{Access, Actor, Command, CommandCore};
use spacewarden::monitor::SchedulerStatus;
use spacewarden::web::{self, WebState};

use crate::support::app::App;
use crate::support::daemon::Daemon;
use crate::support::fake_hub::{FakeHub, SpaceSpec, TokenRole};
use crate::support::web::send;

#[tokio::test]
async fn tokens_that_cannot_restart_are_reported_at_startup() {
    let hub = FakeHub::start().await;
    hub.add_token("hf_alice_read", "alice", TokenRole::Read)
        .add_user("bob", "hf_bob")
        .add_user("carol", "hf_carol")
        .add_org("team", &["carol"]);
    hub.add_space(SpaceSpec::new("alice/app"))
        .add_space(SpaceSpec::new("dave/app"))
        .add_space(SpaceSpec::new("team/app"))
        .add_space(SpaceSpec::new("erin/app"));
    let app = App::new(&hub)
        .env("SPACES", "alice/app,dave/app,team/app,erin/app")
        .env(
            "HF_USER",
            "alice:hf_alice_read,dave:hf_bob,team:hf_carol,erin:hf_revoked",
        );
    let d = Daemon::new(&app).await.owning(app);
    let found = d.monitor.check_tokens().await;
    let owners: Vec<&str> = found.iter().map(|p| p.owner.as_str()).collect();
    assert_eq!(owners, ["alice", "dave", "erin"], "{found:?}");
    assert!(found[0].problem.contains("read-only"), "{found:?}");
    assert!(found[1].problem.contains("bob"), "{found:?}");
    assert!(found[2].problem.contains("401"), "{found:?}");
    assert_eq!(
        hub.count("GET", "/api/whoami-v2"),
        4,
        "one whoami per token"
    );

    d.cycle().await;
    let access = Access {
        telegram_admins: vec![42],
        ..Access::default()
    };
    let core = CommandCore::new(d.monitor.clone(), access, None);
    let reply = core
        .execute(&Actor::telegram(42, 42), Command::Status(None))
        .await;
    let text = format!("{:?}", reply.reply);
    assert!(text.contains("⚠ Token for alice"), "{text}");
    assert!(text.contains("read-only"), "{text}");
    assert!(!text.contains("Token for team"), "{text}");

    let router = web::router(WebState::new(
        d.monitor.clone(),
        SchedulerStatus::new(d.monitor.config().check_schedule.clone()),
    ));
    let page = send(&router, Method::GET, "/", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Token for dave"), "{}", page.body);
    for secret in ["hf_alice_read", "hf_bob", "hf_carol", "hf_revoked"] {
        assert!(!page.body.contains(secret), "the page leaks {secret}");
        assert!(!text.contains(secret), "/status leaks {secret}");
    }
}
