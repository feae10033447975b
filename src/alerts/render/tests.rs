//! The English lines as they always read, the Chinese ones without stray English.

use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::alerts::{Deploy, EventKind, PlatformEventKind};
use crate::domain::{CauseCode, PlatformReason, RepairStep, SpaceId, Stage};

/// The alerts' time.
fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 4, 48, 0).unwrap()
}

fn id(text: &str) -> SpaceId {
    SpaceId::parse(text).unwrap()
}

#[test]
fn headlines_say_what_happened() {
    let mut down = AlertEvent::new(id("alice/app"), EventKind::Down, Verdict::Down)
        .with_stage(Some(Stage::RuntimeError));
    down.error = Some("Space failed to start.\nExit code: 1".into());
    assert_eq!(
        headline(&down, at()),
        "🔴 alice/app is down (RUNTIME_ERROR): Space failed to start. Exit code: 1"
    );
    let mut recovered = AlertEvent::new(id("alice/app"), EventKind::Recovered, Verdict::Up)
        .with_step(RepairStep::Restart);
    recovered.down_for_secs = Some(3_900);
    assert_eq!(
        headline(&recovered, at()),
        "🟢 alice/app recovered after 1h 5m (fixed by restart)"
    );
    let repairing = AlertEvent::new(id("alice/app"), EventKind::Repairing, Verdict::Down)
        .with_step(RepairStep::FactoryRebuild);
    assert_eq!(
        headline(&repairing, at()),
        "🟠 alice/app: factory rebuild (no build cache)…"
    );
}

#[test]
fn grouped_alerts_have_a_title() {
    let alert = Alert::of(
        Utc::now(),
        vec![
            AlertEvent::new(id("a/one"), EventKind::Down, Verdict::Down),
            AlertEvent::new(id("a/two"), EventKind::Recovered, Verdict::Up),
        ],
    );
    let text = text(&alert);
    assert!(
        text.starts_with("spacewarden: 2 Spaces changed\n🔴 a/one is down\n🟢 a/two recovered"),
        "{text}"
    );
    assert!(alert.is_urgent());
}

#[test]
fn a_down_after_a_deploy_names_the_commit_and_the_cause() {
    let mut down = AlertEvent::new(id("alice/app"), EventKind::Down, Verdict::Down)
        .with_stage(Some(Stage::RuntimeError))
        .with_cause(Some(crate::domain::Cause {
            code: CauseCode::MissingModule,
            summary: "the module wandb is not installed".into(),
            evidence: "ModuleNotFoundError: No module named 'wandb'".into(),
        }));
    down.error = Some("Space failed to start. Exit code: 1".into());
    down.deploy = Some(Deploy {
        sha: "abc1234f9e8d7c6b".into(),
        secs_ago: Some(180),
    });
    assert_eq!(
        headline(&down, at()),
        "🔴 alice/app is down (RUNTIME_ERROR), broke after commit abc1234 \
         (3 min ago, 2026-12-07 04:45 (UTC)): missing_module (the module wandb is not installed)"
    );
    down.deploy.as_mut().unwrap().secs_ago = Some(7500);
    // The commit's own time, in TZ with its offset, beside how long ago it was.
    let shanghai = crate::config::Locale {
        lang: crate::i18n::Lang::EN,
        zone: crate::domain::time::Zone::parse("Asia/Shanghai").unwrap(),
    };
    let line = headline_in(&down, at(), shanghai);
    assert!(
        line.contains("(2 h ago, 2026-12-07 10:43 (UTC+8))"),
        "{line}"
    );
}

#[test]
fn platform_incidents_in_two_messages() {
    let spaces: Vec<SpaceId> = ["a/1", "a/2", "b/1"].iter().map(|s| id(s)).collect();
    let mut event = PlatformEvent {
        kind: PlatformEventKind::Started,
        reason: PlatformReason::Cause(CauseCode::SchedulingFailure),
        spaces: spaces.clone(),
        owners: 2,
        evidence: Some("Scheduling failure: unable to schedule".into()),
        lasted_secs: None,
        still_failing: Vec::new(),
    };
    let mut alert = Alert::of(Utc::now(), Vec::new());
    alert.platform.push(event.clone());
    assert!(alert.is_urgent() && !alert.is_empty());
    assert_eq!(
        text(&alert).lines().next().unwrap(),
        "🟣 Hugging Face seems to have a problem: 3 Spaces of 2 owners failing with \
         scheduling_failure: Scheduling failure: unable to schedule"
    );
    event.kind = PlatformEventKind::Ended;
    event.lasted_secs = Some(1500);
    event.still_failing = vec![id("a/2")];
    let lines = platform_lines(&event);
    assert_eq!(
        lines[0],
        "🟢 Hugging Face's problem seems over: 2 of 3 Spaces back (scheduling_failure, after 25m)"
    );
    assert!(lines[1].ends_with("a/2"), "{lines:?}");
    // Rows written before platform alerts existed still read.
    let old: Alert = serde_json::from_str(r#"{"at":"2026-11-22T12:00:00Z","events":[]}"#).unwrap();
    assert!(old.platform.is_empty());
}
#[test]
fn markdown_keeps_the_grouping_and_makes_hub_text_inert() {
    let mut down = AlertEvent::new(id("a/one"), EventKind::Down, Verdict::Down);
    down.error = Some("[click](https://evil) <at id=all></at> <@bob> *x* @all".into());
    down.logs = vec!["# not a heading".into()];
    let alert = Alert::of(
        Utc::now(),
        vec![
            down,
            AlertEvent::new(id("a/two"), EventKind::Recovered, Verdict::Up),
        ],
    );
    let md = markdown(&alert);
    assert_eq!(
        md,
        "spacewarden: 2 Spaces changed\n\n\
         🔴 a/one is down: \\[click\\](https://evil) &lt;at id=all&gt;&lt;/at&gt; \
         &lt;@bob&gt; \\*x\\* @\u{200B}all\n\n\
         > \\# not a heading\n\n\
         🟢 a/two recovered"
    );
    assert_eq!(title(&alert, 100), "spacewarden: 2 Spaces changed");
    assert_eq!(title(&alert, 12), "spacewarden…");
}

#[test]
fn cutting_bytes_never_splits_a_character() {
    let text = "告警".repeat(2000);
    let cut = cut_bytes(&text, 4096);
    assert!(cut.len() <= 4096 && cut.ends_with('…'), "{}", cut.len());
    assert_eq!(cut_bytes("short", 4096), "short");
    let emoji = "🔴".repeat(10);
    assert_eq!(cut_bytes(&emoji, 9), "🔴…");
}
