//! Checked date arithmetic, and the one way times are written for people. A configured
//! window or a chat duration can be as long as a user types; `DateTime ± TimeDelta`
//! panics on overflow, and a panic in a check cycle once stalled the scheduler for
//! good. Every `now ± duration` goes through here and saturates at chrono's limits
//! instead. `ago` and `absolute` serve every reader (chat, pages, alerts): the read
//! model (`view`) re-exports them; they sit here because alert texts use them too.

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

/// How long ago, for people: `just now`, `4 min ago`, `30 h ago`, `2 d ago`; `in a
/// moment`, `in 2 min` for a span that points into the future (a clock moved back).
/// `since` is `now - at`; whole units, rounded down.
pub fn ago(since: TimeDelta) -> String {
    let secs = since.num_seconds();
    let (n, future) = (secs.unsigned_abs(), secs < 0);
    let text = match n {
        0..=59 if future => return "in a moment".into(),
        0..=59 => return "just now".into(),
        60..=3599 => format!("{} min", n / 60),
        3600..=172_799 => format!("{} h", n / 3600),
        _ => format!("{} d", n / 86_400),
    };
    if future {
        format!("in {text}")
    } else {
        format!("{text} ago")
    }
}

/// A moment to the minute, in UTC: `2026-11-30 12:00 UTC`.
pub fn absolute(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
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

    #[test]
    fn times_read_naturally() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
        let ago = |at: DateTime<Utc>| ago(now - at);
        assert_eq!(ago(now - chrono::Duration::seconds(30)), "just now");
        assert_eq!(ago(now - chrono::Duration::minutes(4)), "4 min ago");
        assert_eq!(ago(now - chrono::Duration::hours(30)), "30 h ago");
        assert_eq!(ago(now + chrono::Duration::minutes(2)), "in 2 min");
        assert_eq!(ago(now + chrono::Duration::seconds(2)), "in a moment");
        assert_eq!(ago(now - chrono::Duration::days(3)), "3 d ago");
        assert_eq!(super::ago(TimeDelta::MAX), "106751991167 d ago");
        assert_eq!(super::ago(TimeDelta::MIN), "in 106751991167 d");
        assert_eq!(absolute(now), "2026-11-30 12:00 UTC");
    }
}
