//! `SPACEWARDEN_CONFIG`, the TOML settings file: never a panic, and a refusal is the
//! one line a startup error should be.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spacewarden::fuzzing::SpaceSettings;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = SpaceSettings::from_toml(text) {
        assert!(!e.contains('\n'), "{e}");
    }
});
