//! `Retry-After` (RFC 9110 §10.2.3), in one place for every HTTP peer: the Hub, the
//! alert webhook and Discord. Either a number of seconds or an HTTP date; the wait is
//! capped, because a peer's header must not park a destination for days.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// The longest wait a `Retry-After` may ask for.
pub const MAX_WAIT: Duration = Duration::from_secs(3600);

/// How long to wait, from the header's value and the time it arrived. Seconds may be
/// fractional (Discord sends them so); a date in the past means "now". `None` for
/// anything else.
pub fn parse(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::from_secs_f64(seconds.min(MAX_WAIT.as_secs_f64())));
    }
    let at: DateTime<Utc> = httpdate::parse_http_date(value).ok()?.into();
    Some(crate::domain::time::elapsed(now, at).min(MAX_WAIT))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn seconds_and_dates() {
        let now = Utc.with_ymd_and_hms(2015, 10, 21, 7, 28, 0).unwrap();
        assert_eq!(parse("120", now), Some(Duration::from_secs(120)));
        assert_eq!(parse(" 1.5 ", now), Some(Duration::from_millis(1500)));
        assert_eq!(parse("99999999", now), Some(MAX_WAIT));
        // IMF-fixdate, and the two obsolete forms RFC 9110 still asks to accept.
        for date in [
            "Wed, 21 Oct 2015 07:28:30 GMT",
            "Wednesday, 21-Oct-15 07:28:30 GMT",
            "Wed Oct 21 07:28:30 2015",
        ] {
            assert_eq!(parse(date, now), Some(Duration::from_secs(30)), "{date}");
        }
        assert_eq!(
            parse("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        for junk in ["", "-1", "soon", "NaN", "inf"] {
            assert_eq!(parse(junk, now), None, "{junk}");
        }
    }
}
