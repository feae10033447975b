//! Rendering of alerts for people, in their language (`Locale`: `config.locale`, or a
//! chat's own language) with absolute times in its zone: plain text for the log, the
//! webhook, e-mail and the phone pushes, Markdown for the team-chat robots; Telegram
//! and Discord build their own formats from the same lines (`destinations/`). Every
//! word comes from a message id (`alert-*`, `cause-*` in `locales/`).
//!
//! Outside text is cleaned where it enters (`hub::wire`); it is cleaned again here,
//! idempotently, so an alert stored before that (or a stage the Hub invented) never
//! prints a control character.
//!
//! The functions without `_in` render in English and UTC: the forms callers outside
//! the destinations used before alerts had a language (the CLI's progress display,
//! tests).

mod lines;
mod note;

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::{Alert, AlertEvent, Notice, PlatformEvent};
use crate::config::Locale;
use crate::domain::Verdict;
use crate::domain::text::{clean_body, clean_line};

pub use lines::{
    headline_in, notice_line_in, platform_lines_in, spaces_changed, step_in, verdict_in,
};
pub use note::{advice_text, note_text, span};

/// Spaces named in a platform alert before "and N more".
const PLATFORM_NAMES: usize = 20;

/// [`headline_in`] in English and UTC.
pub fn headline(event: &AlertEvent, at: DateTime<Utc>) -> String {
    headline_in(event, at, Locale::default())
}

/// [`notice_line_in`] in English and UTC.
pub fn notice_line(notice: &Notice) -> String {
    notice_line_in(notice, Locale::default())
}

/// [`platform_lines_in`] in English.
pub fn platform_lines(event: &PlatformEvent) -> Vec<String> {
    platform_lines_in(event, Locale::default())
}

/// [`text_in`] in English and UTC.
pub fn text(alert: &Alert) -> String {
    text_in(alert, Locale::default())
}

/// [`markdown_in`] in English and UTC.
pub fn markdown(alert: &Alert) -> String {
    markdown_in(alert, Locale::default())
}

/// [`title_in`] in English and UTC.
pub fn title(alert: &Alert, max: usize) -> String {
    title_in(alert, Locale::default(), max)
}

/// The whole alert as text: notices first, platform incidents, a title for grouped
/// alerts, one line per event, then the log lines of events that carry them.
pub fn text_in(alert: &Alert, loc: Locale) -> String {
    let mut out = String::new();
    for notice in &alert.notices {
        out.push_str(&notice_line_in(notice, loc));
        out.push('\n');
    }
    for event in &alert.platform {
        for line in platform_lines_in(event, loc) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    let spaces = alert.spaces();
    if spaces.len() > 1 {
        let _ = writeln!(out, "{}", spaces_changed(spaces.len(), loc.lang));
    }
    for event in &alert.events {
        out.push_str(&headline_in(event, alert.at, loc));
        out.push('\n');
        for log in &event.logs {
            let _ = writeln!(out, "    | {}", one_line(log, 300));
        }
    }
    clean_body(out.trim_end())
}

/// The verdict in an English sentence (Discord's field in the chat adapter's own
/// alert renderer); [`verdict_in`] for a reader's language.
pub fn verdict_words(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::BrokenConfig => "broken (configuration)",
        Verdict::UnknownStage => "in an unknown stage",
        other => other.as_str(),
    }
}

pub(crate) fn one_line(text: &str, max: usize) -> String {
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
/// WeCom, ServerChan, PushPlus): the lines of [`text_in`], grouping and all, each made
/// inert by [`markdown_safe`], with a blank line between them (most robot renderers
/// join single line breaks). Log lines become quotes.
pub fn markdown_in(alert: &Alert, loc: Locale) -> String {
    let mut out = String::new();
    for line in text_in(alert, loc).lines() {
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
pub fn title_in(alert: &Alert, loc: Locale, max: usize) -> String {
    let text = text_in(alert, loc);
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
mod every_kind;
#[cfg(test)]
mod tests;
