//! The Hub's rate-limit headers (reference §2.3, IETF draft v9):
//! `RateLimit: "api";r=<remaining>;t=<seconds to reset>` and `Retry-After`.

use std::time::Duration;

/// What one reply said about the caller's budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub remaining: u64,
    pub reset: Duration,
}

impl RateLimit {
    /// Parses `"api";r=0;t=55` (the same shape huggingface_hub's regex accepts).
    pub fn parse(header: &str) -> Option<RateLimit> {
        let mut remaining = None;
        let mut reset = None;
        for part in header.split(';').skip(1) {
            let (key, value) = part.split_once('=')?;
            match key.trim() {
                "r" => remaining = value.trim().parse().ok(),
                "t" => reset = value.trim().parse().ok().map(Duration::from_secs),
                _ => {}
            }
        }
        Some(RateLimit {
            remaining: remaining?,
            reset: reset?,
        })
    }
}

/// How long to wait after a 429, as huggingface_hub does: `t + 1` when `RateLimit`
/// says `r=0`, else `Retry-After` (seconds or a date), else one second.
pub fn wait_after_429(
    ratelimit: Option<&str>,
    retry_after: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Duration {
    if let Some(limit) = ratelimit.and_then(RateLimit::parse)
        && limit.remaining == 0
    {
        return limit.reset + Duration::from_secs(1);
    }
    retry_after
        .and_then(|v| crate::retry_after::parse(v, now))
        .unwrap_or(Duration::from_secs(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(
            RateLimit::parse("\"api\";r=0;t=55"),
            Some(RateLimit {
                remaining: 0,
                reset: Duration::from_secs(55)
            })
        );
        assert_eq!(
            RateLimit::parse("\"pages\" ; r = 12 ; t = 3").map(|l| l.remaining),
            Some(12)
        );
        assert_eq!(RateLimit::parse("garbage"), None);
    }

    #[test]
    fn waits_like_huggingface_hub() {
        use chrono::TimeZone;
        let now = chrono::Utc
            .with_ymd_and_hms(2015, 10, 21, 7, 27, 0)
            .unwrap();
        let w = |rl, ra| wait_after_429(rl, ra, now).as_secs();
        assert_eq!(w(Some("\"api\";r=0;t=55"), Some("3")), 56);
        assert_eq!(w(Some("\"api\";r=5;t=55"), Some("3")), 3);
        assert_eq!(w(None, Some("Wed, 21 Oct 2015 07:28:00 GMT")), 60);
        assert_eq!(w(None, Some("later")), 1);
        assert_eq!(w(None, None), 1);
    }
}
