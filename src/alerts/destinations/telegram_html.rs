//! An alert as Telegram HTML in a chat's language: notices, platform incidents and
//! single-Space headlines in bold, a title when it groups several Spaces, log lines
//! in `<code>`. Every outside string is escaped through the chat adapter's escaper
//! (`<`, `>`, `&`), each line is cut so that escaping cannot push it past the limit,
//! and messages are split below Telegram's 4096 at line boundaries, so a split never
//! cuts a tag in two. Pure functions, tested without Telegram.

use crate::alerts::{Alert, render};
use crate::chat::telegram::render::{MAX_MESSAGE, escape};
use crate::config::Locale;
use crate::domain::text::clean_line;
use crate::i18n::Lang;
use crate::t;

/// One line of outside text never gets longer than this once escaped.
const MAX_LINE: usize = 1000;

/// UTF-16 units a character takes once escaped: `&` becomes the five of `&amp;`.
fn escaped_units(c: char) -> usize {
    match c {
        '<' | '>' => 4,
        '&' => 5,
        c => c.len_utf16(),
    }
}

/// Cuts text so that, escaped, it takes at most `MAX_LINE` units.
fn cut(text: &str) -> String {
    if text.chars().map(escaped_units).sum::<usize>() <= MAX_LINE {
        return text.to_owned();
    }
    let mut used = 0;
    let mut cut: String = text
        .chars()
        .take_while(|c| {
            used += escaped_units(*c);
            used < MAX_LINE // leaves one unit for the ellipsis
        })
        .collect();
    cut.push('…');
    cut
}

/// Splits lines into messages of at most `MAX_MESSAGE` UTF-16 units.
fn split(lines: Vec<String>) -> Vec<String> {
    let mut messages = Vec::new();
    let mut current = String::new();
    let mut used = 0;
    for line in lines {
        let len = line.encode_utf16().count();
        if !current.is_empty() && used + 1 + len > MAX_MESSAGE {
            messages.push(std::mem::take(&mut current));
            used = 0;
        }
        if !current.is_empty() {
            current.push('\n');
            used += 1;
        }
        current.push_str(&line);
        used += len;
    }
    if !current.is_empty() {
        messages.push(current);
    }
    messages
}

/// The alert as one or more HTML messages in `loc`'s language.
pub fn alert_html(alert: &Alert, loc: Locale) -> Vec<String> {
    let mut out: Vec<String> = alert
        .notices
        .iter()
        .map(|n| format!("<b>{}</b>", escape(&cut(&render::notice_line_in(n, loc)))))
        .collect();
    for event in &alert.platform {
        for (i, line) in render::platform_lines_in(event, loc)
            .into_iter()
            .enumerate()
        {
            let line = escape(&cut(line.trim_start()));
            out.push(if i == 0 {
                format!("<b>{line}</b>")
            } else {
                line
            });
        }
    }
    let spaces = alert.spaces();
    if spaces.len() > 1 {
        let title = render::spaces_changed(spaces.len(), loc.lang);
        out.push(format!("<b>{}</b>", escape(&title)));
    }
    for event in &alert.events {
        let line = escape(&cut(&render::headline_in(event, loc)));
        out.push(if spaces.len() > 1 {
            line
        } else {
            format!("<b>{line}</b>")
        });
        for log in &event.logs {
            out.push(format!("<code>{}</code>", escape(&cut(&clean_line(log)))));
        }
    }
    split(out)
}

/// The labels of the Restart / Rebuild / Mute 1h / Logs buttons, in that order.
pub fn button_labels(lang: Lang) -> [String; 4] {
    [
        t!(lang, "alert-button-restart"),
        t!(lang, "alert-button-rebuild"),
        t!(lang, "alert-button-mute"),
        t!(lang, "alert-button-logs"),
    ]
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::alerts::{AlertEvent, EventKind};
    use crate::domain::{SpaceId, Verdict};

    fn zh() -> Locale {
        Locale {
            lang: Lang::exact("zh-CN").unwrap(),
            ..Locale::default()
        }
    }

    #[test]
    fn hostile_text_is_escaped_and_long_alerts_split_in_any_language() {
        let mut down = AlertEvent::new(
            SpaceId::parse("a/one").unwrap(),
            EventKind::Down,
            Verdict::Down,
        );
        down.error = Some("<b>x</b> & <script>".into());
        down.logs = vec!["&".repeat(5000); 10];
        let alert = Alert::of(Utc::now(), vec![down]);
        for loc in [Locale::default(), zh()] {
            let parts = alert_html(&alert, loc);
            assert!(parts.len() > 1, "split");
            for part in &parts {
                assert!(part.encode_utf16().count() <= MAX_MESSAGE);
                assert!(
                    !part.contains("<script>") && !part.contains("<b>x"),
                    "{part}"
                );
            }
        }
        assert!(alert_html(&alert, zh())[0].starts_with("<b>🔴 a/one 当前故障："));
        assert_eq!(button_labels(zh().lang)[0], "重启");
    }
}
