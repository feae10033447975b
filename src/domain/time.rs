//! Checked date arithmetic, and the one way times are written for people. A configured
//! window or a chat duration can be as long as a user types; `DateTime ± TimeDelta`
//! panics on overflow, and a panic in a check cycle once stalled the scheduler for
//! good. Every `now ± duration` goes through here and saturates at chrono's limits
//! instead. `ago` and `absolute` serve every reader (chat, pages, alerts): the read
//! model (`view`) re-exports them; they sit here because alert texts use them too.
//!
//! Every absolute time shown to a person is written by `absolute_in`, in the `Zone`
//! that `TZ` names and with its offset (`2026-12-07 12:48 (UTC+8)`), so a reader never
//! has to guess the zone. JSON and `/metrics` stay RFC 3339 in UTC and do not use this.

use std::time::Duration;

use chrono::{DateTime, Offset, TimeDelta, TimeZone, Utc};

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

/// A span from now, in whole units rounded down: what `ago` writes, and what a
/// caller writing in another language formats with its own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ago {
    /// Under a minute ago.
    JustNow,
    /// Under a minute ahead (a clock moved back).
    InAMoment,
    Past(u64, AgoUnit),
    Future(u64, AgoUnit),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgoUnit {
    Minutes,
    Hours,
    Days,
}

impl AgoUnit {
    /// `min`, `h`, `d`: the word ids use it too (`ago-unit-min`).
    pub fn as_str(self) -> &'static str {
        match self {
            AgoUnit::Minutes => "min",
            AgoUnit::Hours => "h",
            AgoUnit::Days => "d",
        }
    }
}

/// `since` (`now - at`) as an `Ago`.
pub fn ago_parts(since: TimeDelta) -> Ago {
    let secs = since.num_seconds();
    let (n, future) = (secs.unsigned_abs(), secs < 0);
    let (n, unit) = match n {
        0..=59 if future => return Ago::InAMoment,
        0..=59 => return Ago::JustNow,
        60..=3599 => (n / 60, AgoUnit::Minutes),
        3600..=172_799 => (n / 3600, AgoUnit::Hours),
        _ => (n / 86_400, AgoUnit::Days),
    };
    if future {
        Ago::Future(n, unit)
    } else {
        Ago::Past(n, unit)
    }
}

/// How long ago, for people: `just now`, `4 min ago`, `30 h ago`, `2 d ago`; `in a
/// moment`, `in 2 min` for a span that points into the future (a clock moved back).
/// `since` is `now - at`; whole units, rounded down.
pub fn ago(since: TimeDelta) -> String {
    match ago_parts(since) {
        Ago::JustNow => "just now".into(),
        Ago::InAMoment => "in a moment".into(),
        Ago::Past(n, unit) => format!("{n} {} ago", unit.as_str()),
        Ago::Future(n, unit) => format!("in {n} {}", unit.as_str()),
    }
}

/// The zone times are shown in to people: `TZ`, an IANA name (`Asia/Shanghai`), or
/// `UTC`. chrono-tz's table is compiled in, so the image needs no tzdata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(chrono_tz::Tz);

impl Zone {
    pub const UTC: Zone = Zone(chrono_tz::Tz::UTC);

    /// An IANA zone name, `UTC`, or POSIX's `UTC0`; `None` for anything else (a
    /// made-up name, or a POSIX rule such as `CST-8`, whose meaning is ambiguous).
    pub fn parse(text: &str) -> Option<Zone> {
        // POSIX allows a leading ':' before a file name (`:Asia/Shanghai`).
        let name = text.trim().trim_start_matches(':');
        match name {
            "UTC0" | "UTC" => Some(Zone::UTC),
            name => name.parse::<chrono_tz::Tz>().ok().map(Zone),
        }
    }

    /// The IANA name (`Asia/Shanghai`, `UTC`).
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// `UTC+8`, `UTC+5:30`, `UTC-3`, or `UTC` at `at` (offsets move with daylight time).
    pub fn offset_label(self, at: DateTime<Utc>) -> String {
        let seconds = self
            .0
            .offset_from_utc_datetime(&at.naive_utc())
            .fix()
            .local_minus_utc();
        if seconds == 0 {
            return "UTC".to_owned();
        }
        let sign = if seconds < 0 { '-' } else { '+' };
        let minutes = seconds.unsigned_abs() / 60;
        match minutes % 60 {
            0 => format!("UTC{sign}{}", minutes / 60),
            rest => format!("UTC{sign}{}:{rest:02}", minutes / 60),
        }
    }

    /// `at` as a local date and time in this zone, formatted with `pattern` (strftime).
    pub fn format(self, at: DateTime<Utc>, pattern: &str) -> String {
        at.with_timezone(&self.0).format(pattern).to_string()
    }
}

impl Default for Zone {
    fn default() -> Zone {
        Zone::UTC
    }
}

/// A moment to the minute, in UTC: `2026-11-30 12:00 (UTC)`.
pub fn absolute(at: DateTime<Utc>) -> String {
    absolute_in(at, Zone::UTC)
}

/// A moment to the minute in `zone`, with its offset: `2026-12-07 12:48 (UTC+8)`.
pub fn absolute_in(at: DateTime<Utc>, zone: Zone) -> String {
    format!(
        "{} ({})",
        zone.format(at, "%Y-%m-%d %H:%M"),
        zone.offset_label(at)
    )
}

/// To the second, for a hover or a list of checks: `2026-12-07 12:48:05 (UTC+8)`.
pub fn absolute_seconds_in(at: DateTime<Utc>, zone: Zone) -> String {
    format!(
        "{} ({})",
        zone.format(at, "%Y-%m-%d %H:%M:%S"),
        zone.offset_label(at)
    )
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
        assert_eq!(absolute(now), "2026-11-30 12:00 (UTC)");
    }

    #[test]
    fn times_carry_their_zone_offset() {
        let at = Utc.with_ymd_and_hms(2026, 12, 7, 4, 48, 0).unwrap();
        let shanghai = Zone::parse("Asia/Shanghai").unwrap();
        assert_eq!(absolute_in(at, shanghai), "2026-12-07 12:48 (UTC+8)");
        assert_eq!(
            absolute_seconds_in(at, shanghai),
            "2026-12-07 12:48:00 (UTC+8)"
        );
        let kolkata = Zone::parse(":Asia/Kolkata").unwrap();
        assert_eq!(absolute_in(at, kolkata), "2026-12-07 10:18 (UTC+5:30)");
        // New York in December is on standard time, five hours behind.
        let new_york = Zone::parse("America/New_York").unwrap();
        assert_eq!(absolute_in(at, new_york), "2026-12-06 23:48 (UTC-5)");
        assert_eq!(Zone::parse("UTC0"), Some(Zone::UTC));
        assert_eq!(Zone::parse("UTC"), Some(Zone::UTC));
        for bad in ["Mars/Base", "CST-8", "", "+08:00"] {
            assert_eq!(Zone::parse(bad), None, "{bad}");
        }
    }
}
