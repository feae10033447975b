//! Chat text → `Command`: never a panic, and what comes out keeps the parser's promises.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spacewarden::fuzzing::{Command, ParseError, parse_command};
use std::time::Duration;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The first line plays the bot's own username (from getMe), the rest the message.
    let (bot, text) = text.split_once('\n').unwrap_or(("warden_bot", text));
    let bot = Some(bot).filter(|b| !b.is_empty());
    let Some(parsed) = parse_command(text, bot) else {
        return;
    };
    assert!(text.trim().starts_with('/'), "{text:?} is not a command");
    match parsed {
        Ok(command) => {
            let args: Vec<&String> = match &command {
                Command::Status(space) => space.iter().collect(),
                Command::History(s)
                | Command::Metrics(s)
                | Command::Restart(s)
                | Command::Pause(s)
                | Command::Wake(s)
                | Command::Unmute(s)
                | Command::Logs(s, _) => vec![s],
                Command::Rebuild { space, confirmed } => {
                    // Only a confirm button (a CSPRNG token) or the API says yes.
                    assert!(!confirmed, "{text:?} confirmed a rebuild");
                    vec![space]
                }
                Command::Mute(s, duration) | Command::SleepTime(s, duration) => {
                    if let Some(d) = duration {
                        assert!(
                            *d >= Duration::from_secs(1) && *d <= Duration::from_secs(30 * 86_400),
                            "a mute of {d:?}"
                        );
                    }
                    vec![s]
                }
                _ => Vec::new(),
            };
            for arg in args {
                assert!(
                    !arg.is_empty() && !arg.contains(char::is_whitespace),
                    "{arg:?}"
                );
            }
        }
        Err(ParseError::Unknown(name)) => assert!(name.chars().count() <= 32, "{name:?}"),
        Err(ParseError::Usage { .. }) => {}
    }
});
