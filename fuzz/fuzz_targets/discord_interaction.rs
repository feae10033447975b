//! Discord `INTERACTION_CREATE` payloads, decoded as the bot decodes them: never a
//! panic, and what reaches the command core keeps the text parser's promises.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use spacewarden::fuzzing::{Asked, Command, decode_interaction};

fuzz_target!(|data: &[u8]| {
    let Some(Asked::Command(Some(Ok(command)))) = decode_interaction(data) else {
        return;
    };
    if let Command::Rebuild { confirmed, .. } = command {
        // A slash command asks first; only the confirm button says yes.
        assert!(!confirmed, "a slash command confirmed a rebuild");
    }
    if let Command::Mute(_, Some(d)) | Command::SleepTime(_, Some(d)) = command {
        // The same range `/mute` accepts as text: the core adds it to the clock.
        assert!(
            d >= Duration::from_secs(1) && d <= Duration::from_secs(30 * 86_400),
            "a mute of {d:?}"
        );
    }
});
