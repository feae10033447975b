//! Text → `Command`, through the catalogue: the words after the name fill the
//! command's arguments in order. Unknown commands and bad arguments become values with
//! a usage line, never panics. `/cmd@OtherBot` is not for us (`None`).

use super::Command;
use super::catalogue::{self, CommandName};
use crate::i18n::Lang;
use crate::t;

/// Why a text is not a command we can run. Its `Display` is the English sentence (the
/// API's `message`, which programs read); `text` is the sentence in a reader's
/// language (chat, the page); `Debug` is for the log only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("Unknown command /{0}. Try /help.")]
    Unknown(String),
    #[error("{reason}. Usage: {usage}")]
    Usage {
        usage: String,
        reason: Reason,
        /// Whose usage line it is, to write it again in another language.
        command: CommandName,
    },
}

/// What is wrong with a command's arguments.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    #[error("which Space?")]
    WhichSpace,
    #[error("{0} is missing")]
    Missing(&'static str),
    #[error("unexpected argument {0}")]
    Unexpected(String),
    #[error("\"{0}\" is neither build nor run")]
    NeitherBuildNorRun(String),
    /// Not a duration; the parser's English sentence.
    #[error("{0}")]
    BadDuration(String),
    #[error("{0} is between 1s and 30d")]
    OutOfRange(&'static str),
    /// Not a language spacewarden has a file for, nor `auto`.
    #[error("\"{0}\" is not a language I speak (zh-CN, en or auto)")]
    NoSuchLanguage(String),
    #[error("this command takes no argument")]
    NoArgument,
    #[error("too many arguments")]
    TooMany,
}

impl Reason {
    /// The reason in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Reason::WhichSpace => t!(lang, "chat-parse-which-space"),
            Reason::Missing(name) => t!(lang, "chat-parse-missing", name = *name),
            Reason::Unexpected(name) => t!(lang, "chat-parse-unexpected", name = name.as_str()),
            Reason::NeitherBuildNorRun(value) => {
                t!(lang, "chat-parse-build-or-run", value = value.as_str())
            }
            Reason::BadDuration(why) => t!(lang, "chat-parse-duration", reason = why.as_str()),
            Reason::OutOfRange(name) => t!(lang, "chat-parse-range", name = *name),
            Reason::NoSuchLanguage(value) => t!(lang, "chat-parse-lang", value = value.as_str()),
            Reason::NoArgument => t!(lang, "chat-parse-no-argument"),
            Reason::TooMany => t!(lang, "chat-parse-too-many"),
        }
    }
}

impl ParseError {
    /// The sentence in `lang`, with the usage line written in it too.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            ParseError::Unknown(name) => t!(lang, "chat-parse-unknown", name = name.as_str()),
            ParseError::Usage {
                reason, command, ..
            } => t!(
                lang,
                "chat-parse-usage",
                reason = reason.text(lang),
                usage = command.spec().usage_in(lang)
            ),
        }
    }
}

/// Parses `/name[@bot] args…`. Returns `None` for text that is not a command, or a
/// command addressed to another bot.
pub fn parse(text: &str, bot_username: Option<&str>) -> Option<Result<Command, ParseError>> {
    let text = text.trim();
    let rest = text.strip_prefix('/')?;
    let mut words = rest.split_whitespace();
    let head = words.next()?;
    let (name, addressee) = match head.split_once('@') {
        Some((name, bot)) => (name, Some(bot)),
        None => (head, None),
    };
    if let (Some(addressee), Some(me)) = (addressee, bot_username)
        && !addressee.eq_ignore_ascii_case(me)
    {
        return None;
    }
    let words: Vec<&str> = words.collect();
    let name = name.to_ascii_lowercase();
    // Telegram's client sends /start when a user opens the chat.
    let name = if name == "start" {
        "status".to_owned()
    } else {
        name
    };
    let Some(spec) = catalogue::find(&name) else {
        return Some(Err(ParseError::Unknown(name.chars().take(32).collect())));
    };
    if words.len() > spec.args.len() {
        let reason = if spec.args.is_empty() {
            Reason::NoArgument
        } else {
            Reason::TooMany
        };
        return Some(Err(ParseError::Usage {
            usage: spec.usage(),
            reason,
            command: spec.command,
        }));
    }
    let args: Vec<(&str, &str)> = spec.args.iter().map(|a| a.name).zip(words).collect();
    Some(spec.build(&args))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::hub::LogKind;

    fn ok(text: &str) -> Command {
        parse(text, Some("warden_bot")).unwrap().unwrap()
    }

    #[test]
    fn parses_every_command() {
        assert_eq!(ok("/status"), Command::Status(None));
        assert_eq!(ok("/status a/b"), Command::Status(Some("a/b".into())));
        assert_eq!(ok("/status@warden_bot"), Command::Status(None));
        assert_eq!(
            ok("/STATUS@Warden_Bot a/b"),
            Command::Status(Some("a/b".into()))
        );
        assert_eq!(ok("/spaces"), Command::Spaces);
        assert_eq!(ok("/history a/b"), Command::History("a/b".into()));
        assert_eq!(ok("/logs a/b"), Command::Logs("a/b".into(), LogKind::Run));
        assert_eq!(
            ok("/logs a/b build"),
            Command::Logs("a/b".into(), LogKind::Build)
        );
        assert_eq!(ok("/metrics a/b"), Command::Metrics("a/b".into()));
        assert_eq!(ok("/restart  a/b "), Command::Restart("a/b".into()));
        assert_eq!(
            ok("/rebuild a/b"),
            Command::Rebuild {
                space: "a/b".into(),
                confirmed: false
            }
        );
        assert_eq!(ok("/pause a/b"), Command::Pause("a/b".into()));
        assert_eq!(ok("/wake a/b"), Command::Wake("a/b".into()));
        assert_eq!(ok("/mute a/b"), Command::Mute("a/b".into(), None));
        assert_eq!(
            ok("/mute a/b 2h"),
            Command::Mute("a/b".into(), Some(Duration::from_secs(7200)))
        );
        assert_eq!(ok("/unmute a/b"), Command::Unmute("a/b".into()));
        assert_eq!(ok("/check"), Command::Check);
        assert_eq!(ok("/help"), Command::Help);
    }

    #[test]
    fn not_for_us() {
        assert_eq!(parse("hello", None), None);
        assert_eq!(parse("/status@other_bot", Some("warden_bot")), None);
    }

    #[test]
    fn bad_input_becomes_a_value() {
        assert_eq!(
            parse("/frobnicate", None),
            Some(Err(ParseError::Unknown("frobnicate".into())))
        );
        for bad in [
            "/restart",
            "/restart a/b c/d",
            "/logs a/b sideways",
            "/mute a/b soon",
            "/mute a/b 90d",
            // Fuzz finding (command_text): "8ms8ms" passed as a mute although the
            // usage says at least 1s.
            "/mute a/b 8ms8ms",
            "/mute a/b 0",
            "/check now",
        ] {
            assert!(
                matches!(parse(bad, None), Some(Err(ParseError::Usage { .. }))),
                "{bad}"
            );
        }
    }
}
