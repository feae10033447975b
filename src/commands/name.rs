//! `CommandName`: which command, as a value. Parsing a name, the catalogue's entry
//! (`spec`) and building the `Command` are exhaustive matches on it, so a command
//! cannot be added to one of them and forgotten in another.

use super::catalogue::{CATALOGUE, Spec, find};

/// Every command, in the catalogue's order (`CommandName::spec` is its position).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommandName {
    Status,
    Spaces,
    History,
    Metrics,
    Costs,
    Help,
    Logs,
    Restart,
    Rebuild,
    Pause,
    Wake,
    Mute,
    Unmute,
    SleepTime,
    Check,
}

impl CommandName {
    /// How many commands there are: the last one's position, plus one.
    pub const COUNT: usize = CommandName::Check as usize + 1;

    /// The name typed after the slash, and shown in menus and the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            CommandName::Status => "status",
            CommandName::Spaces => "spaces",
            CommandName::History => "history",
            CommandName::Metrics => "metrics",
            CommandName::Costs => "costs",
            CommandName::Help => "help",
            CommandName::Logs => "logs",
            CommandName::Restart => "restart",
            CommandName::Rebuild => "rebuild",
            CommandName::Pause => "pause",
            CommandName::Wake => "wake",
            CommandName::Mute => "mute",
            CommandName::Unmute => "unmute",
            CommandName::SleepTime => "sleeptime",
            CommandName::Check => "check",
        }
    }

    /// The command named `text`, exactly (callers lowercase first where they may).
    pub fn parse(text: &str) -> Option<CommandName> {
        find(text).map(|spec| spec.command)
    }

    /// This command's entry in the catalogue.
    pub const fn spec(self) -> &'static Spec {
        &CATALOGUE[self as usize]
    }
}
