//! The verdict table of DESIGN.md as one pure function.
//!
//! Input: what the Hub said (or that it could not be asked), what the app probe saw,
//! and how long the Space has been in its stage. Output: one `Verdict`. No I/O here.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Stage;

/// What a check concludes about a Space. The snake_case names are part of the
/// public `check --json` interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Up,
    Degraded,
    Starting,
    Down,
    BrokenConfig,
    Sleeping,
    Paused,
    UnknownStage,
    Unreachable,
}

impl Verdict {
    pub const ALL: [Verdict; 9] = [
        Verdict::Up,
        Verdict::Degraded,
        Verdict::Starting,
        Verdict::Down,
        Verdict::BrokenConfig,
        Verdict::Sleeping,
        Verdict::Paused,
        Verdict::UnknownStage,
        Verdict::Unreachable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Up => "up",
            Verdict::Degraded => "degraded",
            Verdict::Starting => "starting",
            Verdict::Down => "down",
            Verdict::BrokenConfig => "broken_config",
            Verdict::Sleeping => "sleeping",
            Verdict::Paused => "paused",
            Verdict::UnknownStage => "unknown_stage",
            Verdict::Unreachable => "unreachable",
        }
    }

    pub fn parse(text: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == text)
    }

    /// Verdicts that make `spacewarden check` exit 1.
    pub fn needs_attention(self) -> bool {
        matches!(
            self,
            Verdict::Down | Verdict::Degraded | Verdict::BrokenConfig
        )
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything the verdict depends on.
#[derive(Debug, Clone, Copy)]
pub struct VerdictInput<'a> {
    /// `None` when the Hub could not be asked.
    pub stage: Option<&'a Stage>,
    /// `None` when the app was not probed; `Some(ok)` otherwise.
    pub probe_ok: Option<bool>,
    /// How long the Space has been in `stage`, as far as we know.
    pub in_stage_for: Duration,
    /// How long BUILDING / APP_STARTING may last before it counts as Down.
    pub start_grace: Duration,
}

/// DESIGN.md "What a check concludes", row by row.
pub fn verdict(input: VerdictInput<'_>) -> Verdict {
    let Some(stage) = input.stage else {
        return Verdict::Unreachable;
    };
    let past_grace = input.in_stage_for > input.start_grace;
    match stage {
        Stage::Running => match input.probe_ok {
            Some(false) => Verdict::Degraded,
            _ => Verdict::Up,
        },
        // Serving the old instance while a new one builds or starts: a failing probe
        // here is usually the switch-over, so it is Starting until the grace runs out.
        Stage::RunningBuilding | Stage::RunningAppStarting => match input.probe_ok {
            Some(false) if past_grace => Verdict::Degraded,
            Some(false) => Verdict::Starting,
            _ => Verdict::Up,
        },
        Stage::Building | Stage::AppStarting if past_grace => Verdict::Down,
        Stage::Building | Stage::AppStarting => Verdict::Starting,
        Stage::RuntimeError | Stage::BuildError => Verdict::Down,
        Stage::ConfigError | Stage::NoAppFile => Verdict::BrokenConfig,
        Stage::Sleeping | Stage::Stopped => Verdict::Sleeping,
        // DELETING is the owner's doing, like a pause: observe, never repair.
        Stage::Paused | Stage::Deleting => Verdict::Paused,
        Stage::Unknown(_) => Verdict::UnknownStage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRACE: Duration = Duration::from_secs(15 * 60);

    fn v(stage: Option<&str>, probe_ok: Option<bool>, minutes_in_stage: u64) -> Verdict {
        let stage = stage.map(Stage::parse);
        verdict(VerdictInput {
            stage: stage.as_ref(),
            probe_ok,
            in_stage_for: Duration::from_secs(minutes_in_stage * 60),
            start_grace: GRACE,
        })
    }

    #[test]
    fn the_design_table_row_by_row() {
        use Verdict::*;
        let rows: &[(Option<&str>, Option<bool>, u64, Verdict)] = &[
            // Up
            (Some("RUNNING"), Some(true), 0, Up),
            (Some("RUNNING_BUILDING"), Some(true), 0, Up),
            (Some("RUNNING_APP_STARTING"), Some(true), 0, Up),
            (Some("RUNNING"), None, 0, Up),
            // Degraded
            (Some("RUNNING"), Some(false), 0, Degraded),
            (Some("RUNNING_BUILDING"), Some(false), 16, Degraded),
            (Some("RUNNING_APP_STARTING"), Some(false), 3, Starting),
            // Starting, and Down past the grace period
            (Some("BUILDING"), None, 0, Starting),
            (Some("APP_STARTING"), None, 14, Starting),
            (Some("BUILDING"), None, 16, Down),
            (Some("APP_STARTING"), None, 60, Down),
            // Down
            (Some("RUNTIME_ERROR"), None, 0, Down),
            (Some("BUILD_ERROR"), None, 0, Down),
            // Broken config
            (Some("CONFIG_ERROR"), None, 0, BrokenConfig),
            (Some("NO_APP_FILE"), None, 0, BrokenConfig),
            // Sleeping
            (Some("SLEEPING"), None, 0, Sleeping),
            (Some("STOPPED"), None, 0, Sleeping),
            // Paused
            (Some("PAUSED"), None, 0, Paused),
            (Some("DELETING"), None, 0, Paused),
            // Unknown stage
            (Some("WARP_DRIVE"), None, 0, UnknownStage),
            // Unreachable: the Hub could not be asked, whatever else we know
            (None, None, 0, Unreachable),
            (None, Some(false), 100, Unreachable),
        ];
        for (stage, probe, minutes, expected) in rows {
            assert_eq!(
                v(*stage, *probe, *minutes),
                *expected,
                "stage {stage:?}, probe {probe:?}, {minutes} min"
            );
        }
    }

    #[test]
    fn names_round_trip() {
        for verdict in Verdict::ALL {
            assert_eq!(Verdict::parse(verdict.as_str()), Some(verdict));
            assert_eq!(
                serde_json::to_string(&verdict).unwrap(),
                format!("\"{verdict}\"")
            );
        }
        assert!(Verdict::Down.needs_attention() && !Verdict::Unreachable.needs_attention());
    }
}
