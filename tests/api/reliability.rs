//! Issue 9: spacewarden never stops keeping Spaces without saying so. A cycle that
//! panics is counted and the next tick runs; stalled checks turn `/readyz` red and
//! raise one alert; a setting out of range stops startup naming its key; an admin's
//! restart never waits behind the automatic cap; a slow Hub never holds the write
//! lock; every action takes the per-Space claim; one watch-list rule; errors reach
//! users only as a reference.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::http::{Method, StatusCode};
use secrecy::SecretString;
use spacewarden::alerts::{NoticeKind, Outbox};
use spacewarden::clock::ManualClock;
use spacewarden::commands::{Access, Actor, Command, CommandCore};
use spacewarden::config::Config;
use spacewarden::domain::SpaceId;
use spacewarden::hub::{
    HttpProbe, Hub, HubError, LogKind, LogLine, MetricSample, SpaceInfo, SpaceRuntime,
    SpaceSummary, WhoAmI,
};
use spacewarden::monitor::{Monitor, MonitorParts, Scheduler, run_watchdog};
use spacewarden::web::{self, WebState};
use tokio_util::sync::CancellationToken;

use crate::support::app::App;
use crate::support::daemon::{Collector, Daemon, FAST_REPAIRS};
use crate::support::fake_discord::{
    DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, FakeDiscord, InteractionSpec,
};
use crate::support::fake_hub::{FakeHub, Fault, FaultKind, SpaceSpec};
use crate::support::fake_telegram::{FakeTelegram, TgUser};
use crate::support::process::eventually;
use crate::support::web::{API_KEY, send};
use crate::web_process::listening_port;

const TG_TOKEN: &str = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const DC_TOKEN: &str = "MTEwMDAwMDAwMDAwMDAwMDAwMg.GhT4kX.s3cr3tPartOfTheDiscordBotToken_XYZ123";
const TG_ADMIN: i64 = 1111;
const DC_ADMIN: u64 = 1_100_000_000_000_000_301;
const WAIT: Duration = Duration::from_secs(30);

/// A Hub whose client blows up: every cycle panics while listing.
struct PanickingHub;

#[async_trait]
impl Hub for PanickingHub {
    async fn list_spaces(
        &self,
        _: &str,
        _: Option<&SecretString>,
    ) -> Result<Vec<SpaceSummary>, HubError> {
        panic!("the Hub client blew up");
    }
    async fn runtime(
        &self,
        _: &SpaceId,
        _: Option<&SecretString>,
    ) -> Result<SpaceRuntime, HubError> {
        panic!("the Hub client blew up");
    }
    async fn space_info(
        &self,
        _: &SpaceId,
        _: Option<&SecretString>,
    ) -> Result<SpaceInfo, HubError> {
        unimplemented!()
    }
    async fn restart(
        &self,
        _: &SpaceId,
        _: bool,
        _: Option<&SecretString>,
    ) -> Result<SpaceRuntime, HubError> {
        unimplemented!()
    }
    async fn pause(&self, _: &SpaceId, _: Option<&SecretString>) -> Result<SpaceRuntime, HubError> {
        unimplemented!()
    }
    async fn set_sleep_time(
        &self,
        _: &SpaceId,
        _: i64,
        _: Option<&SecretString>,
    ) -> Result<SpaceRuntime, HubError> {
        unimplemented!()
    }
    async fn logs(
        &self,
        _: &SpaceId,
        _: LogKind,
        _: usize,
        _: Option<&SecretString>,
    ) -> Result<Vec<LogLine>, HubError> {
        unimplemented!()
    }
    async fn live_metrics(
        &self,
        _: &SpaceId,
        _: usize,
        _: Option<&SecretString>,
    ) -> Result<Vec<MetricSample>, HubError> {
        unimplemented!()
    }
    async fn live_metrics_stream(
        &self,
        _: &SpaceId,
        _: Option<&SecretString>,
    ) -> Result<spacewarden::hub::MetricStream, HubError> {
        unimplemented!()
    }
    async fn whoami(&self, _: &SecretString) -> Result<WhoAmI, HubError> {
        unimplemented!()
    }
}

#[tokio::test]
async fn a_panicking_cycle_is_counted_the_next_tick_runs_and_a_stall_is_reported() {
    let hub = FakeHub::start().await;
    let app = App::new(&hub)
        .env("SPACES", "alice/app")
        .env("CHECK_SCHEDULE", "* * * * * *");
    let config = Config::from_lookup(|key| app.var(key)).expect("config");
    let collector = Collector::default();
    let outbox = Outbox::new(vec![Arc::new(collector.clone())]);
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let mut parts = MonitorParts::new(
        Arc::new(config),
        Arc::new(PanickingHub),
        Arc::new(HttpProbe::new().expect("probe")),
        app.store().await,
    );
    parts.clock = clock.clone();
    parts.outbox = outbox.clone();
    let monitor = Monitor::new(parts);
    let scheduler = Arc::new(Scheduler::new(
        monitor.clone(),
        monitor.config().watch.to_vec(),
    ));
    let status = scheduler.status();
    let cancel = CancellationToken::new();
    let running = tokio::spawn({
        let (scheduler, cancel) = (scheduler.clone(), cancel.clone());
        async move { scheduler.run(cancel).await }
    });

    // Every cycle panics, and the next tick still runs: nothing stays "busy".
    let counted = eventually(WAIT, async || status.snapshot().panicked_cycles >= 3).await;
    assert!(counted, "{:?}", status.snapshot());
    let snapshot = status.snapshot();
    assert_eq!(snapshot.cycles, 0);
    assert_eq!(
        snapshot.skipped_ticks, 0,
        "a panicked cycle left the scheduler busy"
    );
    assert_eq!(
        snapshot.last_failure.as_deref(),
        Some("panicked: the Hub client blew up")
    );

    // Counted in /metrics; ready while within three intervals of the start.
    let router = web::router(WebState::new(monitor.clone(), status.clone()));
    let metrics = send(&router, Method::GET, "/metrics", None).await;
    assert!(
        metrics.body.lines().any(|l| l
            .starts_with("spacewarden_check_cycle_failures_total{reason=\"panic\"}")
            && !l.ends_with(" 0")),
        "{}",
        metrics.body
    );
    let readyz = send(&router, Method::GET, "/readyz", None).await;
    assert_eq!(readyz.status, StatusCode::OK, "{}", readyz.body);

    // Three intervals and the grace later, with no cycle completed: not ready, and
    // one alert about spacewarden itself.
    clock.advance(Duration::from_secs(120));
    let readyz = send(&router, Method::GET, "/readyz", None).await;
    assert_eq!(readyz.status, StatusCode::SERVICE_UNAVAILABLE);
    let reason = readyz.json()["reason"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(reason.starts_with("no completed check since "), "{reason}");

    let watchdog = tokio::spawn(run_watchdog(
        monitor.clone(),
        status.clone(),
        cancel.clone(),
    ));
    let daemon_outbox = outbox.clone();
    let store = monitor.store().clone();
    let alerted = eventually(WAIT, async || {
        spacewarden::alerts::deliver_due(
            &store,
            &daemon_outbox,
            clock.as_ref(),
            &Default::default(),
        )
        .await
        .expect("deliver");
        !collector.alerts().is_empty()
    })
    .await;
    assert!(alerted, "no stall alert");
    let alerts = collector.alerts();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let notice = &alerts[0].notices[0];
    assert_eq!(notice.kind, NoticeKind::ChecksStalled);
    assert!(
        notice.detail.contains("no completed check since"),
        "{notice:?}"
    );
    assert!(
        spacewarden::alerts::render::text(&alerts[0])
            .contains("spacewarden's own checks have stalled")
    );
    cancel.cancel();
    running.await.expect("join").expect("scheduler");
    watchdog.await.expect("join").expect("watchdog");
}

#[tokio::test]
async fn settings_out_of_range_stop_startup_naming_the_key() {
    let hub = FakeHub::start().await;
    for (toml, key) in [
        ("[repair]\nwindow = \"100000000d\"\n", "[repair] window"),
        (
            "[history]\nretention_days = 100000000\n",
            "[history] retention_days",
        ),
    ] {
        let app = App::new(&hub).env("SPACES", "alice/app").settings(toml);
        let run = tokio::time::timeout(WAIT, app.run(&["run"]))
            .await
            .expect("startup refused at once");
        assert_eq!(run.code, 2, "{toml}: {}", run.stderr);
        assert!(
            run.stderr.contains("SPACEWARDEN_CONFIG") && run.stderr.contains(key),
            "{toml}: {}",
            run.stderr
        );
    }
}

/// A Space that stays in its repair for the whole test.
fn stuck(id: &str) -> SpaceSpec {
    SpaceSpec::new(id)
        .stage("RUNTIME_ERROR")
        .after_restart(vec!["BUILDING"; 5000])
}

#[tokio::test]
async fn an_admins_restart_never_waits_behind_the_automatic_cap() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    for id in ["alice/auto1", "alice/auto2"] {
        hub.add_space(stuck(id));
    }
    for id in ["alice/by-telegram", "alice/by-discord", "alice/by-api"] {
        hub.add_space(SpaceSpec::new(id));
    }
    let tg = FakeTelegram::start(TG_TOKEN).await;
    let dc = FakeDiscord::start(DC_TOKEN).await;
    let app = App::new(&hub)
        .env("SPACES", "alice/*")
        .env("HF_TOKEN", "hf_alice")
        .env("CHECK_SCHEDULE", "* * * * * *")
        .env("RUST_LOG", "info")
        .env("API_KEY", API_KEY)
        .env("TELEGRAM_BOT_TOKEN", TG_TOKEN)
        .env("TELEGRAM_API_URL", &tg.url())
        .env("TELEGRAM_ADMIN_IDS", &TG_ADMIN.to_string())
        .env("DISCORD_BOT_TOKEN", DC_TOKEN)
        .env("DISCORD_API_URL", &dc.url())
        .env("DISCORD_GUILD_ID", &DEFAULT_GUILD_ID.to_string())
        .env("DISCORD_ADMIN_IDS", &DC_ADMIN.to_string())
        .env("DISCORD_CHANNEL_IDS", &DEFAULT_CHANNEL_ID.to_string())
        // The default cap of 2, taken by the two stuck Spaces.
        .settings("[repair]\npoll_interval = \"50ms\"\ntimeout = \"10m\"\nmax_in_flight = 2\n");
    let mut daemon = app.spawn(&["run"]);
    let port = listening_port(&daemon).await;
    let both_in_flight = eventually(WAIT, async || {
        hub.restarts("alice/auto1").len() == 1 && hub.restarts("alice/auto2").len() == 1
    })
    .await;
    assert!(both_in_flight, "{}", daemon.output());

    tg.push_message(
        TG_ADMIN,
        &TgUser::named(TG_ADMIN, "ops"),
        "/restart alice/by-telegram",
    );
    let sent = tg.wait_for_sent(TG_ADMIN, 1, WAIT).await;
    assert!(
        sent[0].text.contains("Restarting alice/by-telegram"),
        "{}",
        sent[0].text
    );

    let handle = dc
        .dispatch_interaction(
            InteractionSpec::slash("restart")
                .option("space", "alice/by-discord")
                .user(DC_ADMIN, "ops"),
        )
        .await;
    let edited = dc
        .wait_until(WAIT, |dc| {
            dc.original_response(&handle.token)
                .is_some_and(|m| m.to_string().contains("back after the restart"))
        })
        .await;
    assert!(edited, "{:?}", dc.original_response(&handle.token));

    let api = reqwest::Client::new()
        .post(format!(
            "http://127.0.0.1:{port}/api/v1/spaces/alice/by-api/restart"
        ))
        .bearer_auth(API_KEY)
        .send()
        .await
        .expect("API answers");
    assert_eq!(api.status(), 202);

    for id in ["alice/by-telegram", "alice/by-discord", "alice/by-api"] {
        let once = eventually(WAIT, async || hub.restarts(id) == [false]).await;
        assert!(once, "{id}: {:?}\n{}", hub.restarts(id), daemon.output());
    }
    assert!(!daemon.output().contains("too many repairs"));
    assert_eq!(hub.restarts("alice/auto1"), [false]);
    assert_eq!(hub.restarts("alice/auto2"), [false]);
    daemon.terminate(Duration::from_secs(15)).await;
}

#[tokio::test]
async fn a_slow_log_stream_never_holds_the_write_lock() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(
        SpaceSpec::new("alice/crashed")
            .stage("RUNTIME_ERROR")
            .run_logs(vec![
                "Traceback (most recent call last):",
                "ImportError: nope",
            ]),
    );
    hub.add_space(SpaceSpec::new("alice/other"));
    // The log tail for the "down" alert takes 10 s, twice SQLite's busy timeout.
    hub.inject(Fault::new(FaultKind::Hang(Duration::from_secs(10))).path("/logs/run"));
    let tg = FakeTelegram::start(TG_TOKEN).await;
    let app = App::new(&hub)
        .env("SPACES", "alice/crashed,alice/other")
        .env("HF_TOKEN", "hf_alice")
        .env("HF_TIMEOUT", "15s")
        .env("CHECK_SCHEDULE", "*/30 * * * * *")
        .env("RUST_LOG", "info")
        .env("TELEGRAM_BOT_TOKEN", TG_TOKEN)
        .env("TELEGRAM_API_URL", &tg.url())
        .env("TELEGRAM_ADMIN_IDS", &TG_ADMIN.to_string())
        .settings("[spaces.\"alice/crashed\"]\nauto_repair = false\n");
    let mut daemon = app.spawn(&["run"]);
    let fetching = eventually(Duration::from_secs(40), async || {
        hub.count("GET", "/logs/run") > 0
    })
    .await;
    assert!(fetching, "{}", daemon.output());
    // While the Hub takes its time, an admin's command writes its action and audit
    // rows at once (SQLite's busy timeout is 5 s).
    tg.push_message(
        TG_ADMIN,
        &TgUser::named(TG_ADMIN, "ops"),
        "/pause alice/other",
    );
    let sent = tg.wait_for_sent(TG_ADMIN, 1, Duration::from_secs(8)).await;
    assert!(
        sent[0].text.contains("alice/other is paused"),
        "{}",
        sent[0].text
    );
    let store = app.store().await;
    let audit = store.audit_log(10).await.expect("audit");
    assert!(
        audit
            .iter()
            .any(|a| a.command == "/pause alice/other" && a.outcome.as_deref() == Some("ok")),
        "{audit:?}"
    );
    // The cycle then stores its results and the alert carries the log lines.
    daemon
        .wait_for("check cycle done", Duration::from_secs(30))
        .await;
    let output = daemon.output();
    assert!(!output.contains("database is locked"), "{output}");
    assert!(!output.contains("cannot write the audit log"), "{output}");
    daemon
        .wait_for("ImportError: nope", Duration::from_secs(10))
        .await;
    daemon.terminate(Duration::from_secs(15)).await;
}

fn admin() -> Actor {
    Actor::telegram(42, 42)
}

fn core(monitor: &Monitor) -> CommandCore {
    let access = Access {
        telegram_admins: vec![42],
        ..Access::default()
    };
    CommandCore::new(monitor.clone(), access, None)
}

#[tokio::test]
async fn pause_and_wake_take_the_per_space_claim() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(stuck("alice/app"));
    let app = App::new(&hub)
        .env("SPACES", "alice/app")
        .env("HF_TOKEN", "hf_alice")
        .settings(FAST_REPAIRS);
    let d = Daemon::new(&app).await;
    let core = core(&d.monitor);
    let restarting = core
        .execute(&admin(), Command::Restart("alice/app".into()))
        .await;
    assert!(
        restarting.reply.title.contains("Restarting"),
        "{}",
        restarting.reply.title
    );
    let called = eventually(WAIT, async || hub.restarts("alice/app") == [false]).await;
    assert!(called, "the restart reached the Hub");
    for command in [
        Command::Pause("alice/app".into()),
        Command::Wake("alice/app".into()),
    ] {
        let refused = core.execute(&admin(), command).await;
        assert!(
            refused.reply.title.contains("already being repaired"),
            "{}",
            refused.reply.title
        );
    }
    assert_eq!(hub.count("POST", "/pause"), 0, "no pause raced the repair");
    d.monitor.abort_tasks();
}

#[tokio::test]
async fn a_space_removed_from_spaces_is_refused_by_every_entrance() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    hub.add_space(SpaceSpec::new("alice/old"));
    let before = App::new(&hub).env("SPACES", "alice/app,alice/old");
    assert_eq!(before.check_json().await.code, 0);
    // The same store, with alice/old taken off the watch list: its row remains.
    let after = before.env("SPACES", "alice/app").env("API_KEY", API_KEY);
    let d = Daemon::new(&after).await;
    let core = core(&d.monitor);
    for command in [
        Command::Restart("alice/old".into()),
        Command::Status(Some("alice/old".into())),
        Command::Pause("alice/old".into()),
    ] {
        let refused = core.execute(&admin(), command).await;
        assert_eq!(refused.reply.title, "I don't watch alice/old. See /spaces.");
    }
    let router = web::router(WebState::new(
        d.monitor.clone(),
        spacewarden::monitor::SchedulerStatus::new(d.monitor.config().check_schedule.clone()),
    ));
    let api = send(
        &router,
        Method::POST,
        "/api/v1/spaces/alice/old/restart",
        Some(API_KEY),
    )
    .await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert!(hub.restarts("alice/old").is_empty());
}

#[tokio::test]
async fn hub_errors_reach_chat_only_as_a_reference() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(SpaceSpec::new("alice/app"));
    hub.inject(Fault::new(FaultKind::Status(500)).path("/pause"));
    let tg = FakeTelegram::start(TG_TOKEN).await;
    let app = App::new(&hub)
        .env("SPACES", "alice/app")
        .env("HF_TOKEN", "hf_alice")
        .env("RUST_LOG", "info")
        .env("TELEGRAM_BOT_TOKEN", TG_TOKEN)
        .env("TELEGRAM_API_URL", &tg.url())
        .env("TELEGRAM_ADMIN_IDS", &TG_ADMIN.to_string());
    let mut daemon = app.spawn(&["run"]);
    tg.push_message(
        TG_ADMIN,
        &TgUser::named(TG_ADMIN, "ops"),
        "/pause alice/app",
    );
    let sent = tg.wait_for_sent(TG_ADMIN, 1, WAIT).await;
    let text = &sent[0].text;
    assert!(
        text.contains("Could not pause alice/app: the Hub is unavailable right now (ref "),
        "{text}"
    );
    let reference: String = text
        .rsplit("(ref ")
        .next()
        .unwrap_or_default()
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(reference.len(), 8, "{text}");
    // The Hub's own words stay out of the chat, and the log has them under the reference.
    assert!(!text.contains("500"), "{text}");
    daemon
        .wait_for(&format!("reference={reference}"), Duration::from_secs(5))
        .await;
    let output = daemon.output();
    let logged = output
        .lines()
        .find(|l| l.contains(&format!("reference={reference}")))
        .unwrap_or_default();
    assert!(
        logged.contains("Hub call for alice/app failed") && logged.contains("500"),
        "{logged}"
    );
    daemon.terminate(Duration::from_secs(15)).await;
}
