//! The slash commands: their registration (typed options, autocompleted `space`,
//! admin-only defaults for mutating ones) and the mapping from a slash command's
//! options to the core's `Command`. Which commands are slow enough to defer.

use serenity::all::{CommandOptionType, CreateCommand, CreateCommandOption, Permissions};

use crate::commands::Command;
use crate::hub::LogKind;

/// Durations offered by `/mute`.
pub const MUTE_CHOICES: [&str; 5] = ["15m", "1h", "4h", "1d", "7d"];

/// (name, description, takes a space, space required, admin only).
const TABLE: [(&str, &str, bool, bool, bool); 13] = [
    (
        "status",
        "All Spaces at a glance, or one in detail",
        true,
        false,
        false,
    ),
    (
        "spaces",
        "The watch list with verdicts",
        false,
        false,
        false,
    ),
    (
        "history",
        "Recent incidents and actions of a Space",
        true,
        true,
        false,
    ),
    (
        "metrics",
        "Live CPU, memory and network of a Space",
        true,
        true,
        false,
    ),
    ("help", "The commands you may use", false, false, false),
    (
        "logs",
        "Last log lines of a Space (build or run)",
        true,
        true,
        true,
    ),
    ("restart", "Restart a Space", true, true, true),
    (
        "rebuild",
        "Factory rebuild a Space (asks first)",
        true,
        true,
        true,
    ),
    ("pause", "Pause a Space", true, true, true),
    ("wake", "Wake a Space", true, true, true),
    (
        "mute",
        "Silence a Space's alerts (default 1h)",
        true,
        true,
        true,
    ),
    ("unmute", "Unsilence a Space's alerts", true, true, true),
    ("check", "Check every Space now", false, false, true),
];

/// Every slash command, for a bulk overwrite.
pub fn definitions() -> Vec<CreateCommand> {
    TABLE
        .iter()
        .map(|&(name, description, space, required, admin)| {
            let mut command = CreateCommand::new(name).description(description);
            if space {
                command = command.add_option(
                    CreateCommandOption::new(
                        CommandOptionType::String,
                        "space",
                        "owner/name of a watched Space",
                    )
                    .required(required)
                    .set_autocomplete(true),
                );
            }
            if name == "logs" {
                command = command.add_option(
                    CreateCommandOption::new(CommandOptionType::String, "kind", "build or run")
                        .add_string_choice("build", "build")
                        .add_string_choice("run", "run"),
                );
            }
            if name == "mute" {
                let mut option = CreateCommandOption::new(
                    CommandOptionType::String,
                    "duration",
                    "how long (default 1h)",
                );
                for choice in MUTE_CHOICES {
                    option = option.add_string_choice(choice, choice);
                }
                command = command.add_option(option);
            }
            if admin {
                // Hidden from everyone but server admins; DISCORD_ADMIN_IDS still decides.
                command = command.default_member_permissions(Permissions::empty());
            }
            command
        })
        .collect()
}

/// A slash command and its (string) options as the core's `Command`.
pub fn to_command(name: &str, options: &[(String, String)]) -> Option<Command> {
    let get = |key: &str| {
        options
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_owned())
    };
    let space = || get("space").unwrap_or_default();
    Some(match name {
        "status" => Command::Status(get("space").filter(|s| !s.is_empty())),
        "spaces" => Command::Spaces,
        "history" => Command::History(space()),
        "metrics" => Command::Metrics(space()),
        "help" => Command::Help,
        "logs" => Command::Logs(
            space(),
            match get("kind").as_deref() {
                Some("build") => LogKind::Build,
                _ => LogKind::Run,
            },
        ),
        "restart" => Command::Restart(space()),
        "rebuild" => Command::Rebuild(space()),
        "pause" => Command::Pause(space()),
        "wake" => Command::Wake(space()),
        "mute" => Command::Mute(
            space(),
            get("duration").and_then(|d| crate::commands::mute_duration(&d).ok()),
        ),
        "unmute" => Command::Unmute(space()),
        "check" => Command::Check,
        _ => return None,
    })
}

/// What an `INTERACTION_CREATE` payload asks of the core, read as the handler reads
/// it; `None` when serenity would drop the payload. The fuzz targets' entrance.
#[derive(Debug, Clone, PartialEq)]
pub enum Asked {
    /// A slash command: `None` for a name we do not know.
    Command(Option<Command>),
    /// Autocomplete of a `space` option: what was typed so far.
    Autocomplete(Option<String>),
    /// A button press: its decoded `custom_id`.
    Press(Option<crate::commands::ButtonAction>),
    /// Any other kind (ping, modal): ignored.
    Other,
}

pub fn decode_interaction(json: &[u8]) -> Option<Asked> {
    use serenity::all::Interaction;
    Some(match serde_json::from_slice::<Interaction>(json).ok()? {
        Interaction::Command(command) => Asked::Command(to_command(
            &command.data.name,
            &super::bot::options(&command),
        )),
        Interaction::Autocomplete(request) => {
            Asked::Autocomplete(request.data.autocomplete().map(|o| o.value.to_owned()))
        }
        Interaction::Component(press) => {
            Asked::Press(crate::commands::ButtonAction::decode(&press.data.custom_id))
        }
        _ => Asked::Other,
    })
}

/// Commands that may take longer than Discord's 3 seconds: deferred at once.
pub fn is_slow(command: &Command) -> bool {
    matches!(
        command,
        Command::Restart(_)
            | Command::Rebuild(_)
            | Command::Logs(..)
            | Command::Metrics(_)
            | Command::Check
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn every_command_maps_with_its_options() {
        let opts = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        };
        for (name, ..) in TABLE {
            assert!(
                to_command(name, &opts(&[("space", "a/b")])).is_some(),
                "{name}"
            );
        }
        assert_eq!(
            to_command("logs", &opts(&[("space", "a/b"), ("kind", "build")])),
            Some(Command::Logs("a/b".into(), LogKind::Build))
        );
        assert_eq!(
            to_command("mute", &opts(&[("space", "a/b"), ("duration", "4h")])),
            Some(Command::Mute(
                "a/b".into(),
                Some(Duration::from_secs(4 * 3600))
            ))
        );
        // Found writing the discord_interaction fuzz property: Discord offers
        // choices, but a crafted payload's "9999999999d" reached the core, which
        // adds it to the clock (a DateTime overflow panic). Out of range: the default.
        for bad in ["9999999999d", "10ms", "31d"] {
            assert_eq!(
                to_command("mute", &opts(&[("space", "a/b"), ("duration", bad)])),
                Some(Command::Mute("a/b".into(), None)),
                "{bad}"
            );
        }
        assert_eq!(to_command("status", &[]), Some(Command::Status(None)));
        assert_eq!(to_command("nope", &[]), None);
        assert_eq!(definitions().len(), TABLE.len());
    }

    /// The fuzz seeds are what the gateway sends; they must decode, or the fuzzer
    /// starts from nothing.
    #[test]
    fn decodes_interaction_payloads() {
        let seed = |name: &str| {
            let path = format!(
                "{}/fuzz/seeds/discord_interaction/{name}.json",
                env!("CARGO_MANIFEST_DIR")
            );
            decode_interaction(&std::fs::read(&path).unwrap())
        };
        assert_eq!(
            seed("mute_command"),
            Some(Asked::Command(Some(Command::Mute(
                "alice/chat-app".into(),
                Some(Duration::from_secs(4 * 3600))
            ))))
        );
        assert_eq!(
            seed("logs_command"),
            Some(Asked::Command(Some(Command::Logs(
                "alice/chat-app".into(),
                LogKind::Build
            ))))
        );
        assert_eq!(
            seed("status_no_options"),
            Some(Asked::Command(Some(Command::Status(None))))
        );
        assert_eq!(
            seed("autocomplete"),
            Some(Asked::Autocomplete(Some("ali".into())))
        );
        assert_eq!(
            seed("button_press"),
            Some(Asked::Press(Some(crate::commands::ButtonAction::Restart(
                42
            ))))
        );
        assert_eq!(decode_interaction(b"{\"type\": 2}"), None);
    }
}
