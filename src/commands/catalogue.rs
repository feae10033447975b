//! The command catalogue: every command declared once, with its description, typed
//! arguments, the role it needs, whether it changes something and whether it asks
//! first. Everything else is derived from it: the text parser's usage lines, Telegram's
//! command menus, Discord's slash-command registration, `/help`, and the actions the
//! JSON API and the page offer.

use std::time::Duration;

pub use super::name::CommandName;
use super::{Command, ParseError};
use crate::domain::parse_duration;
use crate::hub::LogKind;

/// Who may use a command. Ordered: an admin may do what a reader may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Anyone who can reach the bot (`/help`).
    Anyone,
    /// Members of an allowed chat or channel, and admins.
    Reader,
    /// Allow-listed admin ids; the API key; a signed-in page user; the CLI.
    Admin,
}

/// What kind of value an argument takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// `owner/name`, validated and checked against the watch list on execution.
    Space,
    /// `build` or `run`.
    LogKind,
    /// A duration such as `1h` (see `MUTE_CHOICES`).
    Duration,
    /// A sleep time: a duration, or `never` (see `SLEEP_CHOICES`).
    SleepTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arg {
    pub name: &'static str,
    pub kind: ArgKind,
    pub required: bool,
    pub description: &'static str,
}

/// The catalogue holds every command at its position in `CommandName`, checked when
/// compiling: `spec` is an index, never a search with a fallback.
const _: () = {
    let mut i = 0;
    while i < CATALOGUE.len() {
        assert!(
            CATALOGUE[i].command as usize == i,
            "CATALOGUE lists the commands in CommandName's order"
        );
        i += 1;
    }
};

/// One command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub command: CommandName,
    /// `command.as_str()`, here for the many readers of the name.
    pub name: &'static str,
    pub description: &'static str,
    pub args: &'static [Arg],
    pub role: Role,
    /// Changes something (the API and the page offer it as an action).
    pub mutates: bool,
    /// Asks for a confirmation before acting (chat buttons, a form on the page).
    pub confirm: bool,
    /// May take longer than Discord's 3 seconds to answer: deferred there.
    pub slow: bool,
}

/// Durations offered where a choice list fits (Discord, the page).
pub const MUTE_CHOICES: [&str; 5] = ["15m", "1h", "4h", "1d", "7d"];
/// Sleep times offered where a choice list fits.
pub const SLEEP_CHOICES: [&str; 5] = ["15m", "1h", "4h", "1d", "never"];
/// The longest mute, and the longest sleep time.
const MUTE_MAX: Duration = Duration::from_secs(30 * 86_400);
/// The shortest: the usage says "between 1s and 30d", and a sub-second mute (`8ms`,
/// a fuzz finding) would be over before anyone saw it.
const MUTE_MIN: Duration = Duration::from_secs(1);

const SPACE: Arg = Arg {
    name: "space",
    kind: ArgKind::Space,
    required: true,
    description: "owner/name of a watched Space",
};
const SPACE_OPTIONAL: Arg = Arg {
    required: false,
    ..SPACE
};
const LOG_KIND: Arg = Arg {
    name: "kind",
    kind: ArgKind::LogKind,
    required: false,
    description: "build or run",
};
const DURATION: Arg = Arg {
    name: "duration",
    kind: ArgKind::Duration,
    required: false,
    description: "how long (default 1h)",
};
const SLEEP_TIME: Arg = Arg {
    name: "duration",
    kind: ArgKind::SleepTime,
    required: true,
    description: "idle this long before sleeping, or never",
};

const fn spec(
    command: CommandName,
    description: &'static str,
    args: &'static [Arg],
    role: Role,
) -> Spec {
    Spec {
        command,
        name: command.as_str(),
        description,
        args,
        role,
        mutates: false,
        confirm: false,
        slow: false,
    }
}

const fn acts(mut s: Spec) -> Spec {
    s.mutates = true;
    s
}

const fn slow(mut s: Spec) -> Spec {
    s.slow = true;
    s
}

/// Every command, in the order menus and `/help` show them.
pub const CATALOGUE: [Spec; CommandName::COUNT] = [
    spec(
        CommandName::Status,
        "All Spaces at a glance, or one in detail",
        &[SPACE_OPTIONAL],
        Role::Reader,
    ),
    spec(
        CommandName::Spaces,
        "The watch list with verdicts",
        &[],
        Role::Reader,
    ),
    spec(
        CommandName::History,
        "Recent incidents and actions of a Space",
        &[SPACE],
        Role::Reader,
    ),
    slow(spec(
        CommandName::Metrics,
        "Live CPU, memory and network of a Space",
        &[SPACE],
        Role::Reader,
    )),
    spec(
        CommandName::Costs,
        "What the Spaces cost: 24 h, 7 d, 30 d, this month",
        &[],
        Role::Reader,
    ),
    spec(
        CommandName::Help,
        "The commands you may use",
        &[],
        Role::Anyone,
    ),
    slow(spec(
        CommandName::Logs,
        "Last log lines of a Space (build or run)",
        &[SPACE, LOG_KIND],
        Role::Admin,
    )),
    slow(acts(spec(
        CommandName::Restart,
        "Restart a Space",
        &[SPACE],
        Role::Admin,
    ))),
    Spec {
        confirm: true,
        ..slow(acts(spec(
            CommandName::Rebuild,
            "Factory rebuild a Space (asks first)",
            &[SPACE],
            Role::Admin,
        )))
    },
    acts(spec(
        CommandName::Pause,
        "Pause a Space",
        &[SPACE],
        Role::Admin,
    )),
    acts(spec(
        CommandName::Wake,
        "Wake a Space",
        &[SPACE],
        Role::Admin,
    )),
    acts(spec(
        CommandName::Mute,
        "Silence a Space's alerts (default 1h)",
        &[SPACE, DURATION],
        Role::Admin,
    )),
    acts(spec(
        CommandName::Unmute,
        "Unsilence a Space's alerts",
        &[SPACE],
        Role::Admin,
    )),
    acts(spec(
        CommandName::SleepTime,
        "Set how long a Space idles before it sleeps",
        &[SPACE, SLEEP_TIME],
        Role::Admin,
    )),
    slow(acts(spec(
        CommandName::Check,
        "Check every Space now",
        &[],
        Role::Admin,
    ))),
    slow(spec(
        CommandName::TestAlert,
        "Send a test alert to every destination",
        &[],
        Role::Admin,
    )),
];

/// The spec named `name`.
pub fn find(name: &str) -> Option<&'static Spec> {
    CATALOGUE.iter().find(|s| s.name == name)
}

/// What the API and the page offer on one Space: commands that change something
/// and take a Space.
pub fn space_actions() -> impl Iterator<Item = &'static Spec> {
    CATALOGUE
        .iter()
        .filter(|s| s.mutates && s.args.first().is_some_and(|a| a.kind == ArgKind::Space))
}

impl Spec {
    /// `/logs owner/name [build|run]`.
    pub fn usage(&self) -> String {
        let mut usage = format!("/{}", self.name);
        for arg in self.args {
            let shown = match arg.kind {
                ArgKind::Space => "owner/name",
                ArgKind::LogKind => "build|run",
                ArgKind::Duration => "duration, e.g. 1h",
                ArgKind::SleepTime => "duration|never",
            };
            if arg.required {
                usage.push_str(&format!(" {shown}"));
            } else {
                usage.push_str(&format!(" [{shown}]"));
            }
        }
        usage
    }

    /// Builds the command from its arguments by name (a slash command's options, a
    /// form's fields, or the words of a text command in order). Missing optional
    /// arguments take their defaults; a bad value says why, with the usage line.
    pub fn build(&'static self, args: &[(&str, &str)]) -> Result<Command, ParseError> {
        let usage = |reason: String| ParseError::Usage {
            usage: self.usage(),
            reason,
        };
        if let Some((name, _)) = args
            .iter()
            .find(|(n, _)| !self.args.iter().any(|a| a.name == *n))
        {
            return Err(usage(format!("unexpected argument {name}")));
        }
        let value = |name: &str| {
            args.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
        };
        for arg in self.args.iter().filter(|a| a.required) {
            if value(arg.name).is_none() {
                let reason = match arg.kind {
                    ArgKind::Space => "which Space?".to_owned(),
                    _ => format!("{} is missing", arg.name),
                };
                return Err(usage(reason));
            }
        }
        let space = || value("space").unwrap_or_default().to_owned();
        let kind = match value("kind").map(str::to_ascii_lowercase).as_deref() {
            None | Some("run") => LogKind::Run,
            Some("build") => LogKind::Build,
            Some(other) => return Err(usage(format!("\"{other}\" is neither build nor run"))),
        };
        let duration = match value("duration") {
            None => None,
            Some("never") if self.command == CommandName::SleepTime => None,
            Some(text) => {
                let d = parse_duration(text).map_err(|e| usage(e.to_string()))?;
                if d < MUTE_MIN || d > MUTE_MAX {
                    return Err(usage(format!("{} is between 1s and 30d", self.name)));
                }
                Some(d)
            }
        };
        Ok(match self.command {
            CommandName::Status => Command::Status(value("space").map(str::to_owned)),
            CommandName::Spaces => Command::Spaces,
            CommandName::History => Command::History(space()),
            CommandName::Metrics => Command::Metrics(space()),
            CommandName::Help => Command::Help,
            CommandName::Logs => Command::Logs(space(), kind),
            CommandName::Restart => Command::Restart(space()),
            CommandName::Rebuild => Command::Rebuild {
                space: space(),
                confirmed: false,
            },
            CommandName::Pause => Command::Pause(space()),
            CommandName::Wake => Command::Wake(space()),
            CommandName::Mute => Command::Mute(space(), duration),
            CommandName::Unmute => Command::Unmute(space()),
            CommandName::SleepTime => Command::SleepTime(space(), duration),
            CommandName::Costs => Command::Costs,
            CommandName::Check => Command::Check,
            CommandName::TestAlert => Command::TestAlert,
        })
    }
}

impl Command {
    /// Which command this is.
    pub fn name(&self) -> CommandName {
        match self {
            Command::Status(_) => CommandName::Status,
            Command::Spaces => CommandName::Spaces,
            Command::History(_) => CommandName::History,
            Command::Logs(..) => CommandName::Logs,
            Command::Metrics(_) => CommandName::Metrics,
            Command::Restart(_) => CommandName::Restart,
            Command::Rebuild { .. } => CommandName::Rebuild,
            Command::Pause(_) => CommandName::Pause,
            Command::Wake(_) => CommandName::Wake,
            Command::Mute(..) => CommandName::Mute,
            Command::Unmute(_) => CommandName::Unmute,
            Command::SleepTime(..) => CommandName::SleepTime,
            Command::Costs => CommandName::Costs,
            Command::Check => CommandName::Check,
            Command::TestAlert => CommandName::TestAlert,
            Command::Help => CommandName::Help,
        }
    }

    /// This command's entry in the catalogue.
    pub fn spec(&self) -> &'static Spec {
        self.name().spec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_builds_its_command_and_maps_back() {
        for spec in &CATALOGUE {
            let args: Vec<(&str, &str)> = spec
                .args
                .iter()
                .filter(|a| a.required)
                .map(|a| match a.kind {
                    ArgKind::Space => (a.name, "a/b"),
                    ArgKind::LogKind => (a.name, "run"),
                    ArgKind::Duration | ArgKind::SleepTime => (a.name, "1h"),
                })
                .collect();
            let command = spec
                .build(&args)
                .unwrap_or_else(|e| panic!("{}: {e:?}", spec.name));
            assert_eq!(command.spec().name, spec.name);
        }
    }

    #[test]
    fn every_name_parses_to_its_command_and_its_entry() {
        for spec in &CATALOGUE {
            let name = CommandName::parse(spec.name).unwrap();
            assert_eq!((name, name.spec()), (spec.command, spec));
            assert_eq!(name.as_str(), spec.name);
        }
        assert_eq!(CommandName::parse("start"), None);
        assert_eq!(CommandName::parse("Status"), None, "callers lowercase");
    }

    #[test]
    fn bad_arguments_say_why_with_the_usage() {
        let logs = find("logs").unwrap();
        assert_eq!(logs.usage(), "/logs owner/name [build|run]");
        assert_eq!(
            logs.build(&[("space", "a/b"), ("kind", "both")]),
            Err(ParseError::Usage {
                usage: "/logs owner/name [build|run]".into(),
                reason: "\"both\" is neither build nor run".into(),
            })
        );
        let mute = find("mute").unwrap();
        assert!(
            mute.build(&[("space", "a/b"), ("duration", "99d")])
                .is_err()
        );
        assert_eq!(
            mute.build(&[("space", "a/b"), ("duration", "4h")]),
            Ok(Command::Mute(
                "a/b".into(),
                Some(Duration::from_secs(4 * 3600))
            ))
        );
        assert!(find("restart").unwrap().build(&[]).is_err());
    }

    #[test]
    fn the_page_and_the_api_offer_the_mutating_space_commands() {
        let names: Vec<&str> = space_actions().map(|s| s.name).collect();
        assert_eq!(
            names,
            [
                "restart",
                "rebuild",
                "pause",
                "wake",
                "mute",
                "unmute",
                "sleeptime"
            ]
        );
    }
}
