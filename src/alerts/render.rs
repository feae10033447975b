//! Plain-text rendering of alerts, shared by the log and webhook notifiers (the chat
//! adapters render their own formats from the same `Alert`).

use std::fmt::Write;
use std::time::Duration;

use super::{Alert, AlertEvent, EventKind};
use crate::domain::format_duration;

/// One line per event: `🔴 alice/app is down (RUNTIME_ERROR): Exit code: 1`.
pub fn headline(event: &AlertEvent) -> String {
    let space = &event.space;
    let stage = event
        .stage
        .as_deref()
        .map(|s| format!(" ({s})"))
        .unwrap_or_default();
    let step = event.step.as_deref().unwrap_or("repair");
    let mut line = match event.kind {
        EventKind::Down => format!("🔴 {space} is {}{stage}", verdict_words(&event.verdict)),
        EventKind::StillDown => format!(
            "🔴 {space} is still {}{stage}",
            verdict_words(&event.verdict)
        ),
        EventKind::Repairing => format!("🟠 {space}: {}…", step_words(step)),
        EventKind::RepairFailed => format!("🟠 {space}: {step} did not bring it back{stage}"),
        EventKind::GaveUp => format!("⛔ {space} needs a human: automatic repair gave up{stage}"),
        EventKind::Recovered => {
            let down_for = event
                .down_for_secs
                .map(|s| format!(" after {}", format_duration(Duration::from_secs(s))))
                .unwrap_or_default();
            let fixed = event
                .step
                .as_deref()
                .map(|s| format!(" (fixed by {s})"))
                .unwrap_or_default();
            let now = if event.verdict == "up" {
                String::new()
            } else {
                format!(", now {}", verdict_words(&event.verdict))
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

/// The whole alert as text: a title for grouped alerts, one line per event, then the
/// log lines of events that carry them.
pub fn text(alert: &Alert) -> String {
    let mut out = String::new();
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

pub fn verdict_words(verdict: &str) -> String {
    match verdict {
        "broken_config" => "broken (configuration)".into(),
        "unknown_stage" => "in an unknown stage".into(),
        other => other.replace('_', " "),
    }
}

fn step_words(step: &str) -> &'static str {
    match step {
        "rebuild" => "factory rebuild (no build cache)",
        "wake" => "waking it up",
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

    #[test]
    fn headlines_say_what_happened() {
        let mut down = AlertEvent::new("alice/app", EventKind::Down, "down");
        down.stage = Some("RUNTIME_ERROR".into());
        down.error = Some("Space failed to start.\nExit code: 1".into());
        assert_eq!(
            headline(&down),
            "🔴 alice/app is down (RUNTIME_ERROR): Space failed to start. Exit code: 1"
        );
        let mut recovered = AlertEvent::new("alice/app", EventKind::Recovered, "up");
        recovered.down_for_secs = Some(3_900);
        recovered.step = Some("restart".into());
        assert_eq!(
            headline(&recovered),
            "🟢 alice/app recovered after 1h 5m (fixed by restart)"
        );
        let mut repairing = AlertEvent::new("alice/app", EventKind::Repairing, "down");
        repairing.step = Some("rebuild".into());
        assert_eq!(
            headline(&repairing),
            "🟠 alice/app: factory rebuild (no build cache)…"
        );
    }

    #[test]
    fn grouped_alerts_have_a_title() {
        let alert = Alert {
            at: Utc::now(),
            events: vec![
                AlertEvent::new("a/one", EventKind::Down, "down"),
                AlertEvent::new("a/two", EventKind::Recovered, "up"),
            ],
        };
        let text = text(&alert);
        assert!(
            text.starts_with("spacewarden: 2 Spaces changed\n🔴 a/one is down\n🟢 a/two recovered"),
            "{text}"
        );
        assert!(alert.is_urgent());
    }
}
