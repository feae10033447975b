//! The alert value: what changed, for which Space, and why. Typed all the way through;
//! serialized only at the outbox and webhook boundary (the JSON names below are the
//! webhook's public shape), and rendered by each destination (plain text here; HTML for
//! Telegram and embeds for Discord in their adapters).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Note;
use crate::domain::{Cause, PlatformReason, RepairStep, SpaceId, Stage, Verdict};

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
    /// The requested hardware has not been running for a while (e.g. a GPU that
    /// cannot be scheduled): the Space serves nothing, or not what was paid for.
    HardwareDrift,
    /// Memory near the limit in consecutive samples: an out-of-memory kill is near.
    MemoryHigh,
    /// Daily: what pausing outside the awake windows saved.
    Saved,
}

impl EventKind {
    /// Whether people should be woken up for it (recoveries are sent quietly).
    pub fn is_urgent(self) -> bool {
        matches!(
            self,
            EventKind::Down
                | EventKind::StillDown
                | EventKind::GaveUp
                | EventKind::WakeFailed
                | EventKind::HardwareDrift
                | EventKind::MemoryHigh
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
    /// Why it is down (`{"code", "summary", "evidence"}`); absent in rows written
    /// before causes existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
    /// The commit it broke after, when the Space changed since it was last fine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy: Option<Deploy>,
    /// `detail` as data, rendered in each reader's language (absent in rows written
    /// before notes existed, and where the detail is only outside text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
}

/// "broke after commit abc1234 (3 min ago)".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deploy {
    pub sha: String,
    /// How long before the alert the commit was made (the Hub's `lastModified`).
    pub secs_ago: Option<u64>,
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
            cause: None,
            deploy: None,
            note: None,
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

    /// The detail as data; `detail` becomes its English words (what the webhook and
    /// the database have always said).
    pub fn with_note(mut self, note: Note) -> AlertEvent {
        self.detail = Some(super::render::note_text(&note, crate::i18n::Lang::EN));
        self.note = Some(note);
        self
    }

    pub fn with_cause(mut self, cause: Option<Cause>) -> AlertEvent {
        self.cause = cause;
        self
    }
}

/// A platform incident starting or ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlatformEventKind {
    Started,
    Ended,
}

/// Many Spaces failing alike: one grouped message instead of one per Space, and one
/// when they are back (DESIGN.md "Root cause").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformEvent {
    pub kind: PlatformEventKind,
    /// A cause code, or `hub_unavailable`.
    pub reason: PlatformReason,
    pub spaces: Vec<SpaceId>,
    pub owners: u32,
    /// One line that shows it (the first Space's evidence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// For `ended`: how long it lasted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lasted_secs: Option<u64>,
    /// For `ended`: members still failing for another reason (their own ladders
    /// take over).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub still_failing: Vec<SpaceId>,
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
    /// A test alert asked for by a user (`spacewarden test-alert`, `/testalert`).
    Test,
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
    /// Since when (checks stalled, writes failing): shown to people in `TZ`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<DateTime<Utc>>,
    /// The last failure, or why writes fail (the database's words).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One message: the events of one check cycle (grouped), or of one repair, or a
/// notice about spacewarden itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub at: DateTime<Utc>,
    pub events: Vec<AlertEvent>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub platform: Vec<PlatformEvent>,
}

impl Alert {
    pub fn of(at: DateTime<Utc>, events: Vec<AlertEvent>) -> Alert {
        Alert {
            at,
            events,
            notices: Vec::new(),
            platform: Vec::new(),
        }
    }

    pub fn notice(at: DateTime<Utc>, kind: NoticeKind, detail: impl Into<String>) -> Alert {
        Alert {
            at,
            events: Vec::new(),
            notices: vec![Notice {
                kind,
                detail: detail.into(),
                since: None,
                reason: None,
            }],
            platform: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.notices.is_empty() && self.platform.is_empty()
    }

    /// Whether the message should notify loudly.
    pub fn is_urgent(&self) -> bool {
        self.events.iter().any(|e| e.kind.is_urgent())
            || self.notices.iter().any(|n| n.kind.is_urgent())
            || self
                .platform
                .iter()
                .any(|p| p.kind == PlatformEventKind::Started)
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
