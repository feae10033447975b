//! Root causes end to end against the fake Hub (DESIGN.md "Root cause"): the ladder
//! each cause gets (which Hub calls, in which order), a platform incident (no
//! restarts while it lasts, one grouped alert, one recovery), the deploy message, and
//! the cause in `check --json`, the API and `/status`. The log lines the fake serves
//! are real ones; `src/domain/cause/tests.rs` says where each was published.

use std::time::Duration;

use spacewarden::alerts::{PlatformEventKind, render};
use spacewarden::commands::{Access, Actor, Block, Command, CommandCore};
use spacewarden::domain::{ActionActor, CauseCode, PlatformReason, RepairStep, SpaceId};

use crate::support::app::App;
use crate::support::daemon::{Daemon, FAST_REPAIRS, kind_name};
use crate::support::fake_hub::{FakeHub, HostKind, SpaceSpec};
use crate::support::web::{API_KEY, Site};

fn id(text: &str) -> SpaceId {
    SpaceId::parse(text).unwrap()
}

async fn daemon(hub: &FakeHub, spaces: &str) -> Daemon {
    hub.add_user("alice", "hf_alice").add_user("bob", "hf_bob");
    let app = App::new(hub)
        .env("SPACES", spaces)
        .env("HF_USER", "alice:hf_alice,bob:hf_bob")
        .settings(FAST_REPAIRS);
    Daemon::new(&app).await.owning(app)
}

/// The Hub calls about `space` that act on it or read why, in order: `logs/run`,
/// `logs/build`, `restart`, `rebuild` (a restart with `?factory=true`). Runtime polls
/// and list reads are left out.
fn calls(hub: &FakeHub, space: &str) -> Vec<String> {
    let prefix = format!("/api/spaces/{space}/");
    hub.requests_to(HostKind::Hub)
        .into_iter()
        .filter_map(|r| {
            let tail = r.path.strip_prefix(&prefix)?.to_owned();
            match tail.as_str() {
                "runtime" => None,
                "restart" if r.query.contains("factory=true") => Some("rebuild".into()),
                _ => Some(tail),
            }
        })
        .collect()
}

/// A Space that fails with `error` and `run` log lines, and stays broken whatever
/// is done to it.
fn broken(name: &str, stage: &str, error: &str, logs: Vec<&str>) -> SpaceSpec {
    let spec = SpaceSpec::new(name)
        .stage(stage)
        .error_message(error)
        .after_restart(vec!["BUILDING", stage])
        .after_factory(vec!["BUILDING", stage]);
    if stage == "BUILD_ERROR" {
        spec.build_logs(logs)
    } else {
        spec.run_logs(logs)
    }
}

/// (name, stage, error message, log lines, the Hub calls of one outage, gives up?)
type LadderRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    bool,
);

#[tokio::test]
async fn each_cause_climbs_its_own_ladder() {
    let rows: &[LadderRow] = &[
        (
            "missing_module: one factory rebuild, never a plain restart",
            "RUNTIME_ERROR",
            "Space failed to start. Exit code: 1",
            &[
                "Traceback (most recent call last):",
                "ModuleNotFoundError: No module named 'wandb'",
            ],
            &["logs/run", "rebuild"],
            true,
        ),
        (
            "dependency_install_failed: one factory rebuild",
            "BUILD_ERROR",
            "Job failed with exit code: 1",
            &[
                "ERROR: Could not find a version that satisfies the requirement bitsandbytes==0.43.1 (from versions: 0.31.8, 0.42.0)",
                "ERROR: No matching distribution found for bitsandbytes==0.43.1",
            ],
            &["logs/build", "rebuild"],
            true,
        ),
        (
            "syntax_error: no repair at all",
            "RUNTIME_ERROR",
            "Space failed to start. Exit code: 1",
            &["SyntaxError: invalid syntax"],
            &["logs/run"],
            false,
        ),
        (
            "out_of_memory: one restart, then give up",
            "RUNTIME_ERROR",
            "Memory limit exceeded (16Gi)",
            &[],
            &["logs/run", "restart"],
            true,
        ),
        (
            "scheduling_failure: a restart, no rebuild, retried later",
            "RUNTIME_ERROR",
            "Scheduling failure: unable to schedule",
            &[],
            &["logs/run", "restart"],
            false,
        ),
        (
            "exit_code: today's ladder",
            "RUNTIME_ERROR",
            "Space failed to start. Exit code: 1",
            &[],
            &["logs/run", "restart", "rebuild"],
            true,
        ),
    ];
    for (name, stage, error, logs, expected, gives_up) in rows {
        let hub = FakeHub::start().await;
        hub.add_space(broken("alice/app", stage, error, logs.to_vec()));
        let d = daemon(&hub, "alice/app").await;
        d.cycle().await;
        d.cycle().await;
        assert_eq!(calls(&hub, "alice/app"), *expected, "{name}");
        let events = d.collector.events();
        assert_eq!(
            events.iter().any(|e| e.starts_with("gave_up")),
            *gives_up,
            "{name}: {events:?}"
        );
        let down = &d.collector.alerts()[0].events[0];
        assert_eq!(kind_name(down.kind), "down", "{name}");
        let code = down
            .cause
            .as_ref()
            .expect("the down alert has a cause")
            .code;
        assert!(name.starts_with(code.as_str()), "{name}: {code}");
    }
}

#[tokio::test]
async fn the_alerts_say_why_and_what_to_do() {
    let hub = FakeHub::start().await;
    hub.add_space(broken(
        "alice/code",
        "RUNTIME_ERROR",
        "Space failed to start. Exit code: 1",
        vec!["IndentationError: unexpected indent"],
    ))
    .add_space(broken(
        "alice/big",
        "RUNTIME_ERROR",
        "Memory limit exceeded (16Gi)",
        vec![],
    ));
    let d = daemon(&hub, "alice/code,alice/big").await;
    for _ in 0..3 {
        d.cycle().await;
    }
    let text: Vec<String> = d.collector.alerts().iter().map(render::text).collect();
    let all = text.join("\n");
    assert!(
        all.contains("🔴 alice/code is down (RUNTIME_ERROR): syntax_error (the code does not parse (IndentationError)) (needs a code fix"),
        "{all}"
    );
    assert!(all.contains("alice/big needs a human"), "{all}");
    assert!(all.contains("bigger hardware"), "{all}");
    // One alert for the code that does not parse, and nothing more about it.
    assert_eq!(all.matches("alice/code").count(), 1, "{all}");
    assert_eq!(hub.restarts("alice/code"), Vec::<bool>::new());
    assert_eq!(hub.restarts("alice/big"), [false]);
}

#[tokio::test]
async fn a_platform_side_cause_waits_within_the_caps() {
    let hub = FakeHub::start().await;
    hub.add_space(broken(
        "alice/app",
        "RUNTIME_ERROR",
        "Scheduling failure: not enough hardware capacity",
        vec![],
    ));
    let d = daemon(&hub, "alice/app").await;
    for _ in 0..6 {
        d.cycle().await;
    }
    assert_eq!(
        hub.restarts("alice/app"),
        [false],
        "30 minutes: one restart"
    );
    d.clock.advance(Duration::from_secs(2 * 3600));
    d.cycle().await;
    assert_eq!(
        hub.restarts("alice/app"),
        [false, false],
        "later, another restart; never a rebuild"
    );
}

#[tokio::test]
async fn a_platform_incident_holds_repairs_and_sends_two_alerts() {
    let hub = FakeHub::start().await;
    let spaces = [
        "alice/s1", "alice/s2", "alice/s3", "bob/s1", "bob/s2", "bob/s3",
    ];
    for space in spaces {
        hub.add_space(SpaceSpec::new(space));
    }
    let d = daemon(&hub, &spaces.join(",")).await;
    d.cycle().await;
    assert!(d.collector.alerts().is_empty(), "all up");

    // Hugging Face cannot schedule anything (the real message, DeTikZify#9).
    for space in spaces {
        hub.set_stage(space, "RUNTIME_ERROR");
        hub.set_error_message(space, Some("Scheduling failure: unable to schedule"));
    }
    d.cycle().await;
    d.cycle().await;
    d.clock.advance(Duration::from_secs(3 * 3600));
    d.cycle().await;
    assert_eq!(
        hub.count("POST", "/restart"),
        0,
        "no restart while it lasts"
    );
    let alerts = d.collector.alerts();
    assert_eq!(alerts.len(), 1, "one grouped alert: {alerts:?}");
    let started = &alerts[0].platform[0];
    assert_eq!(started.kind, PlatformEventKind::Started);
    assert_eq!(
        started.reason,
        PlatformReason::Cause(CauseCode::SchedulingFailure)
    );
    assert_eq!((started.spaces.len(), started.owners), (6, 2));
    assert!(alerts[0].events.is_empty(), "no alert per Space");
    let text = render::text(&alerts[0]);
    assert!(
        text.starts_with("🟣 Hugging Face seems to have a problem: 6 Spaces of 2 owners failing with scheduling_failure"),
        "{text}"
    );

    // Admins can still act by command.
    let started = d
        .monitor
        .request_repair(
            &id("alice/s1"),
            RepairStep::Restart,
            &ActionActor::parse("telegram:42"),
        )
        .await
        .expect("accepted");
    d.monitor.settle().await;
    assert!(started.outcome.await.is_ok());
    assert_eq!(hub.restarts("alice/s1"), [false]);
    d.deliver().await;
    let before = d.collector.alerts().len();

    // Back: one recovery alert, with the count, and none per Space.
    for space in spaces {
        hub.set_stage(space, "RUNNING");
    }
    d.cycle().await;
    d.cycle().await;
    let alerts = d.collector.alerts();
    assert_eq!(alerts.len(), before + 1, "{alerts:?}");
    let ended = &alerts[before];
    assert_eq!(ended.platform[0].kind, PlatformEventKind::Ended);
    assert_eq!(ended.platform[0].spaces.len(), 6);
    assert!(ended.events.is_empty());
    assert!(
        render::text(ended).starts_with("🟢 Hugging Face's problem seems over: 6 of 6 Spaces back"),
        "{}",
        render::text(ended)
    );
    assert_eq!(hub.count("POST", "/restart"), 1, "only the admin's");
}

#[tokio::test]
async fn a_broken_deploy_names_its_commit_and_never_loops() {
    let hub = FakeHub::start().await;
    hub.add_space(
        SpaceSpec::new("alice/app")
            .error_message("Space failed to start. Exit code: 1")
            .run_logs(vec!["ModuleNotFoundError: No module named 'wandb'"])
            .after_factory(vec!["BUILDING", "RUNTIME_ERROR"]),
    );
    let d = daemon(&hub, "alice/app").await;
    d.cycle().await;
    let pushed = d.monitor.now() - chrono::Duration::minutes(3);
    hub.push_commit(
        "alice/app",
        "abc1234f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b",
        pushed,
        vec!["RUNTIME_ERROR"],
    );
    for _ in 0..5 {
        d.cycle().await;
    }
    let down = &d.collector.alerts()[0];
    let text = render::text(down);
    assert!(
        text.contains(
            "🔴 alice/app is down (RUNTIME_ERROR), broke after commit abc1234 \
             (3 min ago, 2026-11-22 12:02 (UTC)): missing_module"
        ),
        "{text}"
    );
    assert_eq!(
        hub.restarts("alice/app"),
        [true],
        "one rebuild, then it waits"
    );
    let events = d.collector.events();
    assert_eq!(events.last().unwrap(), "gave_up alice/app", "{events:?}");
}

#[tokio::test]
async fn check_json_and_the_api_carry_the_cause() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(SpaceSpec::new("alice/up")).add_space(broken(
        "alice/crashed",
        "RUNTIME_ERROR",
        "Space failed to start. Exit code: 1",
        vec![
            "Traceback (most recent call last):",
            "ModuleNotFoundError: No module named 'wandb'",
        ],
    ));
    let app = App::new(&hub)
        .env("SPACES", "alice/*")
        .env("HF_TOKEN", "hf_alice");
    let run = app.check_json().await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    let cause = &run.row("alice/crashed")["cause"];
    assert_eq!(cause["code"], "missing_module");
    assert_eq!(cause["summary"], "the module wandb is not installed");
    assert_eq!(
        cause["evidence"],
        "ModuleNotFoundError: No module named 'wandb'"
    );
    assert!(run.row("alice/up")["cause"].is_null());
    assert_eq!(
        hub.count("GET", "/api/spaces/alice/crashed/logs/run"),
        1,
        "check reads the log tail of the Space that is down"
    );
    assert_eq!(hub.count("GET", "/api/spaces/alice/up/logs"), 0);

    // The API, the incident, and /status.
    let hub = FakeHub::start().await;
    hub.add_space(broken(
        "alice/app",
        "RUNTIME_ERROR",
        "Memory limit exceeded (16Gi)",
        vec![],
    ));
    let site = Site::new(&hub, "alice/app", Some(API_KEY), "").await;
    site.cycle().await;
    let detail = site.api_get("/api/v1/spaces/alice/app").await.json();
    assert_eq!(detail["cause"]["code"], "out_of_memory", "{detail}");
    assert_eq!(detail["cause"]["evidence"], "Memory limit exceeded (16Gi)");
    assert_eq!(
        detail["incident"]["cause"]["code"], "out_of_memory",
        "{detail}"
    );
    assert_eq!(detail["incident"]["error"], "Memory limit exceeded (16Gi)");
    let page = site.get("/space/alice/app").await;
    assert!(page.body.contains("out_of_memory"), "{}", page.body);
    let access = Access {
        telegram_admins: vec![42],
        telegram_chats: vec![42],
        ..Access::default()
    };
    let status = CommandCore::new(site.monitor.clone(), access, None)
        .execute(
            &Actor::telegram(42, 42),
            Command::Status(Some("alice/app".into())),
        )
        .await;
    let fields: Vec<(String, String)> = status
        .reply
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Fields(f) => Some(f.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    assert!(
        fields.contains(&(
            "Cause".to_owned(),
            "out_of_memory: the Space ran out of memory (16Gi)".to_owned()
        )),
        "{fields:?}"
    );
}
