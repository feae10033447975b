//! Telegram HTML: every outside string escaped (`<`, `>`, `&`), messages split below
//! 4096 characters at line boundaries, each line balanced on its own so a split never
//! cuts a tag in two. Pure functions, tested without Telegram.

use crate::chat::verdict_emoji;
use crate::commands::{Block, Button, Reply};

/// Telegram counts 4096 characters after entity parsing; counting the HTML source is
/// stricter and keeps a margin. Counted in UTF-16 units, as Telegram counts entity
/// offsets: an emoji is two.
pub const MAX_MESSAGE: usize = 4000;
/// One line of outside text never gets longer than this once escaped (a huge log line
/// is cut, not split mid-tag).
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

/// UTF-16 units a character takes once escaped: `&` becomes the five of `&amp;`.
fn escaped_units(c: char) -> usize {
    match c {
        '<' | '>' => 4,
        '&' => 5,
        c => c.len_utf16(),
    }
}

fn units(html: &str) -> usize {
    html.encode_utf16().count()
}

/// Cuts outside text so that, escaped, it takes at most `MAX_LINE` units.
pub(crate) fn cut(text: &str) -> String {
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
            Block::Fields(fields) => out.extend(fields.iter().map(|(name, value)| {
                format!("<b>{}:</b> {}", escape(&cut(name)), escape(&cut(value)))
            })),
            Block::Spaces(spaces) => out.extend(spaces.iter().map(|s| {
                format!(
                    "{} <code>{}</code> {} · {}",
                    verdict_emoji(s.verdict),
                    escape(&cut(&s.space)),
                    escape(&s.verdict_shown()),
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

/// Splits lines into messages of at most `MAX_MESSAGE` UTF-16 units.
pub(crate) fn split(lines: Vec<String>) -> Vec<String> {
    let mut messages = Vec::new();
    let mut current = String::new();
    let mut used = 0;
    for line in lines {
        let len = units(&line);
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

    /// Fuzz finding (telegram_html): a thousand `&` were cut to 999 characters and
    /// then escaped to 4,995, so one line, and its message, passed Telegram's 4096.
    /// Names and Space ids were not cut at all.
    #[test]
    fn escaping_cannot_push_a_line_past_the_limit() {
        let amps = "&".repeat(5000);
        let reply = Reply::new(Severity::Bad, amps.clone())
            .block(Block::Code(vec![amps.clone()]))
            .block(Block::Fields(vec![(amps.clone(), amps.clone())]))
            .block(Block::Spaces(vec![SpaceLine {
                space: amps.clone(),
                verdict: Verdict::Down,
                verdict_text: String::new(),
                detail: amps.clone(),
            }]));
        for m in self::reply(&reply) {
            let units = m.html.encode_utf16().count();
            assert!(units <= MAX_MESSAGE, "{units}");
        }
        assert_eq!(escape(&cut(&amps)).encode_utf16().count(), MAX_LINE - 4);
    }

    /// Fuzz finding (telegram_html): a `/status` of many Spaces, one verdict emoji per
    /// line, was split by characters and came to 4,057 UTF-16 units, where Telegram
    /// counts an emoji twice.
    #[test]
    fn counts_emoji_as_telegram_does() {
        let spaces = (0..400)
            .map(|i| SpaceLine {
                space: format!("o/s{i}"),
                verdict: Verdict::Up,
                verdict_text: String::new(),
                detail: "RUNNING 😀".into(),
            })
            .collect();
        let messages = self::reply(&Reply::new(Severity::Good, "all").block(Block::Spaces(spaces)));
        assert!(messages.len() > 1);
        for m in &messages {
            let units = m.html.encode_utf16().count();
            assert!(units <= MAX_MESSAGE, "{units}");
        }
    }

    #[test]
    fn splits_at_line_boundaries_with_buttons_last() {
        let spaces = (0..400)
            .map(|i| SpaceLine {
                space: format!("owner/space-{i}"),
                verdict: Verdict::Down,
                verdict_text: String::new(),
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
