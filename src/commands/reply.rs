//! `Reply`: what a command answers, as structure (title, severity, blocks, buttons).
//! Each chat adapter renders it: Telegram HTML, Discord embeds. Text here is plain;
//! escaping is the renderer's job.

use crate::domain::Verdict;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Severity {
    Info,
    Good,
    Warning,
    Bad,
}

impl Severity {
    pub fn of(verdict: Verdict) -> Severity {
        match verdict {
            Verdict::Up => Severity::Good,
            Verdict::Down | Verdict::BrokenConfig | Verdict::Degraded => Severity::Bad,
            Verdict::Starting | Verdict::UnknownStage | Verdict::Unreachable => Severity::Warning,
            Verdict::Sleeping | Verdict::Paused => Severity::Info,
        }
    }

    pub fn emoji(self) -> &'static str {
        match self {
            Severity::Info => "ℹ️",
            Severity::Good => "🟢",
            Severity::Warning => "🟠",
            Severity::Bad => "🔴",
        }
    }
}

impl SpaceLine {
    /// The verdict as the line shows it.
    pub fn verdict_shown(&self) -> String {
        if self.verdict_text.is_empty() {
            self.verdict.as_str().replace('_', " ")
        } else {
            self.verdict_text.clone()
        }
    }
}

/// One line about a Space in a list.
#[derive(Debug, Clone, PartialEq)]
pub struct SpaceLine {
    pub space: String,
    pub verdict: Verdict,
    /// The verdict's name in the reader's language (`down`, `故障`); empty: its code.
    pub verdict_text: String,
    /// Stage, error, age: already short.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Text(String),
    /// Name/value pairs (Discord fields; Telegram `name: value` lines).
    Fields(Vec<(String, String)>),
    Spaces(Vec<SpaceLine>),
    /// Verbatim lines (logs), shown monospaced.
    Code(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonStyle {
    Primary,
    Secondary,
    Danger,
}

/// What pressing a button does. Encoded into at most 64 bytes (Telegram's
/// `callback_data` limit; Discord's `custom_id` allows 100).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ButtonAction {
    Confirm(String),
    Cancel(String),
    /// A page of `/status` (`spaces: false`) or `/spaces` (`spaces: true`).
    Page {
        spaces: bool,
        page: u32,
    },
    /// Alert buttons, by the Space's short reference.
    Restart(i64),
    Rebuild(i64),
    Mute(i64),
    Logs(i64),
}

impl ButtonAction {
    pub fn encode(&self) -> String {
        match self {
            ButtonAction::Confirm(token) => format!("ok:{token}"),
            ButtonAction::Cancel(token) => format!("no:{token}"),
            ButtonAction::Page { spaces, page } => {
                format!("pg:{}:{page}", if *spaces { "l" } else { "s" })
            }
            ButtonAction::Restart(space) => format!("rs:{space}"),
            ButtonAction::Rebuild(space) => format!("rb:{space}"),
            ButtonAction::Mute(space) => format!("mu:{space}"),
            ButtonAction::Logs(space) => format!("lg:{space}"),
        }
    }

    pub fn decode(data: &str) -> Option<ButtonAction> {
        let (kind, rest) = data.split_once(':')?;
        let token = || {
            Some(rest.to_owned()).filter(|t| {
                !t.is_empty() && t.len() <= 32 && t.chars().all(|c| c.is_ascii_alphanumeric())
            })
        };
        let space = || rest.parse::<i64>().ok();
        Some(match kind {
            "ok" => ButtonAction::Confirm(token()?),
            "no" => ButtonAction::Cancel(token()?),
            "pg" => {
                let (which, page) = rest.split_once(':')?;
                ButtonAction::Page {
                    spaces: which == "l",
                    page: page.parse().ok()?,
                }
            }
            "rs" => ButtonAction::Restart(space()?),
            "rb" => ButtonAction::Rebuild(space()?),
            "mu" => ButtonAction::Mute(space()?),
            "lg" => ButtonAction::Logs(space()?),
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Button {
    pub label: String,
    pub action: ButtonAction,
    pub style: ButtonStyle,
}

impl Button {
    pub fn new(label: impl Into<String>, action: ButtonAction, style: ButtonStyle) -> Button {
        Button {
            label: label.into(),
            action,
            style,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub severity: Severity,
    pub title: String,
    pub blocks: Vec<Block>,
    /// Rows of buttons.
    pub buttons: Vec<Vec<Button>>,
}

impl Reply {
    pub fn new(severity: Severity, title: impl Into<String>) -> Reply {
        Reply {
            severity,
            title: title.into(),
            blocks: Vec::new(),
            buttons: Vec::new(),
        }
    }

    pub fn text(mut self, text: impl Into<String>) -> Reply {
        self.blocks.push(Block::Text(text.into()));
        self
    }

    pub fn block(mut self, block: Block) -> Reply {
        self.blocks.push(block);
        self
    }

    pub fn buttons(mut self, row: Vec<Button>) -> Reply {
        if !row.is_empty() {
            self.buttons.push(row);
        }
        self
    }

    /// A short refusal or error: one line, no details a user should not see.
    pub fn error(text: impl Into<String>) -> Reply {
        Reply::new(Severity::Bad, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn button_payloads_round_trip_within_64_bytes() {
        let actions = [
            ButtonAction::Confirm("a1b2c3d4e5f6".into()),
            ButtonAction::Cancel("a1b2c3d4e5f6".into()),
            ButtonAction::Page {
                spaces: true,
                page: 39,
            },
            ButtonAction::Page {
                spaces: false,
                page: 0,
            },
            ButtonAction::Restart(i64::MAX),
            ButtonAction::Rebuild(7),
            ButtonAction::Mute(7),
            ButtonAction::Logs(7),
        ];
        for action in actions {
            let data = action.encode();
            assert!(data.len() <= 64, "{data}");
            assert_eq!(ButtonAction::decode(&data), Some(action));
        }
        for junk in ["", "x", "ok:", "ok:<b>", "pg:s:x", "rs:abc", "zz:1"] {
            assert_eq!(ButtonAction::decode(junk), None, "{junk}");
        }
    }
}
