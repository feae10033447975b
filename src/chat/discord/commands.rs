//! The slash commands, derived from the command catalogue: their registration (typed
//! options, autocompleted `space`, admin-only defaults for commands that need an
//! admin) and the mapping from a slash command's options to the core's `Command`.

use serenity::all::{CommandOptionType, CreateCommand, CreateCommandOption, Permissions};

use crate::commands::catalogue::{ArgKind, CATALOGUE, MUTE_CHOICES, Role, SLEEP_CHOICES, find};
use crate::commands::{Command, ParseError};

/// Every slash command, for a bulk overwrite.
pub fn definitions() -> Vec<CreateCommand> {
    CATALOGUE
        .iter()
        .map(|spec| {
            let mut command = CreateCommand::new(spec.name).description(spec.description);
            for arg in spec.args {
                let option =
                    CreateCommandOption::new(CommandOptionType::String, arg.name, arg.description)
                        .required(arg.required);
                let option = match arg.kind {
                    ArgKind::Space => option.set_autocomplete(true),
                    ArgKind::LogKind => option
                        .add_string_choice("build", "build")
                        .add_string_choice("run", "run"),
                    ArgKind::Duration => MUTE_CHOICES.iter().fold(option, |option, choice| {
                        option.add_string_choice(*choice, *choice)
                    }),
                    ArgKind::SleepTime => SLEEP_CHOICES.iter().fold(option, |option, choice| {
                        option.add_string_choice(*choice, *choice)
                    }),
                };
                command = command.add_option(option);
            }
            if spec.role == Role::Admin {
                // Hidden from everyone but server admins; DISCORD_ADMIN_IDS still decides.
                command = command.default_member_permissions(Permissions::empty());
            }
            command
        })
        .collect()
}

/// A slash command and its (string) options as the core's `Command`; `None` for a
/// name the catalogue does not know.
pub fn to_command(name: &str, options: &[(String, String)]) -> Option<Result<Command, ParseError>> {
    let spec = find(name)?;
    let args: Vec<(&str, &str)> = options
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    Some(spec.build(&args))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::hub::LogKind;

    #[test]
    fn every_command_maps_with_its_options() {
        let opts = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        };
        for spec in &CATALOGUE {
            let space = match spec.name {
                _ if spec.args.is_empty() => vec![],
                "sleeptime" => opts(&[("space", "a/b"), ("duration", "never")]),
                _ => opts(&[("space", "a/b")]),
            };
            assert!(
                matches!(to_command(spec.name, &space), Some(Ok(_))),
                "{}",
                spec.name
            );
        }
        assert_eq!(
            to_command("logs", &opts(&[("space", "a/b"), ("kind", "build")])),
            Some(Ok(Command::Logs("a/b".into(), LogKind::Build)))
        );
        assert_eq!(
            to_command("mute", &opts(&[("space", "a/b"), ("duration", "4h")])),
            Some(Ok(Command::Mute(
                "a/b".into(),
                Some(Duration::from_secs(4 * 3600))
            )))
        );
        assert_eq!(to_command("status", &[]), Some(Ok(Command::Status(None))));
        assert!(matches!(to_command("restart", &[]), Some(Err(_))));
        assert_eq!(to_command("nope", &[]), None);
        assert_eq!(definitions().len(), CATALOGUE.len());
    }
}
