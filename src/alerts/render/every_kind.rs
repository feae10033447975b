//! Every alert kind rendered for a Chinese reader, at every kind of destination,
//! with no English left outside a small allow-list. Text from outside (a Hub
//! error message, a log line, a failure's account, a person's id) is the word
//! `OUTSIDE` here, excluded like a name.

/// The integration tests' "no stray English" checker, shared.
#[path = "../../../tests/api/support/english.rs"]
#[allow(dead_code)]
mod english;

use chrono::{TimeZone, Utc};

use super::*;
use crate::alerts::destinations::{discord_alert, discord_alert_buttons, telegram_alert};
use crate::alerts::{Advice, Note, NoticeKind, PlatformEventKind};
use crate::alerts::{Alert, AlertEvent, Deploy, EventKind, PlatformEvent};
use crate::config::Locale;
use crate::domain::time::Zone;
use crate::domain::{Cause, CauseCode, CauseInput, CauseTable, PlatformReason};
use crate::domain::{RepairStep, SpaceId, Stage, Verdict};
use crate::i18n::Lang;

/// Names, stage names, file and tool names that no language translates.
const NAMES: &[&str] = &[
    "alice/app",
    "alice/two",
    "OUTSIDE",
    "RUNTIME_ERROR",
    "BUILD_ERROR",
    "cpu-basic",
    "cpu-upgrade",
    // A person's id (`via:user`).
    "telegram",
    "alice",
    "ZeroGPU",
    "Python",
    "pip",
    "npm",
    "requirements.txt",
    "package.json",
    "packages.txt",
    "HF_TOKEN",
    "app_port",
    "/data",
    "/logs",
    "/restart",
    "/rebuild",
];

fn zh() -> Locale {
    Locale {
        lang: Lang::exact("zh-CN").unwrap(),
        zone: Zone::parse("Asia/Shanghai").unwrap(),
    }
}

fn space() -> SpaceId {
    SpaceId::parse("alice/app").unwrap()
}

fn cause() -> Cause {
    CauseTable::default()
        .classify(CauseInput {
            verdict: Verdict::Down,
            stage: None,
            error: None,
            logs: &["ModuleNotFoundError: No module named 'OUTSIDE'".to_owned()],
        })
        .unwrap()
}

fn failed(tried: Option<Vec<RepairStep>>, advice: Option<Advice>) -> Note {
    Note::Failed {
        why: "OUTSIDE".into(),
        tried,
        advice,
    }
}

/// Each kind as the monitor makes it (the match makes a new kind fail to build
/// until it is added here).
fn events_of(kind: EventKind) -> Vec<AlertEvent> {
    let new = |verdict| {
        let mut event =
            AlertEvent::new(space(), kind, verdict).with_stage(Some(Stage::RuntimeError));
        event.logs = vec!["OUTSIDE".into()];
        event
    };
    match kind {
        EventKind::Down => {
            let mut down = new(Verdict::Down)
                .with_cause(Some(cause()))
                .with_note(Note::Advice {
                    advice: Advice::Builtin(CauseCode::SyntaxError),
                });
            down.deploy = Some(Deploy {
                sha: "0123456789".into(),
                secs_ago: Some(180),
            });
            let mut plain = new(Verdict::BrokenConfig);
            plain.error = Some("OUTSIDE".into());
            plain.deploy = Some(Deploy {
                sha: "0123456789".into(),
                secs_ago: None,
            });
            vec![
                down,
                plain,
                new(Verdict::UnknownStage),
                new(Verdict::Degraded),
            ]
        }
        EventKind::StillDown => vec![new(Verdict::Down).with_cause(Some(cause()))],
        EventKind::Repairing => vec![
            new(Verdict::Down).with_step(RepairStep::FactoryRebuild),
            new(Verdict::Down)
                .with_step(RepairStep::Restart)
                .with_note(Note::RequestedBy {
                    actor: "telegram:alice".into(),
                }),
        ],
        EventKind::RepairFailed => vec![
            new(Verdict::Down)
                .with_step(RepairStep::Restart)
                .with_note(failed(None, Some(Advice::Builtin(CauseCode::GpuQuota)))),
        ],
        EventKind::GaveUp => vec![
            new(Verdict::Down).with_note(failed(
                Some(vec![RepairStep::Restart, RepairStep::FactoryRebuild]),
                Some(Advice::Own("OUTSIDE".into())),
            )),
            new(Verdict::Down).with_note(failed(Some(Vec::new()), None)),
            new(Verdict::Down).with_note(Note::RepairsCapped {
                repairs: 3,
                window_secs: 6 * 3600,
            }),
        ],
        EventKind::Recovered => {
            let mut back = new(Verdict::Degraded).with_step(RepairStep::Restart);
            back.down_for_secs = Some(3_900);
            vec![back, new(Verdict::Up)]
        }
        EventKind::Woken => vec![new(Verdict::Up)],
        EventKind::WakeFailed => vec![new(Verdict::Sleeping).with_note(failed(None, None))],
        EventKind::HardwareDrift => vec![new(Verdict::Up).with_note(Note::HardwareDrift {
            requested: "cpu-upgrade".into(),
            current: "cpu-basic".into(),
            secs: 1_000,
        })],
        EventKind::MemoryHigh => vec![new(Verdict::Up).with_note(Note::MemoryHigh {
            percent: 93.4,
            used_bytes: 15 << 30,
            total_bytes: 16 << 30,
            samples: 3,
        })],
        EventKind::Saved => [
            (Some(1.5), Some("cpu-upgrade")),
            (None, Some("cpu-upgrade")),
            (None, None),
        ]
        .into_iter()
        .map(|(usd, hw)| {
            new(Verdict::Paused).with_note(Note::Saved {
                hours: 14.0,
                saved_usd: usd,
                hardware: hw.map(str::to_owned),
            })
        })
        .collect(),
    }
}

const KINDS: [EventKind; 11] = [
    EventKind::Down,
    EventKind::StillDown,
    EventKind::Repairing,
    EventKind::RepairFailed,
    EventKind::GaveUp,
    EventKind::Recovered,
    EventKind::Woken,
    EventKind::WakeFailed,
    EventKind::HardwareDrift,
    EventKind::MemoryHigh,
    EventKind::Saved,
];

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 4, 48, 0).unwrap()
}

/// One alert per event alone (headline titles, Discord fields), one with them all
/// (the grouped title), every notice, every platform incident.
fn alerts() -> Vec<Alert> {
    let events: Vec<AlertEvent> = KINDS.into_iter().flat_map(events_of).collect();
    let mut out: Vec<Alert> = events
        .iter()
        .map(|e| Alert::of(at(), vec![e.clone()]))
        .collect();
    let mut grouped = events;
    grouped.push(AlertEvent::new(
        SpaceId::parse("alice/two").unwrap(),
        EventKind::Down,
        Verdict::Down,
    ));
    out.push(Alert::of(at(), grouped));
    for kind in [
        NoticeKind::ChecksStalled,
        NoticeKind::ChecksResumed,
        NoticeKind::StoreFailing,
        NoticeKind::StoreRecovered,
        NoticeKind::Test,
    ] {
        let mut alert = Alert::notice(at(), kind, "OUTSIDE");
        alert.notices[0].since = Some(at());
        alert.notices[0].reason = Some("OUTSIDE".into());
        out.push(alert);
    }
    let many: Vec<SpaceId> = (0..25).map(|_| space()).collect();
    for (kind, reason) in [
        (
            PlatformEventKind::Started,
            PlatformReason::Cause(CauseCode::SchedulingFailure),
        ),
        (PlatformEventKind::Started, PlatformReason::HubUnavailable),
        (
            PlatformEventKind::Ended,
            PlatformReason::Cause(CauseCode::RegistryAuth),
        ),
        (PlatformEventKind::Ended, PlatformReason::HubUnavailable),
    ] {
        let mut alert = Alert::of(at(), Vec::new());
        alert.platform.push(PlatformEvent {
            kind,
            reason,
            spaces: many.clone(),
            owners: 2,
            evidence: Some("OUTSIDE".into()),
            lasted_secs: Some(1_500),
            still_failing: vec![space()],
        });
        out.push(alert);
    }
    out
}

/// Everything a person reads of `alert` at every kind of destination.
fn renderings(alert: &Alert, loc: Locale) -> Vec<String> {
    let mut out = vec![
        text_in(alert, loc),
        markdown_in(alert, loc),
        title_in(alert, loc, 100),
    ];
    out.extend(telegram_alert(alert, loc));
    let embed = discord_alert(alert, loc);
    out.push(embed.title);
    out.push(embed.description);
    out.extend(embed.fields.into_iter().flat_map(|(n, v)| [n, v]));
    out.extend(
        discord_alert_buttons(1, loc.lang)[0]
            .iter()
            .map(|b| b.label.clone()),
    );
    out
}

#[test]
fn every_alert_kind_reads_in_chinese_without_stray_english() {
    let mut stray = Vec::new();
    for alert in alerts() {
        for shown in renderings(&alert, zh()) {
            let words = english::stray_english(&shown, NAMES);
            if !words.is_empty() {
                stray.push(format!("{words:?} in {shown:?}"));
            }
        }
    }
    // Every cause's words: each built-in row (`domain::cause` tests that each has
    // its message), each default summary and advice.
    let lang = zh().lang;
    let rows = crate::i18n::message_ids(lang);
    for id in rows.iter().filter(|id| id.starts_with("cause-row-")) {
        let shown = crate::t!(lang, id, arg = "OUTSIDE");
        stray.extend(
            english::stray_english(&shown, NAMES)
                .into_iter()
                .map(|w| format!("{w} in {shown}")),
        );
    }
    for code in CauseCode::ALL {
        for shown in [
            crate::domain::summary_of(code, lang),
            crate::domain::advice_of(code, lang),
        ] {
            stray.extend(
                english::stray_english(&shown, NAMES)
                    .into_iter()
                    .map(|w| format!("{w} in {shown}")),
            );
        }
    }
    assert!(
        stray.is_empty(),
        "English left in Chinese alerts:\n{}",
        stray.join("\n")
    );
}

#[test]
fn chinese_alerts_say_it_in_chinese_with_the_offset() {
    let stalled = &alerts()
        .into_iter()
        .find(|a| {
            a.notices
                .first()
                .is_some_and(|n| n.kind == NoticeKind::ChecksStalled)
        })
        .unwrap();
    assert_eq!(
        text_in(stalled, zh()),
        "🚨 spacewarden 自身的检查停滞了：自 2026-12-07 12:48 (UTC+8) 起没有完成的检查；最近一次失败：OUTSIDE"
    );
    // English gets the offset too, in the zone it is given.
    assert!(
        text_in(stalled, Locale::default())
            .contains("no completed check since 2026-12-07 04:48 (UTC); last failure: OUTSIDE"),
        "{}",
        text_in(stalled, Locale::default())
    );
    let down = &Alert::of(at(), events_of(EventKind::Down)[..1].to_vec());
    assert_eq!(
        headline_in(&down.events[0], down.at, zh()),
        "🔴 alice/app 当前故障（RUNTIME_ERROR），在提交 0123456 之后出错（3 分钟前，2026-12-07 12:45 (UTC+8)）：\
         没有安装模块 OUTSIDE（需要修改代码：改正错误堆栈中指出的那一行然后推送）"
    );
    // The machine fields do not change with the reader's language.
    let json = serde_json::to_string(down).unwrap();
    assert!(
        json.contains("\"summary\":\"the module OUTSIDE is not installed\""),
        "{json}"
    );
    assert!(
        json.contains("\"note\":{\"code\":\"advice\",\"advice\":{\"builtin\":\"syntax_error\"}}"),
        "{json}"
    );
}

/// The English a note renders is the detail the monitor wrote before notes.
#[test]
fn english_notes_read_as_the_details_always_did() {
    let en = Lang::EN;
    let cases = [
        (
            Note::MemoryHigh {
                percent: 93.4,
                used_bytes: 15 << 30,
                total_bytes: 16 << 30,
                samples: 3,
            },
            "memory at 93 % of its limit (15.0 of 16.0 GiB) in 3 samples; over the limit it is \
             stopped. Free memory or move to more RAM. Not restarted",
        ),
        (
            Note::Saved {
                hours: 14.0,
                saved_usd: Some(1.5),
                hardware: Some("cpu-upgrade".into()),
            },
            "paused for 14 h, saved ≈ $1.50",
        ),
        (
            Note::Saved {
                hours: 14.0,
                saved_usd: None,
                hardware: Some("cpu-upgrade".into()),
            },
            "paused for 14 h, cpu-upgrade has no known price",
        ),
        (
            Note::Saved {
                hours: 14.0,
                saved_usd: None,
                hardware: None,
            },
            "paused for 14 h, its hardware is not known yet",
        ),
        (
            Note::HardwareDrift {
                requested: "a10g-small".into(),
                current: "cpu-basic".into(),
                secs: 3_900,
            },
            "asked for a10g-small, runs on cpu-basic for 1h 5m",
        ),
        (
            Note::RepairsCapped {
                repairs: 3,
                window_secs: 6 * 3600,
            },
            "3 automatic repairs in the last 6h did not keep it up",
        ),
        (
            failed(
                Some(vec![RepairStep::Restart, RepairStep::FactoryRebuild]),
                Some(Advice::Builtin(CauseCode::Unknown)),
            ),
            "tried restart → rebuild; last: OUTSIDE; read the Space's logs (/logs)",
        ),
        (
            failed(Some(Vec::new()), None),
            "tried no automatic repair; last: OUTSIDE",
        ),
        (
            Note::RequestedBy {
                actor: "telegram:alice".into(),
            },
            "requested by telegram:alice",
        ),
    ];
    for (note, english) in cases {
        assert_eq!(note_text(&note, en), english);
    }
    assert_eq!(span(0, en), "0s");
    assert_eq!(span(90_061, en), "1d 1h");
}
