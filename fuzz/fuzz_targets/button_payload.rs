//! Button payloads (Telegram `callback_data`, Discord `custom_id`): whatever decodes
//! encodes back to itself, within Telegram's 64 bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spacewarden::fuzzing::ButtonAction;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(action) = ButtonAction::decode(text) else {
        return;
    };
    let encoded = action.encode();
    assert!(encoded.len() <= 64, "{encoded:?} is over 64 bytes");
    assert_eq!(ButtonAction::decode(&encoded), Some(action), "{encoded:?}");
});
