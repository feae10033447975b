//! An alert as Telegram HTML in a chat's language: notices, platform incidents and
//! single-Space headlines in bold, a title when it groups several Spaces, log lines
//! in `<code>`. Every outside string is escaped through the chat adapter's escaper
//! (`<`, `>`, `&`), each line is cut so that escaping cannot push it past the limit,
//! and messages are split below Telegram's 4096 at line boundaries, so a split never
//! cuts a tag in two. Pure functions, tested without Telegram.

use crate::alerts::{Alert, render};
use crate::chat::telegram::render::{cut, escape, split};
use crate::config::Locale;
use crate::domain::text::clean_line;
use crate::i18n::Lang;
use crate::t;

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
        let line = escape(&cut(&render::headline_in(event, alert.at, loc)));
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
    use crate::chat::telegram::render::MAX_MESSAGE;
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
