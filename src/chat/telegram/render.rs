//! Telegram HTML: every outside string escaped (`<`, `>`, `&`), messages split below
//! 4096 characters at line boundaries, each line balanced on its own so a split never
//! cuts a tag in two. Pure functions, tested without Telegram.

use crate::alerts::{Alert, render as alert_text};
use crate::chat::verdict_emoji;
use crate::commands::{Block, Button, Reply};

/// Telegram counts 4096 characters after entity parsing; counting the HTML source is
/// stricter and keeps a margin.
pub const MAX_MESSAGE: usize = 4000;
/// One line never gets longer than this (a huge log line is cut, not split mid-tag).
const MAX_LINE: usize = 1000;

/// One Telegram message: HTML text and the inline keyboard (label, callback data).
#[derive(Debug, Clone, PartialEq)]
pub struct TgMessage {
    pub html: String,
    pub keyboard: Vec<Vec<(String, String)>>,
}

/// Outside text for HTML parse mode, through teloxide's own escaper (`<`, `>`, `&`).
pub fn escape(text: &str) -> String {
    teloxide::utils::html::escape(text)
}

fn cut(text: &str) -> String {
    if text.chars().count() <= MAX_LINE {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(MAX_LINE - 1).collect();
    cut.push('…');
    cut
}

/// The balanced HTML lines of a reply.
fn lines(reply: &Reply) -> Vec<String> {
    let mut out = vec![format!(
        "<b>{} {}</b>",
        reply.severity.emoji(),
        escape(&cut(&reply.title))
    )];
    for block in &reply.blocks {
        match block {
            Block::Text(text) => out.extend(text.lines().map(|l| escape(&cut(l)))),
            Block::Fields(fields) => {
                out.extend(fields.iter().map(|(name, value)| {
                    format!("<b>{}:</b> {}", escape(name), escape(&cut(value)))
                }))
            }
            Block::Spaces(spaces) => out.extend(spaces.iter().map(|s| {
                format!(
                    "{} <code>{}</code> {} · {}",
                    verdict_emoji(s.verdict),
                    escape(&s.space),
                    escape(&s.verdict.as_str().replace('_', " ")),
                    escape(&cut(&s.detail))
                )
            })),
            Block::Code(code) => out.extend(
                code.iter()
                    .map(|l| format!("<code>{}</code>", escape(&cut(l)))),
            ),
        }
    }
    out
}

/// Splits lines into messages of at most `MAX_MESSAGE` characters.
fn split(lines: Vec<String>) -> Vec<String> {
    let mut messages = Vec::new();
    let mut current = String::new();
    for line in lines {
        if !current.is_empty() && current.chars().count() + 1 + line.chars().count() > MAX_MESSAGE {
            messages.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(&line);
    }
    if !current.is_empty() {
        messages.push(current);
    }
    messages
}

fn keyboard(rows: &[Vec<Button>]) -> Vec<Vec<(String, String)>> {
    rows.iter()
        .map(|row| {
            row.iter()
                .map(|b| (b.label.clone(), b.action.encode()))
                .collect()
        })
        .collect()
}

/// A reply as one or more messages; the buttons go on the last one.
pub fn reply(reply: &Reply) -> Vec<TgMessage> {
    let mut messages: Vec<TgMessage> = split(lines(reply))
        .into_iter()
        .map(|html| TgMessage {
            html,
            keyboard: Vec::new(),
        })
        .collect();
    if let Some(last) = messages.last_mut() {
        last.keyboard = keyboard(&reply.buttons);
    }
    messages
}

/// A reply that must fit one message (an edit): the first part only.
pub fn single(reply: &Reply) -> TgMessage {
    let mut messages = self::reply(reply);
    let keyboard = messages
        .last()
        .map(|m| m.keyboard.clone())
        .unwrap_or_default();
    let mut first = messages.swap_remove(0);
    first.keyboard = keyboard;
    first
}

/// An alert: a title when it groups several Spaces, a line per event, log lines.
pub fn alert(alert: &Alert) -> Vec<String> {
    let mut out: Vec<String> = alert
        .notices
        .iter()
        .map(|n| format!("<b>{}</b>", escape(&cut(&alert_text::notice_line(n)))))
        .collect();
    for event in &alert.platform {
        for (i, line) in alert_text::platform_lines(event).into_iter().enumerate() {
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
        out.push(format!(
            "<b>spacewarden: {} Spaces changed</b>",
            spaces.len()
        ));
    }
    for event in &alert.events {
        let line = escape(&cut(&alert_text::headline(event)));
        out.push(if spaces.len() > 1 {
            line
        } else {
            format!("<b>{line}</b>")
        });
        for log in &event.logs {
            out.push(format!("<code>{}</code>", escape(&cut(log))));
        }
    }
    split(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::{ButtonAction, ButtonStyle, Severity, SpaceLine};
    use crate::domain::Verdict;

    #[test]
    fn escapes_outside_text() {
        let reply = Reply::new(Severity::Bad, "a <b> & </code>")
            .block(Block::Code(vec!["<script>x</script>".into()]));
        let html = &self::reply(&reply)[0].html;
        assert!(html.contains("a &lt;b&gt; &amp; &lt;/code&gt;"), "{html}");
        assert!(
            html.contains("<code>&lt;script&gt;x&lt;/script&gt;</code>"),
            "{html}"
        );
    }

    #[test]
    fn splits_at_line_boundaries_with_buttons_last() {
        let spaces = (0..400)
            .map(|i| SpaceLine {
                space: format!("owner/space-{i}"),
                verdict: Verdict::Down,
                detail: "RUNTIME_ERROR: Space failed to start. Exit code: 1".into(),
            })
            .collect();
        let reply = Reply::new(Severity::Bad, "many")
            .block(Block::Spaces(spaces))
            .buttons(vec![Button::new(
                "Next",
                ButtonAction::Page {
                    spaces: false,
                    page: 1,
                },
                ButtonStyle::Secondary,
            )]);
        let messages = self::reply(&reply);
        assert!(messages.len() > 1);
        for (i, m) in messages.iter().enumerate() {
            assert!(m.html.chars().count() <= MAX_MESSAGE);
            assert_eq!(
                m.html.matches("<code>").count(),
                m.html.matches("</code>").count()
            );
            assert_eq!(m.keyboard.is_empty(), i + 1 < messages.len());
        }
    }
}
