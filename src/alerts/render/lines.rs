//! The lines of an alert in a reader's language: one per event, per notice, per
//! platform incident. Every word comes from a message id (`alert-*` in `locales/`);
//! what is inserted is cleaned (`one_line`) here, and escaped by each medium.

use std::fmt::Write;

use chrono::{DateTime, TimeDelta, Utc};

use super::note::span;
use super::{PLATFORM_NAMES, note_text, one_line};
use crate::alerts::PlatformEventKind;
use crate::alerts::{AlertEvent, Deploy, EventKind, Notice, NoticeKind, PlatformEvent};
use crate::config::Locale;
use crate::domain::text::clean_line;
use crate::domain::time::{Ago, absolute_in, ago_parts};
use crate::domain::{CauseCode, PlatformReason, RepairStep, Verdict, reason_in, summary_of};
use crate::i18n::Lang;
use crate::t;

/// How a verdict reads in a sentence: `down`, `broken (configuration)`, `故障`.
pub fn verdict_in(verdict: Verdict, lang: Lang) -> String {
    t!(lang, "alert-verdict", verdict = verdict.as_str())
}

/// A repair step's name (`restart`, `重启`); `repair` when none is known.
pub fn step_in(step: Option<RepairStep>, lang: Lang) -> String {
    t!(
        lang,
        "alert-step",
        step = step.map_or("repair", RepairStep::as_str)
    )
}

/// `spacewarden: 3 Spaces changed`, the title of a grouped alert.
pub fn spaces_changed(count: usize, lang: Lang) -> String {
    t!(lang, "alert-spaces-changed", count = count)
}

/// ` (text)` in English, `（text）` in Chinese.
fn paren(lang: Lang, text: &str) -> String {
    t!(lang, "alert-paren", text = text)
}

/// `3 min ago`, `3 分钟前`.
fn ago(lang: Lang, since: TimeDelta) -> String {
    match ago_parts(since) {
        Ago::JustNow => t!(lang, "ago-just-now"),
        Ago::InAMoment => t!(lang, "ago-in-a-moment"),
        Ago::Past(n, unit) => t!(lang, "ago-past", n = n, unit = unit.as_str()),
        Ago::Future(n, unit) => t!(lang, "ago-future", n = n, unit = unit.as_str()),
    }
}

/// One line per event: `🔴 alice/app is down (RUNTIME_ERROR): Exit code: 1`. `at` is
/// the alert's time, from which the deploy's own time is told.
pub fn headline_in(event: &AlertEvent, at: DateTime<Utc>, loc: Locale) -> String {
    let lang = loc.lang;
    let space = event.space.to_string();
    let stage = event
        .stage
        .as_ref()
        .map(|s| paren(lang, &s.to_string()))
        .unwrap_or_default();
    let verdict = verdict_in(event.verdict, lang);
    let step = step_in(event.step, lang);
    let mut line = match event.kind {
        EventKind::Down => {
            let deploy = event
                .deploy
                .as_ref()
                .map(|d| deploy_words(d, at, loc))
                .unwrap_or_default();
            t!(
                lang,
                "alert-down",
                space = &space,
                verdict = &verdict,
                stage = &stage,
                deploy = deploy
            )
        }
        EventKind::StillDown => {
            t!(
                lang,
                "alert-still-down",
                space = &space,
                verdict = &verdict,
                stage = &stage
            )
        }
        EventKind::Repairing => t!(
            lang,
            "alert-repairing",
            space = &space,
            step = event.step.map_or("restart", RepairStep::as_str)
        ),
        EventKind::RepairFailed => {
            t!(
                lang,
                "alert-repair-failed",
                space = &space,
                step = &step,
                stage = &stage
            )
        }
        EventKind::GaveUp => t!(lang, "alert-gave-up", space = &space, stage = &stage),
        EventKind::Recovered => recovered(event, lang, &space, &verdict),
        EventKind::Woken => t!(lang, "alert-woken", space = &space),
        EventKind::WakeFailed => t!(lang, "alert-wake-failed", space = &space, stage = &stage),
        EventKind::HardwareDrift => t!(lang, "alert-hardware-drift", space = &space),
        EventKind::MemoryHigh => t!(lang, "alert-memory-high", space = &space),
        EventKind::Saved => t!(lang, "alert-saved", space = &space),
    };
    let colon = t!(lang, "list-colon");
    // The cause says it in words; the raw message only when the cause adds nothing.
    let plain = event
        .cause
        .as_ref()
        .is_none_or(|c| c.code == CauseCode::Unknown);
    if let Some(cause) = event.cause.as_ref().filter(|_| !plain) {
        let summary = one_line(&cause.summary_in(lang), 200);
        let cause = t!(
            lang,
            "alert-cause",
            code = cause.code.as_str(),
            summary = summary
        );
        let _ = write!(line, "{colon}{cause}");
    }
    if let Some(error) = event.error.as_ref().filter(|_| plain) {
        let _ = write!(line, "{colon}{}", one_line(&reason_in(lang, error), 300));
    }
    let detail = match &event.note {
        Some(note) => Some(note_text(note, lang)),
        None => event.detail.clone(),
    };
    if let Some(detail) = detail {
        line.push_str(&paren(lang, &one_line(&detail, 200)));
    }
    clean_line(&line)
}

fn recovered(event: &AlertEvent, lang: Lang, space: &str, verdict: &str) -> String {
    let after = event
        .down_for_secs
        .map(|s| t!(lang, "alert-recovered-after", span = span(s, lang)))
        .unwrap_or_default();
    let fixed = event
        .step
        .map(|s| t!(lang, "alert-recovered-fixed", step = step_in(Some(s), lang)))
        .unwrap_or_default();
    let now = if event.verdict == Verdict::Up {
        String::new()
    } else {
        t!(lang, "alert-recovered-now", verdict = verdict)
    };
    t!(
        lang,
        "alert-recovered",
        space = space,
        after = after,
        fixed = fixed,
        now = now
    )
}

/// `, broke after commit abc1234 (3 min ago, 2026-12-07 12:45 (UTC+8))`: the commit's
/// time is the alert's `at` less `secs_ago`, in `loc.zone` with its offset.
fn deploy_words(deploy: &Deploy, at: DateTime<Utc>, loc: Locale) -> String {
    let lang = loc.lang;
    let sha: String = deploy.sha.chars().take(7).collect();
    match deploy.secs_ago {
        Some(secs) => {
            let since = i64::try_from(secs)
                .ok()
                .and_then(TimeDelta::try_seconds)
                .unwrap_or(TimeDelta::MAX);
            let ago = ago(lang, since);
            match at.checked_sub_signed(since) {
                Some(made) => t!(
                    lang,
                    "reason-deploy-at",
                    sha = sha,
                    ago = ago,
                    at = absolute_in(made, loc.zone)
                ),
                None => t!(lang, "alert-deploy-ago", sha = sha, ago = ago),
            }
        }
        None => t!(lang, "alert-deploy", sha = sha),
    }
}

/// One line for a notice about spacewarden itself; its times in `loc.zone`.
pub fn notice_line_in(notice: &Notice, loc: Locale) -> String {
    let lang = loc.lang;
    let head = match notice.kind {
        NoticeKind::ChecksStalled => "alert-notice-checks-stalled",
        NoticeKind::ChecksResumed => "alert-notice-checks-resumed",
        NoticeKind::StoreFailing => "alert-notice-store-failing",
        NoticeKind::StoreRecovered => "alert-notice-store-recovered",
        NoticeKind::Test => "alert-notice-test",
    };
    let since = notice.since.map(|at| absolute_in(at, loc.zone));
    let reason = notice.reason.as_deref().map(|r| one_line(r, 200));
    let detail = match (notice.kind, since) {
        (NoticeKind::ChecksStalled, Some(since)) => {
            let text = t!(lang, "alert-notice-stalled-since", since = since);
            match reason {
                Some(failure) => t!(
                    lang,
                    "alert-notice-last-failure",
                    text = text,
                    failure = failure
                ),
                None => text,
            }
        }
        (NoticeKind::StoreFailing, Some(since)) => t!(
            lang,
            "alert-notice-store-since",
            since = since,
            reason = reason.unwrap_or_default()
        ),
        (NoticeKind::ChecksResumed, _) => t!(lang, "alert-notice-resumed"),
        (NoticeKind::StoreRecovered, _) => t!(lang, "alert-notice-store-back"),
        (NoticeKind::Test, _) => t!(lang, "alert-notice-test-detail"),
        // Written before notices carried their time: the stored words.
        _ => one_line(&notice.detail, 300),
    };
    t!(
        lang,
        "alert-notice-line",
        head = t!(lang, head),
        detail = one_line(&detail, 300)
    )
}

/// The lines of a platform incident's alert: a headline, then who and what to do.
pub fn platform_lines_in(event: &PlatformEvent, loc: Locale) -> Vec<String> {
    let lang = loc.lang;
    let n = event.spaces.len();
    let mut names: Vec<String> = event
        .spaces
        .iter()
        .take(PLATFORM_NAMES)
        .map(|s| s.to_string())
        .collect();
    if n > PLATFORM_NAMES {
        names.push(t!(lang, "alert-platform-more", count = n - PLATFORM_NAMES));
    }
    let separator = t!(lang, "list-separator");
    let summary = match event.reason {
        PlatformReason::Cause(code) => summary_of(code, lang),
        PlatformReason::HubUnavailable => t!(lang, "cause-summary-hub_unavailable"),
    };
    let mut lines = Vec::new();
    match event.kind {
        PlatformEventKind::Started => {
            let id = match event.reason {
                PlatformReason::HubUnavailable => "alert-platform-hub",
                PlatformReason::Cause(_) => "alert-platform-cause",
            };
            let mut head = t!(
                lang,
                id,
                count = n,
                owners = event.owners,
                code = event.reason.as_str(),
                summary = &summary
            );
            if let Some(evidence) = &event.evidence {
                let _ = write!(
                    head,
                    "{}{}",
                    t!(lang, "list-colon"),
                    one_line(evidence, 200)
                );
            }
            lines.push(head);
            lines.push(format!("    {}", names.join(&separator)));
            lines.push(format!("    {}", t!(lang, "alert-platform-on-hold")));
        }
        PlatformEventKind::Ended => {
            let back = n - event.still_failing.len().min(n);
            let lasted = event
                .lasted_secs
                .map(|s| t!(lang, "alert-platform-lasted", span = span(s, lang)))
                .unwrap_or_default();
            lines.push(t!(
                lang,
                "alert-platform-ended",
                back = back,
                count = n,
                reason = event.reason.as_str(),
                summary = &summary,
                lasted = lasted
            ));
            if !event.still_failing.is_empty() {
                let still: Vec<String> =
                    event.still_failing.iter().map(|s| s.to_string()).collect();
                let spaces = still.join(&separator);
                lines.push(format!(
                    "    {}",
                    t!(lang, "alert-platform-still-failing", spaces = spaces)
                ));
            }
        }
    }
    lines
}
