//! Human durations in configuration and commands: `90s`, `15m`, `2h`, `1d`, `500ms`,
//! combinations such as `1h30m`, or a bare number of seconds.

use std::time::Duration;

/// Why a text is not a duration; the message says what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("empty duration")]
    Empty,
    #[error("\"{0}\" is not a duration (examples: 30s, 15m, 2h, 1d, 1h30m, 500ms)")]
    Invalid(String),
}

/// Parses a duration.
pub fn parse_duration(input: &str) -> Result<Duration, DurationError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(DurationError::Empty);
    }
    if let Ok(secs) = text.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad(input));
        }
        let value: u64 = rest[..digits].parse().map_err(|_| bad(input))?;
        rest = &rest[digits..];
        let unit_len = rest.chars().take_while(char::is_ascii_alphabetic).count();
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let part = match unit {
            "ms" => Duration::from_millis(value),
            "s" | "sec" => Duration::from_secs(value),
            "m" | "min" => Duration::from_secs(value.saturating_mul(60)),
            "h" => Duration::from_secs(value.saturating_mul(3600)),
            "d" => Duration::from_secs(value.saturating_mul(86_400)),
            _ => return Err(bad(input)),
        };
        total = total.saturating_add(part);
    }
    Ok(total)
}

fn bad(input: &str) -> DurationError {
    DurationError::Invalid(input.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_combinations() {
        assert_eq!(parse_duration("30").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("2d").unwrap(), Duration::from_secs(172_800));
    }

    #[test]
    fn rejects_nonsense() {
        for bad in ["", "abc", "10x", "-5s", "1.5h", "h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}

/// The two largest nonzero units of `secs` (`d`, `h`, `m`, `s`), largest first: what
/// every duration shown to people is written from (empty for zero).
pub fn two_largest_units(secs: u64) -> Vec<(u64, &'static str)> {
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    [(d, "d"), (h, "h"), (m, "m"), (s, "s")]
        .into_iter()
        .skip_while(|(n, _)| *n == 0)
        .take(2)
        .filter(|(n, _)| *n > 0)
        .collect()
}

/// `1h 5m`, `12m`, `40s`: the two largest units, for people.
pub fn format_duration(duration: Duration) -> String {
    let parts: Vec<String> = two_largest_units(duration.as_secs())
        .into_iter()
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    if parts.is_empty() {
        "0s".into()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod format_tests {
    use super::*;

    #[test]
    fn two_largest_units() {
        assert_eq!(format_duration(Duration::from_secs(0)), "0s");
        assert_eq!(format_duration(Duration::from_secs(42)), "42s");
        assert_eq!(format_duration(Duration::from_secs(3_900)), "1h 5m");
        assert_eq!(format_duration(Duration::from_secs(90_061)), "1d 1h");
        assert_eq!(format_duration(Duration::from_secs(3_600)), "1h");
    }
}
