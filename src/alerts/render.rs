//! Plain-text rendering of alerts, shared by the log and webhook notifiers (the chat
//! adapters render their own formats from the same `Alert`).

use std::fmt::Write;
use std::time::Duration;

use super::{Alert, AlertEvent, EventKind, Notice, NoticeKind};
use crate::domain::{RepairStep, Verdict, format_duration};

/// One line per event: `🔴 alice/app is down (RUNTIME_ERROR): Exit code: 1`.
pub fn headline(event: &AlertEvent) -> String {
    let space = &event.space;
    let stage = event
        .stage
        .as_ref()
        .map(|s| format!(" ({s})"))
        .unwrap_or_default();
    let step = event.step.map_or("repair", RepairStep::as_str);
    let verdict = verdict_words(event.verdict);
    let mut line = match event.kind {
        EventKind::Down => format!("🔴 {space} is {verdict}{stage}"),
        EventKind::StillDown => format!("🔴 {space} is still {verdict}{stage}"),
        EventKind::Repairing => format!("🟠 {space}: {}…", step_words(event.step)),
        EventKind::RepairFailed => format!("🟠 {space}: {step} did not bring it back{stage}"),
        EventKind::GaveUp => format!("⛔ {space} needs a human: automatic repair gave up{stage}"),
        EventKind::Recovered => {
            let down_for = event
                .down_for_secs
                .map(|s| format!(" after {}", format_duration(Duration::from_secs(s))))
                .unwrap_or_default();
            let fixed = event
                .step
                .map(|s| format!(" (fixed by {})", s.as_str()))
                .unwrap_or_default();
            let now = if event.verdict == Verdict::Up {
                String::new()
            } else {
                format!(", now {verdict}")
            };
            format!("🟢 {space} recovered{down_for}{fixed}{now}")
        }
        EventKind::Woken => format!("⚪ {space} was asleep and has been woken"),
        EventKind::WakeFailed => format!("🔴 {space} was asleep and did not wake{stage}"),
    };
    if let Some(error) = &event.error {
        let _ = write!(line, ": {}", one_line(error, 300));
    }
    if let Some(detail) = &event.detail {
        let _ = write!(line, " ({})", one_line(detail, 200));
    }
    line
}

/// One line for a notice about spacewarden itself.
pub fn notice_line(notice: &Notice) -> String {
    let head = match notice.kind {
        NoticeKind::ChecksStalled => "🚨 spacewarden's own checks have stalled",
        NoticeKind::ChecksResumed => "✅ spacewarden's checks are running again",
        NoticeKind::StoreFailing => "🚨 spacewarden cannot write to its database",
        NoticeKind::StoreRecovered => "✅ spacewarden writes to its database again",
    };
    format!("{head}: {}", one_line(&notice.detail, 300))
}

/// The whole alert as text: notices first, a title for grouped alerts, one line per
/// event, then the log lines of events that carry them.
pub fn text(alert: &Alert) -> String {
    let mut out = String::new();
    for notice in &alert.notices {
        out.push_str(&notice_line(notice));
        out.push('\n');
    }
    let spaces = alert.spaces();
    if spaces.len() > 1 {
        let _ = writeln!(out, "spacewarden: {} Spaces changed", spaces.len());
    }
    for event in &alert.events {
        out.push_str(&headline(event));
        out.push('\n');
        if !event.logs.is_empty() {
            for log in &event.logs {
                let _ = writeln!(out, "    | {}", one_line(log, 300));
            }
        }
    }
    out.trim_end().to_owned()
}

pub fn verdict_words(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::BrokenConfig => "broken (configuration)",
        Verdict::UnknownStage => "in an unknown stage",
        other => other.as_str(),
    }
}

fn step_words(step: Option<RepairStep>) -> &'static str {
    match step {
        Some(RepairStep::FactoryRebuild) => "factory rebuild (no build cache)",
        _ => "restarting",
    }
}

fn one_line(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max - 1).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::domain::{SpaceId, Stage};

    fn id(text: &str) -> SpaceId {
        SpaceId::parse(text).unwrap()
    }

    #[test]
    fn headlines_say_what_happened() {
        let mut down = AlertEvent::new(id("alice/app"), EventKind::Down, Verdict::Down)
            .with_stage(Some(Stage::RuntimeError));
        down.error = Some("Space failed to start.\nExit code: 1".into());
        assert_eq!(
            headline(&down),
            "🔴 alice/app is down (RUNTIME_ERROR): Space failed to start. Exit code: 1"
        );
        let mut recovered = AlertEvent::new(id("alice/app"), EventKind::Recovered, Verdict::Up)
            .with_step(RepairStep::Restart);
        recovered.down_for_secs = Some(3_900);
        assert_eq!(
            headline(&recovered),
            "🟢 alice/app recovered after 1h 5m (fixed by restart)"
        );
        let repairing = AlertEvent::new(id("alice/app"), EventKind::Repairing, Verdict::Down)
            .with_step(RepairStep::FactoryRebuild);
        assert_eq!(
            headline(&repairing),
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
}
