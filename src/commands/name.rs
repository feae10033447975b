//! `CommandName`: which command, as a value. Parsing a name, the catalogue's entry
//! (`spec`) and building the `Command` are exhaustive matches on it, so a command
//! cannot be added to one of them and forgotten in another.

use super::catalogue::{CATALOGUE, Spec, find};

/// One list makes the enum, its names and its count, so a command added to the list is
/// counted (the catalogue's length is `COUNT`: an entry missing there fails to compile).
macro_rules! command_names {
    ($($variant:ident => $name:literal,)*) => {
        /// Every command, in the catalogue's order (`CommandName::spec` is its position).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum CommandName {
            $($variant,)*
        }

        impl CommandName {
            /// Every command, in order.
            pub const ALL: &[CommandName] = &[$(CommandName::$variant,)*];

            /// How many commands there are.
            pub const COUNT: usize = CommandName::ALL.len();

            /// The name typed after the slash, and shown in menus and the API.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(CommandName::$variant => $name,)*
                }
            }
        }
    };
}

command_names! {
    Status => "status",
    Spaces => "spaces",
    History => "history",
    Metrics => "metrics",
    Costs => "costs",
    Help => "help",
    Logs => "logs",
    Restart => "restart",
    Rebuild => "rebuild",
    Pause => "pause",
    Wake => "wake",
    Mute => "mute",
    Unmute => "unmute",
    SleepTime => "sleeptime",
    Check => "check",
    TestAlert => "testalert",
}

impl CommandName {
    /// The command named `text`, exactly (callers lowercase first where they may).
    pub fn parse(text: &str) -> Option<CommandName> {
        find(text).map(|spec| spec.command)
    }

    /// This command's entry in the catalogue.
    pub const fn spec(self) -> &'static Spec {
        &CATALOGUE[self as usize]
    }
}
