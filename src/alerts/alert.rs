//! The alert value: what changed, for which Space, and why. Typed all the way through;
//! serialized only at the outbox and webhook boundary (the JSON names below are the
//! webhook's public shape), and rendered by each destination (plain text here; HTML for
//! Telegram and embeds for Discord in their adapters).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{RepairStep, SpaceId, Stage, Verdict};

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
    /// `owner/name` in the JSON.
    pub space: SpaceId,
    pub kind: EventKind,
    /// The verdict now (`down`, `degraded`, `up`, ...).
    pub verdict: Verdict,
    /// The Hub's stage, when known.
    pub stage: Option<Stage>,
    /// The Hub's `errorMessage` or why the probe failed.
    pub error: Option<String>,
    /// The last lines of the build or run log, for a Space in an error stage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub logs: Vec<String>,
    /// The repair step for repair events and recoveries.
    pub step: Option<RepairStep>,
    /// How long the Space was down, for recoveries.
    pub down_for_secs: Option<u64>,
    /// Free text: why a repair failed, why it gave up.
    pub detail: Option<String>,
}

impl AlertEvent {
    pub fn new(space: SpaceId, kind: EventKind, verdict: Verdict) -> AlertEvent {
        AlertEvent {
            space,
            kind,
            verdict,
            stage: None,
            error: None,
            logs: Vec::new(),
            step: None,
            down_for_secs: None,
            detail: None,
        }
    }

    pub fn with_step(mut self, step: RepairStep) -> AlertEvent {
        self.step = Some(step);
        self
    }

    pub fn with_stage(mut self, stage: Option<Stage>) -> AlertEvent {
        self.stage = stage;
        self
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> AlertEvent {
        self.detail = Some(detail.into());
        self
    }
}

/// What spacewarden says about itself: its own checks stalled, its store cannot
/// write. Not about a Space, so not an `AlertEvent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// No check cycle completed within three schedule intervals.
    ChecksStalled,
    /// Cycles complete again after a stall.
    ChecksResumed,
    /// The store refuses writes (disk full, read-only, locked).
    StoreFailing,
    /// The store writes again.
    StoreRecovered,
}

impl NoticeKind {
    pub fn is_urgent(self) -> bool {
        matches!(self, NoticeKind::ChecksStalled | NoticeKind::StoreFailing)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    pub kind: NoticeKind,
    /// Since when, what failed: our own words, never a token.
    pub detail: String,
}

/// One message: the events of one check cycle (grouped), or of one repair, or a
/// notice about spacewarden itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub at: DateTime<Utc>,
    pub events: Vec<AlertEvent>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
}

impl Alert {
    pub fn of(at: DateTime<Utc>, events: Vec<AlertEvent>) -> Alert {
        Alert {
            at,
            events,
            notices: Vec::new(),
        }
    }

    pub fn notice(at: DateTime<Utc>, kind: NoticeKind, detail: impl Into<String>) -> Alert {
        Alert {
            at,
            events: Vec::new(),
            notices: vec![Notice {
                kind,
                detail: detail.into(),
            }],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.notices.is_empty()
    }

    /// Whether the message should notify loudly.
    pub fn is_urgent(&self) -> bool {
        self.events.iter().any(|e| e.kind.is_urgent())
            || self.notices.iter().any(|n| n.kind.is_urgent())
    }

    /// The Space this alert is about when it is a single Space that may need a hand
    /// (down, still down, a failed repair, gave up): chat destinations then offer
    /// Restart / Rebuild / Mute / Logs buttons for it.
    pub fn actionable_space(&self) -> Option<&SpaceId> {
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
        Some(spaces[0])
    }

    /// Distinct Spaces in this alert.
    pub fn spaces(&self) -> Vec<&SpaceId> {
        let mut spaces: Vec<&SpaceId> = self.events.iter().map(|e| &e.space).collect();
        spaces.dedup();
        spaces
    }
}
