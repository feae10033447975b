//! `CHECK_SCHEDULE` (and maintenance windows' starts): never a panic, and an accepted
//! schedule's next tick is later than the time asked about.
#![no_main]

use chrono::DateTime;
use libfuzzer_sys::fuzz_target;
use spacewarden::fuzzing::CheckSchedule;

/// 1970-01-01, 2024-02-29 (a leap day), 2026-11-30, 2199-12-31 23:59:59.
const AFTER: [i64; 4] = [0, 1_709_164_800, 1_795_996_800, 7_258_118_399];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(schedule) = CheckSchedule::parse(text) else {
        return;
    };
    for secs in AFTER {
        let after = DateTime::from_timestamp(secs, 0).expect("in range");
        if let Some(next) = schedule.next_after(after) {
            assert!(next > after, "{next} is not after {after}");
        }
    }
});
