//! `CHECK_SCHEDULE`: the crontab users know, turned into what the `cron` crate reads.
//!
//! cron 0.17 wants seconds first and Quartz day-of-week numbers (1 = Sunday), and
//! rejects the five-field form (toolchain notes). We accept five fields (minute first)
//! or six (seconds first), read day-of-week numbers as crontab does (0 or 7 = Sunday,
//! 1 = Monday), and hand the crate names (`SUN`, `MON`, ...) so nothing is misread.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use super::Sentence;

const DAY_NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// Why a text is not a usable schedule (each names the expression as given).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error(
        "\"{text}\" has {n} fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)"
    )]
    FieldCount { text: String, n: usize },
    #[error("\"{0}\" restricts both day-of-month and day-of-week; set one of them to *")]
    BothDays(String),
    #[error("\"{text}\": {problem}")]
    Weekday { text: String, problem: WeekdayError },
    #[error("\"{text}\" is not a valid cron expression ({why})")]
    Cron { text: String, why: Sentence },
    #[error("\"{0}\" never fires")]
    Never(String),
}

/// What is wrong in a day-of-week field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeekdayError {
    #[error("bad step in day-of-week \"{0}\"")]
    BadStep(String),
    #[error("day-of-week range \"{0}\" wraps around; write it as two ranges")]
    Wraps(String),
    #[error("day-of-week {0} is out of range 0-7")]
    OutOfRange(usize),
    #[error("\"{0}\" is not a day of the week")]
    NotADay(String),
}

/// A validated check schedule; keeps the user's text for messages.
#[derive(Clone)]
pub struct CheckSchedule {
    text: String,
    schedule: cron::Schedule,
}

impl CheckSchedule {
    pub fn parse(text: &str) -> Result<CheckSchedule, ScheduleError> {
        let normalized = normalize(text)?;
        let schedule = cron::Schedule::from_str(&normalized).map_err(|e| ScheduleError::Cron {
            text: text.to_owned(),
            why: explain(&normalized, &e.to_string()),
        })?;
        if schedule.upcoming(Utc).next().is_none() {
            return Err(ScheduleError::Never(text.to_owned()));
        }
        Ok(CheckSchedule {
            text: text.trim().to_owned(),
            schedule,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The first tick strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.schedule.after(&after).next()
    }

    /// After a cycle at `at`: the moment from which the silence since it counts as a
    /// gap (time nobody checked), which is the third tick after `at`. A cycle later
    /// than that finds two ticks in a row went by unchecked, more than two schedule
    /// intervals of silence; one skipped tick (the previous cycle ran long) is not a
    /// gap. Counting ticks rather than multiplying one interval keeps irregular
    /// schedules right: `0 9 * * MON-FRI` is silent all weekend by design. Cycles that
    /// themselves take more than two intervals leave gaps too: their Spaces went that
    /// long between checks. `None` when the schedule never fires again.
    pub fn gap_deadline(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.schedule.after(&at).nth(2)
    }
}

impl ScheduleError {
    /// The why, for a person in any language (`Display` is the English one).
    pub fn sentence(&self) -> Sentence {
        match self {
            ScheduleError::FieldCount { text, n } => Sentence::new("config-cron-field-count")
                .text("value", text)
                .number("count", i64::try_from(*n).unwrap_or(i64::MAX)),
            ScheduleError::BothDays(text) => {
                Sentence::new("config-cron-both-days").text("value", text)
            }
            ScheduleError::Weekday { text, problem } => Sentence::new("config-cron-weekday")
                .text("value", text)
                .part("problem", problem.sentence()),
            // The cron crate's reason, as it gives it.
            ScheduleError::Cron { text, why } => Sentence::new("config-cron-invalid")
                .text("value", text)
                .part("why", why.clone()),
            ScheduleError::Never(text) => Sentence::new("config-cron-never").text("value", text),
        }
    }
}

impl WeekdayError {
    fn sentence(&self) -> Sentence {
        match self {
            WeekdayError::BadStep(field) => {
                Sentence::new("config-cron-bad-step").text("value", field)
            }
            WeekdayError::Wraps(field) => Sentence::new("config-cron-wraps").text("value", field),
            WeekdayError::OutOfRange(n) => Sentence::new("config-cron-day-out-of-range")
                .number("day", i64::try_from(*n).unwrap_or(i64::MAX)),
            WeekdayError::NotADay(field) => {
                Sentence::new("config-cron-not-a-day").text("value", field)
            }
        }
    }
}

impl fmt::Debug for CheckSchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CheckSchedule({:?})", self.text)
    }
}

/// The cron crate explains an error over three lines: the expression it was given
/// (ours, with seconds and day names), a caret under the error, and sometimes a
/// reason. A startup error is one line: the reason, else the field the caret is on.
fn explain(given: &str, message: &str) -> Sentence {
    // The crate's words, as it gives them.
    let outside = |text: String| Sentence::new("config-outside").text("text", text);
    let mut lines = message.lines().skip(1);
    let (caret, reason) = (lines.next(), lines.next());
    if let Some(reason) = reason.map(str::trim).filter(|r| !r.is_empty()) {
        return outside(reason.to_owned());
    }
    let head = caret
        .and_then(|caret| caret.find('^'))
        .and_then(|at| given.get(..at));
    match head {
        Some(head) => {
            let start = head.rfind(' ').map_or(0, |space| space + 1);
            let field = given[start..].split(' ').next().unwrap_or_default();
            Sentence::new("config-cron-near").text("field", field)
        }
        None => outside(message.split_whitespace().collect::<Vec<_>>().join(" ")),
    }
}

/// Five or six crontab fields → the six-field, named-weekday form of the `cron` crate.
fn normalize(text: &str) -> Result<String, ScheduleError> {
    let trimmed = text.trim();
    if trimmed.starts_with('@') {
        return Ok(trimmed.to_owned());
    }
    let mut fields: Vec<String> = trimmed.split_whitespace().map(str::to_owned).collect();
    match fields.len() {
        5 => fields.insert(0, "0".to_owned()),
        6 => {}
        n => {
            return Err(ScheduleError::FieldCount {
                text: trimmed.to_owned(),
                n,
            });
        }
    }
    let (dom, dow) = (&fields[3], &fields[5]);
    let restricted = |f: &str| f != "*" && f != "?";
    if restricted(dom) && restricted(dow) {
        // Classic cron fires when either matches, the cron crate only when both do:
        // refuse rather than silently mean something else.
        return Err(ScheduleError::BothDays(trimmed.to_owned()));
    }
    if restricted(dow) {
        fields[5] = weekdays(dow).map_err(|problem| ScheduleError::Weekday {
            text: trimmed.to_owned(),
            problem,
        })?;
    }
    Ok(fields.join(" "))
}

/// Expands a crontab day-of-week field into an explicit list of day names.
fn weekdays(field: &str) -> Result<String, WeekdayError> {
    let mut days = [false; 7];
    for item in field.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => {
                let step: usize = step
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| WeekdayError::BadStep(item.to_owned()))?;
                (range, step)
            }
            None => (item, 1),
        };
        let (start, end) = if range == "*" {
            (0, 6)
        } else if let Some((a, b)) = range.split_once('-') {
            let (a, b) = (day(a)?, day(b)?);
            // `5-7` means Friday to Sunday in crontab: 7 is Sunday at the end of a range.
            let b = if b == 0 && range.ends_with('7') { 7 } else { b };
            if a > b {
                return Err(WeekdayError::Wraps(range.to_owned()));
            }
            (a, b)
        } else {
            let d = day(range)?;
            (d, if step > 1 { 6 } else { d })
        };
        for d in (start..=end).step_by(step) {
            days[d % 7] = true;
        }
    }
    Ok(DAY_NAMES
        .iter()
        .zip(days)
        .filter(|(_, on)| *on)
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(","))
}

/// A crontab day: 0-7 (0 and 7 are Sunday) or a three-letter name.
fn day(text: &str) -> Result<usize, WeekdayError> {
    if let Ok(n) = text.parse::<usize>() {
        return if n <= 7 {
            Ok(n % 7)
        } else {
            Err(WeekdayError::OutOfRange(n))
        };
    }
    DAY_NAMES
        .iter()
        .position(|name| name.eq_ignore_ascii_case(text))
        .ok_or_else(|| WeekdayError::NotADay(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, TimeZone, Timelike, Weekday};

    fn next(expr: &str, after: DateTime<Utc>) -> DateTime<Utc> {
        CheckSchedule::parse(expr)
            .unwrap()
            .next_after(after)
            .unwrap()
    }

    #[test]
    fn five_fields_mean_minute_first() {
        let t = Utc.with_ymd_and_hms(2026, 11, 22, 10, 2, 30).unwrap();
        assert_eq!(next("*/5 * * * *", t).minute(), 5);
        assert_eq!(next("*/5 * * * *", t).second(), 0);
    }

    #[test]
    fn six_fields_mean_seconds_first() {
        let t = Utc.with_ymd_and_hms(2026, 11, 22, 10, 2, 30).unwrap();
        assert_eq!(next("*/10 * * * * *", t).second(), 40);
    }

    #[test]
    fn weekday_numbers_read_as_crontab() {
        // 2026-11-22 is a Sunday.
        let sunday = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        assert_eq!(next("0 9 * * 1", sunday).weekday(), Weekday::Mon);
        assert_eq!(next("0 9 * * 0", sunday).weekday(), Weekday::Sun);
        assert_eq!(next("0 9 * * 7", sunday).weekday(), Weekday::Sun);
        assert_eq!(next("0 9 * * 1-5", sunday).weekday(), Weekday::Mon);
        assert_eq!(next("0 9 * * 6-7", sunday).weekday(), Weekday::Sat);
        assert_eq!(next("0 9 * * sat", sunday).weekday(), Weekday::Sat);
        assert_eq!(weekdays("5-7").unwrap(), "SUN,FRI,SAT");
        assert_eq!(weekdays("*/2").unwrap(), "SUN,TUE,THU,SAT");
        assert_eq!(weekdays("1-7/2").unwrap(), "SUN,MON,WED,FRI");
    }

    /// Fuzz finding (settings_toml): the cron crate's message (our expression, a
    /// caret, a reason) made a startup error of three lines, its caret under a field
    /// of the seconds-first expression the user never wrote.
    #[test]
    fn a_cron_error_is_one_line_naming_the_field() {
        for (bad, reason) in [
            ("*/5 * * foo *", "'foo' is not a valid month name."),
            (
                "61 * * * *",
                "Minutes must be less than 59. ('61' specified.)",
            ),
            ("5 $$$2 * * 0", "near \"$$$2\""),
            ("0 9 * 1, *", "near \"1,\""),
        ] {
            let err = CheckSchedule::parse(bad).unwrap_err().to_string();
            assert_eq!(
                err,
                format!("\"{bad}\" is not a valid cron expression ({reason})")
            );
        }
    }

    #[test]
    fn a_gap_starts_after_two_missed_ticks() {
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 3).unwrap();
        let every_five = CheckSchedule::parse("*/5 * * * *").unwrap();
        assert_eq!(
            every_five.gap_deadline(at),
            Some(Utc.with_ymd_and_hms(2026, 11, 22, 10, 15, 0).unwrap())
        );
        // 2026-11-27 is a Friday: the weekend is not a gap.
        let friday = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 5).unwrap();
        let weekdays = CheckSchedule::parse("0 9 * * MON-FRI").unwrap();
        assert_eq!(
            weekdays.gap_deadline(friday),
            Some(Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap())
        );
    }

    #[test]
    fn macros_pass_through() {
        assert!(CheckSchedule::parse("@hourly").is_ok());
    }

    #[test]
    fn rejects_bad_expressions_with_the_reason() {
        for (bad, needle) in [
            ("* * *", "3 fields"),
            ("*/5 * * foo *", "not a valid cron"),
            ("61 * * * *", "not a valid cron"),
            ("0 9 1 * 1", "both day-of-month and day-of-week"),
            ("0 9 * * 8", "out of range"),
            ("0 9 * * 5-1", "wraps around"),
        ] {
            let err = CheckSchedule::parse(bad).unwrap_err().to_string();
            assert!(err.contains(needle), "{bad}: {err}");
        }
    }
}
