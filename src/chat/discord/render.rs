//! Discord embeds: a `Reply` becomes one embed (colour by severity,
//! title, description lines, fields) plus rows of buttons, always inside Discord's
//! limits (title 256, description 4096, 25 fields of 256/1024, 6000 across the
//! embed, 5 rows of 5 buttons, labels 80, `custom_id` 100). Outside text is escaped
//! for Discord markdown; Space ids go in inline code. Pure values, tested without
//! Discord; `bot` and `notifier` turn them into serenity builders.

use crate::chat::verdict_emoji;
use crate::commands::{Block, Button, ButtonStyle, Reply, Severity};
use crate::domain::text::clean_line;

pub const RED: u32 = 0xE7_4C_3C;
pub const AMBER: u32 = 0xF3_9C_12;
pub const GREEN: u32 = 0x2E_CC_71;
pub const GREY: u32 = 0x95_A5_A6;

const MAX_TITLE: usize = 256;
const MAX_DESCRIPTION: usize = 4000;
const MAX_FIELDS: usize = 25;
const MAX_FIELD_NAME: usize = 256;
const MAX_FIELD_VALUE: usize = 1024;
/// Discord's 6000 across all embeds of a message, with a margin.
const MAX_TOTAL: usize = 5900;
const MAX_ROWS: usize = 5;
const MAX_PER_ROW: usize = 5;
const MAX_LABEL: usize = 80;
/// One line of a description never gets longer than this.
const MAX_LINE: usize = 500;

/// One embed and its buttons.
#[derive(Debug, Clone, PartialEq)]
pub struct DcMessage {
    pub title: String,
    pub description: String,
    pub colour: u32,
    pub fields: Vec<(String, String)>,
    pub rows: Vec<Vec<DcButton>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DcButton {
    pub label: String,
    pub custom_id: String,
    pub style: ButtonStyle,
}

impl DcMessage {
    /// Characters Discord counts toward the 6000 limit.
    pub fn embed_len(&self) -> usize {
        self.title.chars().count() + self.description.chars().count() + fields_len(&self.fields)
    }
}

pub fn colour(severity: Severity) -> u32 {
    match severity {
        Severity::Bad => RED,
        Severity::Warning => AMBER,
        Severity::Good => GREEN,
        Severity::Info => GREY,
    }
}

/// Escapes Discord markdown in outside text (Space names, Hub error messages).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '#' | '[' | ']' | '<' | '@'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// At most `max` characters, with `…` when cut.
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Text for inline code: backticks cannot be escaped there, so they are replaced.
fn code(text: &str) -> String {
    cut(&text.replace('`', "ˋ"), MAX_LINE)
}

/// Joins lines into a description of at most `MAX_DESCRIPTION` characters; lines
/// that do not fit are counted in a last "… +n" line (no words: a reply carries no
/// language, and a count reads the same in every one).
pub(crate) fn description(lines: Vec<String>, budget: usize) -> String {
    let budget = budget.min(MAX_DESCRIPTION);
    let mut out = String::new();
    let mut used = 0;
    let total = lines.len();
    for (i, line) in lines.into_iter().enumerate() {
        let len = line.chars().count() + 1;
        // Keep room for the "more" line.
        if used + len + 40 > budget {
            out.push_str(&format!("… +{}", total - i));
            return out;
        }
        out.push_str(&line);
        out.push('\n');
        used += len;
    }
    out.trim_end().to_owned()
}

fn style_rows(rows: &[Vec<Button>]) -> Vec<Vec<DcButton>> {
    rows.iter()
        .take(MAX_ROWS)
        .map(|row| {
            row.iter()
                .take(MAX_PER_ROW)
                .map(|b| DcButton {
                    label: cut(&b.label, MAX_LABEL),
                    custom_id: b.action.encode(),
                    style: b.style,
                })
                .collect::<Vec<_>>()
        })
        .filter(|row| !row.is_empty())
        .collect()
}

pub(crate) fn fields_len(fields: &[(String, String)]) -> usize {
    fields
        .iter()
        .map(|(n, v)| n.chars().count() + v.chars().count())
        .sum()
}

/// A reply as one embed with its buttons.
pub fn reply(reply: &Reply) -> DcMessage {
    let title = cut(
        &format!("{} {}", reply.severity.emoji(), escape(&reply.title)),
        MAX_TITLE,
    );
    let mut lines = Vec::new();
    let mut fields = Vec::new();
    for block in &reply.blocks {
        match block {
            Block::Text(text) => lines.extend(text.lines().map(|l| escape(&cut(l, MAX_LINE)))),
            Block::Fields(list) => fields.extend(list.iter().map(|(n, v)| {
                (
                    cut(n, MAX_FIELD_NAME),
                    cut(&escape(v), MAX_FIELD_VALUE).replace('\n', " "),
                )
            })),
            Block::Spaces(spaces) => lines.extend(spaces.iter().map(|s| {
                format!(
                    "{} `{}` {} · {}",
                    verdict_emoji(s.verdict),
                    code(&s.space),
                    s.verdict_shown(),
                    escape(&cut(&s.detail, MAX_LINE))
                )
            })),
            Block::Code(code_lines) if !code_lines.is_empty() => {
                lines.push("```".into());
                lines.extend(
                    code_lines
                        .iter()
                        .map(|l| cut(&clean_line(l).replace("```", "ˋˋˋ"), MAX_LINE)),
                );
                lines.push("```".into());
            }
            Block::Code(_) => {}
        }
    }
    let mut fields = fields.into_iter().take(MAX_FIELDS).collect::<Vec<_>>();
    // Fields hold the detail of one Space; they may take half the budget, the
    // description gets the rest.
    while title.chars().count() + fields_len(&fields) > MAX_TOTAL / 2 {
        fields.pop();
    }
    let used = title.chars().count() + fields_len(&fields);
    let description = close_code(description(lines, MAX_TOTAL.saturating_sub(used)));
    DcMessage {
        title,
        description,
        colour: colour(reply.severity),
        fields,
        rows: style_rows(&reply.buttons),
    }
}

/// A description cut inside a code block gets its closing fence back.
pub(crate) fn close_code(mut text: String) -> String {
    if text.matches("```").count() % 2 == 1 {
        let more = text.rfind("\n… ").map(|at| text.split_off(at));
        text.push_str("\n```");
        if let Some(more) = more {
            text.push_str(&more);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::{ButtonAction, SpaceLine};
    use crate::domain::Verdict;

    #[test]
    fn escapes_markdown_and_keeps_ids_in_code() {
        let reply = Reply::new(Severity::Bad, "x").block(Block::Spaces(vec![SpaceLine {
            space: "alice/my_app".into(),
            verdict: Verdict::Down,
            verdict_text: String::new(),
            detail: "**boom** @everyone".into(),
        }]));
        let message = self::reply(&reply);
        assert!(message.description.contains("`alice/my_app`"));
        assert!(
            message.description.contains("\\*\\*boom\\*\\* \\@everyone"),
            "{}",
            message.description
        );
        assert_eq!(message.colour, RED);
    }

    #[test]
    fn stays_inside_every_limit() {
        let spaces = (0..1000)
            .map(|i| SpaceLine {
                space: format!("owner/space-{i}"),
                verdict: Verdict::Down,
                verdict_text: String::new(),
                detail: "RUNTIME_ERROR: ".repeat(40),
            })
            .collect();
        let fields = (0..40)
            .map(|i| (format!("field {i}"), "v".repeat(2000)))
            .collect();
        let buttons = (0..7)
            .map(|_| {
                Button::new(
                    "x".repeat(200),
                    ButtonAction::Page {
                        spaces: false,
                        page: 1,
                    },
                    ButtonStyle::Secondary,
                )
            })
            .collect();
        let reply = Reply::new(Severity::Warning, "t".repeat(400))
            .block(Block::Spaces(spaces))
            .block(Block::Fields(fields))
            .block(Block::Code(vec!["log ```".repeat(100); 50]));
        let mut reply = reply;
        for _ in 0..7 {
            reply = reply.buttons(Vec::clone(&buttons));
        }
        let m = self::reply(&reply);
        assert!(m.title.chars().count() <= 256);
        assert!(m.description.chars().count() <= 4096);
        assert!(m.fields.len() <= 25);
        assert!(
            m.fields
                .iter()
                .all(|(n, v)| n.chars().count() <= 256 && v.chars().count() <= 1024)
        );
        assert!(m.embed_len() <= 6000, "{}", m.embed_len());
        assert!(m.rows.len() <= 5 && m.rows.iter().all(|r| r.len() <= 5));
        assert!(
            m.rows
                .iter()
                .flatten()
                .all(|b| b.label.chars().count() <= 80 && b.custom_id.len() <= 100)
        );
        assert_eq!(m.description.matches("```").count() % 2, 0);
    }
}
