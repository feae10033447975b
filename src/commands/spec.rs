//! What a catalogue entry is: `Spec` (description, typed arguments, the role it
//! needs, whether it changes something, asks first or is slow), the arguments it
//! may take, the usage line, and building a `Command` from named argument values.
//! The entries themselves, one per command, are in `catalogue.rs`.

use std::time::Duration;

use super::catalogue::{CATALOGUE, CommandName};
use super::parse::Reason;
use super::{Command, ParseError};
use crate::domain::parse_duration;
use crate::hub::LogKind;
use crate::i18n::Lang;
use crate::t;

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
    /// A language tag (`zh-CN`, `en`), or `auto` (see `LANG_CHOICES`).
    Lang,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arg {
    pub name: &'static str,
    pub kind: ArgKind,
    pub required: bool,
    pub description: &'static str,
}

impl Arg {
    /// The description in `lang` (Discord's option descriptions).
    pub fn description_in(&self, lang: Lang) -> String {
        let id = match self.kind {
            ArgKind::Space => "chat-arg-space",
            ArgKind::LogKind => "chat-arg-kind",
            ArgKind::Duration => "chat-arg-duration",
            ArgKind::SleepTime => "chat-arg-sleep-time",
            ArgKind::Lang => "chat-arg-lang",
        };
        crate::i18n::tr(lang, id, None)
    }
}

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
/// What `/lang` takes where a choice list fits (Discord).
pub const LANG_CHOICES: [&str; 3] = ["zh-CN", "en", "auto"];
/// The longest mute, and the longest sleep time.
const MUTE_MAX: Duration = Duration::from_secs(30 * 86_400);
/// The shortest: the usage says "between 1s and 30d", and a sub-second mute (`8ms`,
/// a fuzz finding) would be over before anyone saw it.
const MUTE_MIN: Duration = Duration::from_secs(1);

pub(super) const SPACE: Arg = Arg {
    name: "space",
    kind: ArgKind::Space,
    required: true,
    description: "owner/name of a watched Space",
};
pub(super) const SPACE_OPTIONAL: Arg = Arg {
    required: false,
    ..SPACE
};
pub(super) const LOG_KIND: Arg = Arg {
    name: "kind",
    kind: ArgKind::LogKind,
    required: false,
    description: "build or run",
};
pub(super) const DURATION: Arg = Arg {
    name: "duration",
    kind: ArgKind::Duration,
    required: false,
    description: "how long (default 1h)",
};
pub(super) const SLEEP_TIME: Arg = Arg {
    name: "duration",
    kind: ArgKind::SleepTime,
    required: true,
    description: "idle this long before sleeping, or never",
};

pub(super) const LANG: Arg = Arg {
    name: "lang",
    kind: ArgKind::Lang,
    required: true,
    description: "zh-CN, en, or auto (each person's own language)",
};

pub(super) const fn spec(
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

pub(super) const fn acts(mut s: Spec) -> Spec {
    s.mutates = true;
    s
}

pub(super) const fn slow(mut s: Spec) -> Spec {
    s.slow = true;
    s
}

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

/// A command's argument values, checked: what `catalogue::command` builds it from.
pub(super) struct Values {
    /// `None` when not given (only `/status` may leave it out).
    pub space: Option<String>,
    /// `run` unless given.
    pub kind: LogKind,
    pub duration: Option<Duration>,
    /// `/lang`'s choice: a language, or `None` for `auto`.
    pub lang: Option<Lang>,
}

impl Values {
    /// The Space argument (required where this is called: checked before).
    pub fn space(&self) -> String {
        self.space.clone().unwrap_or_default()
    }
}

impl Spec {
    /// `/logs owner/name [build|run]`.
    pub fn usage(&self) -> String {
        self.usage_in(Lang::EN)
    }

    /// The usage line in `lang`: `/logs 所有者/名称 [build|run]`.
    pub fn usage_in(&self, lang: Lang) -> String {
        let mut usage = format!("/{}", self.name);
        for arg in self.args {
            let shown = match arg.kind {
                ArgKind::Space => t!(lang, "chat-usage-space"),
                ArgKind::LogKind => "build|run".to_owned(),
                ArgKind::Duration => t!(lang, "chat-usage-duration"),
                ArgKind::SleepTime => t!(lang, "chat-usage-sleep-time"),
                ArgKind::Lang => "zh-CN|en|auto".to_owned(),
            };
            if arg.required {
                usage.push_str(&format!(" {shown}"));
            } else {
                usage.push_str(&format!(" [{shown}]"));
            }
        }
        usage
    }

    /// The description in `lang` (Telegram's menu, Discord's registration, `/help`).
    pub fn description_in(&self, lang: Lang) -> String {
        crate::i18n::tr(lang, &format!("chat-cmd-{}", self.name), None)
    }

    /// Builds the command from its arguments by name (a slash command's options, a
    /// form's fields, or the words of a text command in order). Missing optional
    /// arguments take their defaults; a bad value says why, with the usage line.
    pub fn build(&'static self, args: &[(&str, &str)]) -> Result<Command, ParseError> {
        let usage = |reason: Reason| ParseError::Usage {
            usage: self.usage(),
            reason,
            command: self.command,
        };
        if let Some((name, _)) = args
            .iter()
            .find(|(n, _)| !self.args.iter().any(|a| a.name == *n))
        {
            return Err(usage(Reason::Unexpected(name.to_string())));
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
                    ArgKind::Space => Reason::WhichSpace,
                    _ => Reason::Missing(arg.name),
                };
                return Err(usage(reason));
            }
        }
        let kind = match value("kind").map(str::to_ascii_lowercase).as_deref() {
            None | Some("run") => LogKind::Run,
            Some("build") => LogKind::Build,
            Some(other) => return Err(usage(Reason::NeitherBuildNorRun(other.to_owned()))),
        };
        let duration = match value("duration") {
            None => None,
            Some("never") if self.command == CommandName::SleepTime => None,
            Some(text) => {
                let d =
                    parse_duration(text).map_err(|e| usage(Reason::BadDuration(e.to_string())))?;
                if d < MUTE_MIN || d > MUTE_MAX {
                    return Err(usage(Reason::OutOfRange(self.name)));
                }
                Some(d)
            }
        };
        let lang =
            match value("lang") {
                None => None,
                Some(text) if text.eq_ignore_ascii_case("auto") => None,
                Some(text) => Some(Lang::match_tag(text).ok_or_else(|| {
                    usage(Reason::NoSuchLanguage(text.chars().take(32).collect()))
                })?),
            };
        let space = value("space").map(str::to_owned);
        Ok(super::catalogue::command(
            self.command,
            Values {
                space,
                kind,
                duration,
                lang,
            },
        ))
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
                    ArgKind::Lang => (a.name, "zh-CN"),
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
                reason: Reason::NeitherBuildNorRun("both".into()),
                command: CommandName::Logs,
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
