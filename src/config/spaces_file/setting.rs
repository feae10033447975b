//! What is wrong with one value of `SPACEWARDEN_CONFIG`, naming its key: a duration, a
//! count, a path, a window. `SpaceSettings::from_toml` adds the table it sits in.

use std::time::Duration;

use crate::config::ScheduleError;
use crate::domain::{DurationError, format_duration};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(super) enum SettingError {
    #[error("{key}: {error}")]
    Duration { key: String, error: DurationError },
    #[error("{key} must be more than 0")]
    Zero { key: String },
    #[error("{key} \"{text}\" is out of range (at most {})", format_duration(*max))]
    TooLong {
        key: String,
        text: String,
        max: Duration,
    },
    /// A number outside its bounds (kept as written, for any numeric type).
    #[error("{key} {n} is out of range ({min} to {max})")]
    OutOfRange {
        key: String,
        n: String,
        min: String,
        max: String,
    },
    #[error("health_path \"{0}\" must start with / and contain no spaces")]
    HealthPath(String),
    #[error("expected_status {0} is not an HTTP status")]
    Status(u16),
    #[error("{key} start: {error}")]
    WindowStart { key: String, error: ScheduleError },
    #[error("retention_days must not be shorter than raw_days")]
    RetentionBelowRaw,
}
