//! Plain-text rendering of alerts, shared by the log and webhook notifiers (the chat
//! adapters render their own formats from the same `Alert`). Outside text is cleaned
//! where it enters (`hub::wire`); it is cleaned again here, idempotently, so an alert
//! stored before that (or a stage the Hub invented) never prints a control character.

use std::fmt::Write;
use std::time::Duration;

use chrono::TimeDelta;

use super::PlatformEventKind;
use super::{Alert, AlertEvent, Deploy, EventKind, Notice, NoticeKind, PlatformEvent};
use crate::domain::text::{clean_body, clean_line};
use crate::domain::{CauseCode, PlatformReason, RepairStep, Verdict, format_duration, time};

/// Spaces named in a platform alert before "and N more".
const PLATFORM_NAMES: usize = 20;

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
    let deploy = event.deploy.as_ref().map(deploy_words).unwrap_or_default();
    let mut line = match event.kind {
        EventKind::Down => format!("🔴 {space} is {verdict}{stage}{deploy}"),
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
        EventKind::HardwareDrift => format!("🟠 {space} is not running the hardware it asked for"),
        EventKind::MemoryHigh => format!("🟠 {space} is close to its memory limit"),
        EventKind::Saved => format!("💵 {space}"),
    };
    // The cause says it in words; the raw message only when the cause adds nothing.
    let plain = event
        .cause
        .as_ref()
        .is_none_or(|c| c.code == CauseCode::Unknown);
    if let Some(cause) = event.cause.as_ref().filter(|_| !plain) {
        let _ = write!(line, ": {} ({})", cause.code, one_line(&cause.summary, 200));
    }
    if let Some(error) = event.error.as_ref().filter(|_| plain) {
        let _ = write!(line, ": {}", one_line(error, 300));
    }
    if let Some(detail) = &event.detail {
        let _ = write!(line, " ({})", one_line(detail, 200));
    }
    clean_line(&line)
}

/// One line for a notice about spacewarden itself.
pub fn notice_line(notice: &Notice) -> String {
    let head = match notice.kind {
        NoticeKind::ChecksStalled => "🚨 spacewarden's own checks have stalled",
        NoticeKind::ChecksResumed => "✅ spacewarden's checks are running again",
        NoticeKind::StoreFailing => "🚨 spacewarden cannot write to its database",
        NoticeKind::StoreRecovered => "✅ spacewarden writes to its database again",
        NoticeKind::Test => "🧪 TEST ALERT from spacewarden",
    };
    format!("{head}: {}", one_line(&notice.detail, 300))
}

/// ", broke after commit abc1234 (3 min ago)".
fn deploy_words(deploy: &Deploy) -> String {
    let sha: String = deploy.sha.chars().take(7).collect();
    match deploy.secs_ago {
        Some(secs) => {
            let since = i64::try_from(secs)
                .ok()
                .and_then(TimeDelta::try_seconds)
                .unwrap_or(TimeDelta::MAX);
            format!(", broke after commit {sha} ({})", time::ago(since))
        }
        None => format!(", broke after commit {sha}"),
    }
}

/// The lines of a platform incident's alert: a headline, then who and what to do.
pub fn platform_lines(event: &PlatformEvent) -> Vec<String> {
    let n = event.spaces.len();
    let noun = if n == 1 { "Space" } else { "Spaces" };
    let owners = if event.owners == 1 { "owner" } else { "owners" };
    let mut names: Vec<String> = event
        .spaces
        .iter()
        .take(PLATFORM_NAMES)
        .map(|s| s.to_string())
        .collect();
    if n > PLATFORM_NAMES {
        names.push(format!("and {} more", n - PLATFORM_NAMES));
    }
    let mut lines = Vec::new();
    match event.kind {
        PlatformEventKind::Started => {
            let what = match event.reason {
                PlatformReason::Cause(code) => format!("failing with {code}"),
                PlatformReason::HubUnavailable => "the Hub could not be asked about".into(),
            };
            let mut head = match event.reason {
                PlatformReason::HubUnavailable => format!(
                    "🟣 Hugging Face seems to have a problem: {what} {n} {noun} of {} {owners} (5xx or timeouts)",
                    event.owners
                ),
                PlatformReason::Cause(_) => format!(
                    "🟣 Hugging Face seems to have a problem: {n} {noun} of {} {owners} {what}",
                    event.owners
                ),
            };
            if let Some(evidence) = &event.evidence {
                let _ = write!(head, ": {}", one_line(evidence, 200));
            }
            lines.push(head);
            lines.push(format!("    {}", names.join(", ")));
            lines.push(
                "    automatic repairs of these Spaces are on hold until it is over; admins can still /restart or /rebuild".into(),
            );
        }
        PlatformEventKind::Ended => {
            let back = n - event.still_failing.len().min(n);
            let lasted = event
                .lasted_secs
                .map(|s| format!(", after {}", format_duration(Duration::from_secs(s))))
                .unwrap_or_default();
            lines.push(format!(
                "🟢 Hugging Face's problem seems over: {back} of {n} {noun} back ({}{lasted})",
                event.reason.as_str()
            ));
            if !event.still_failing.is_empty() {
                let still: Vec<String> =
                    event.still_failing.iter().map(|s| s.to_string()).collect();
                lines.push(format!(
                    "    still failing for another reason, now repaired on their own: {}",
                    still.join(", ")
                ));
            }
        }
    }
    lines
}

/// The whole alert as text: notices first, platform incidents, a title for grouped
/// alerts, one line per event, then the log lines of events that carry them.
pub fn text(alert: &Alert) -> String {
    let mut out = String::new();
    for notice in &alert.notices {
        out.push_str(&notice_line(notice));
        out.push('\n');
    }
    for event in &alert.platform {
        for line in platform_lines(event) {
            out.push_str(&line);
            out.push('\n');
        }
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
    clean_body(out.trim_end())
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
    let flat = clean_line(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max - 1).collect();
    format!("{cut}…")
}

/// The whole alert as Markdown, for the robots that render it (DingTalk, Feishu/Lark,
/// WeCom, ServerChan, PushPlus): the lines of [`text`], grouping and all, each made
/// inert by [`markdown_safe`], with a blank line between them (most robot renderers
/// join single line breaks). Log lines become quotes.
pub fn markdown(alert: &Alert) -> String {
    let mut out = String::new();
    for line in text(alert).lines() {
        match line.strip_prefix("    ") {
            Some(indented) => {
                out.push_str("> ");
                out.push_str(&markdown_safe(indented.trim_start_matches("| ")));
            }
            None => out.push_str(&markdown_safe(line)),
        }
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out
}

/// A one-line title for the alert (its first line), at most `max` characters.
pub fn title(alert: &Alert, max: usize) -> String {
    let text = text(alert);
    one_line(text.lines().next().unwrap_or("spacewarden"), max.max(2))
}

/// Hub text made inert for Markdown renderers: Markdown's own characters are
/// backslash-escaped (no link, image, heading or emphasis can be built from a Hub error
/// message), `&`, `<` and `>` become entities (no HTML tag, so no `<font>`, no Feishu
/// `<at id=all>`, no WeCom `<@userid>`), and mass mentions are defused.
pub fn markdown_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '|' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    crate::domain::text::defuse_mentions(&out)
}

/// `text` cut to at most `max` bytes on a character boundary, ending in `…` when cut
/// (for services that count bytes, like WeCom's 4,096).
pub fn cut_bytes(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let ellipsis = "…";
    let mut end = max.saturating_sub(ellipsis.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{ellipsis}", &text[..end])
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
            headline(&down),
            "🔴 alice/app is down (RUNTIME_ERROR), broke after commit abc1234 (3 min ago): \
             missing_module (the module wandb is not installed)"
        );
        down.deploy.as_mut().unwrap().secs_ago = Some(7500);
        assert!(headline(&down).contains("(2 h ago)"), "{}", headline(&down));
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
        let old: Alert =
            serde_json::from_str(r#"{"at":"2026-11-22T12:00:00Z","events":[]}"#).unwrap();
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
}
