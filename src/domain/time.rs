//! Checked date arithmetic. A configured window or a chat duration can be as long as a
//! user types; `DateTime ± TimeDelta` panics on overflow, and a panic in a check cycle
//! once stalled the scheduler for good. Every `now ± duration` goes through here and
//! saturates at chrono's limits instead.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

/// `duration` as a chrono delta, saturating at the largest one.
pub fn delta(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX)
}

/// `at - duration`, or the earliest representable time.
pub fn before(at: DateTime<Utc>, duration: Duration) -> DateTime<Utc> {
    at.checked_sub_signed(delta(duration))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// `at + duration`, or the latest representable time.
pub fn after(at: DateTime<Utc>, duration: Duration) -> DateTime<Utc> {
    at.checked_add_signed(delta(duration))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// How long from `from` to `to`; zero when `to` is earlier.
pub fn elapsed(from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
    to.signed_duration_since(from).to_std().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn saturates_instead_of_panicking() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
        // 100,000,000 days: the value that made a check cycle panic.
        let huge = Duration::from_secs(100_000_000 * 86_400);
        assert_eq!(before(now, huge), DateTime::<Utc>::MIN_UTC);
        assert_eq!(after(now, huge), DateTime::<Utc>::MAX_UTC);
        assert_eq!(before(now, Duration::MAX), DateTime::<Utc>::MIN_UTC);
        assert_eq!(
            before(now, Duration::from_secs(3600)),
            Utc.with_ymd_and_hms(2026, 11, 30, 11, 0, 0).unwrap()
        );
        assert_eq!(elapsed(now, before(now, huge)), Duration::ZERO);
        assert_eq!(
            elapsed(before(now, Duration::from_secs(90)), now),
            Duration::from_secs(90)
        );
    }
}
