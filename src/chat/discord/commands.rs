//! The slash commands, derived from the command catalogue: their registration (typed
//! options, autocompleted `space`, admin-only defaults for commands that need an
//! admin) and the mapping from a slash command's options to the core's `Command`.

use serenity::all::{CommandOptionType, CreateCommand, CreateCommandOption, Permissions};

use crate::commands::catalogue::{
    ArgKind, CATALOGUE, LANG_CHOICES, MUTE_CHOICES, Role, SLEEP_CHOICES, find,
};
use crate::commands::{Command, ParseError};
use crate::i18n::Lang;

/// Discord's locales (its reference, "Locales"): the keys `*_localizations` take.
const DISCORD_LOCALES: [&str; 32] = [
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl",
    "no", "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th",
    "zh-CN", "ja", "zh-TW", "ko",
];

/// The languages registered beside the English default, under their Discord locale:
/// a file whose tag is one (`zh-CN`). English is the default text itself.
pub fn localized() -> Vec<(&'static str, Lang)> {
    Lang::all()
        .filter(|lang| *lang != Lang::EN)
        .filter_map(|lang| {
            DISCORD_LOCALES
                .iter()
                .find(|locale| locale.eq_ignore_ascii_case(lang.tag()))
                .map(|locale| (*locale, lang))
        })
        .collect()
}

/// Every slash command, for a bulk overwrite: names ASCII, descriptions in English
/// with `description_localizations` for every other language.
pub fn definitions() -> Vec<CreateCommand> {
    let others = localized();
    CATALOGUE
        .iter()
        .map(|spec| {
            let mut command =
                CreateCommand::new(spec.name).description(spec.description_in(Lang::EN));
            for (locale, lang) in &others {
                command = command.description_localized(*locale, spec.description_in(*lang));
            }
            for arg in spec.args {
                let mut option = CreateCommandOption::new(
                    CommandOptionType::String,
                    arg.name,
                    arg.description_in(Lang::EN),
                )
                .required(arg.required);
                for (locale, lang) in &others {
                    option = option.description_localized(*locale, arg.description_in(*lang));
                }
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
                    ArgKind::Lang => LANG_CHOICES.iter().fold(option, |option, choice| {
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

/// What an `INTERACTION_CREATE` payload asks of the core, read as the handler reads
/// it; `None` when serenity would drop the payload. The fuzz targets' entrance.
#[derive(Debug, Clone, PartialEq)]
pub enum Asked {
    /// A slash command: `None` for a name the catalogue does not know.
    Command(Option<Result<Command, ParseError>>),
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
                "lang" => opts(&[("lang", "zh-CN")]),
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
        // Found writing the discord_interaction fuzz property: Discord offers
        // choices, but a crafted payload's "9999999999d" reached the core, which
        // adds it to the clock (a DateTime overflow panic). Out of range: refused.
        for bad in ["9999999999d", "10ms", "31d"] {
            assert!(
                matches!(
                    to_command("mute", &opts(&[("space", "a/b"), ("duration", bad)])),
                    Some(Err(ParseError::Usage { .. }))
                ),
                "{bad}"
            );
        }
        assert_eq!(to_command("status", &[]), Some(Ok(Command::Status(None))));
        assert!(matches!(to_command("restart", &[]), Some(Err(_))));
        assert_eq!(to_command("nope", &[]), None);
        assert_eq!(definitions().len(), CATALOGUE.len());
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
            Some(Asked::Command(Some(Ok(Command::Mute(
                "alice/chat-app".into(),
                Some(Duration::from_secs(4 * 3600))
            )))))
        );
        assert_eq!(
            seed("logs_command"),
            Some(Asked::Command(Some(Ok(Command::Logs(
                "alice/chat-app".into(),
                LogKind::Build
            )))))
        );
        assert_eq!(
            seed("status_no_options"),
            Some(Asked::Command(Some(Ok(Command::Status(None)))))
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
