//! The alert value: what changed, for which Space, and why. Stored as JSON in the
//! outbox, rendered by each destination (plain text here; HTML for Telegram and embeds
//! for Discord in their adapters).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What happened. The snake_case names are part of the webhook JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The Space went bad (down, degraded, broken configuration, unknown stage).
    Down,
    /// Still bad after the reminder interval.
    StillDown,
    /// A repair step started.
    Repairing,
    /// A repair step did not bring the Space back.
    RepairFailed,
    /// The ladder is exhausted (or the cap reached): a human must look.
    GaveUp,
    /// Back up, with the downtime and what fixed it.
    Recovered,
    /// A sleeping Space was woken by the keep-alive.
    Woken,
    /// A sleeping Space did not wake.
    WakeFailed,
}

impl EventKind {
    /// Whether people should be woken up for it (recoveries are sent quietly).
    pub fn is_urgent(self) -> bool {
        matches!(
            self,
            EventKind::Down | EventKind::StillDown | EventKind::GaveUp | EventKind::WakeFailed
        )
    }
}

/// One change of one Space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertEvent {
    /// `owner/name`.
    pub space: String,
    pub kind: EventKind,
    /// The verdict now (`down`, `degraded`, `up`, ...).
    pub verdict: String,
    /// The Hub's stage, when known.
    pub stage: Option<String>,
    /// The Hub's `errorMessage` or why the probe failed.
    pub error: Option<String>,
    /// The last lines of the build or run log, for a Space in an error stage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub logs: Vec<String>,
    /// The repair step (`restart`, `rebuild`) for repair events and recoveries.
    pub step: Option<String>,
    /// How long the Space was down, for recoveries.
    pub down_for_secs: Option<u64>,
    /// Free text: why a repair failed, why it gave up.
    pub detail: Option<String>,
}

impl AlertEvent {
    pub fn new(
        space: impl Into<String>,
        kind: EventKind,
        verdict: impl Into<String>,
    ) -> AlertEvent {
        AlertEvent {
            space: space.into(),
            kind,
            verdict: verdict.into(),
            stage: None,
            error: None,
            logs: Vec::new(),
            step: None,
            down_for_secs: None,
            detail: None,
        }
    }
}

/// One message: the events of one check cycle (grouped), or of one repair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub at: DateTime<Utc>,
    pub events: Vec<AlertEvent>,
}

impl Alert {
    /// Whether the message should notify loudly.
    pub fn is_urgent(&self) -> bool {
        self.events.iter().any(|e| e.kind.is_urgent())
    }

    /// The Space this alert is about when it is a single Space that may need a hand
    /// (down, still down, a failed repair, gave up): chat destinations then offer
    /// Restart / Rebuild / Mute / Logs buttons for it.
    pub fn actionable_space(&self) -> Option<crate::domain::SpaceId> {
        let spaces = self.spaces();
        let actionable = self.events.iter().any(|e| {
            matches!(
                e.kind,
                EventKind::Down
                    | EventKind::StillDown
                    | EventKind::GaveUp
                    | EventKind::RepairFailed
            )
        });
        if spaces.len() != 1 || !actionable {
            return None;
        }
        crate::domain::SpaceId::parse(spaces[0]).ok()
    }

    /// Distinct Spaces in this alert.
    pub fn spaces(&self) -> Vec<&str> {
        let mut spaces: Vec<&str> = self.events.iter().map(|e| e.space.as_str()).collect();
        spaces.dedup();
        spaces
    }
}
