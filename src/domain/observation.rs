//! `Observation`: what one check of one Space saw (or that a whole owner could not be
//! listed), the unit stored and reported.

use chrono::{DateTime, Utc};

use super::{Cause, SpaceId, Stage, Verdict};

/// What the HTTP probe of the app saw.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeOutcome {
    /// The HTTP status, `None` when no response arrived (timeout, refused).
    pub status: Option<u16>,
    /// Time to the full response (or to the failure), `None` when nothing was sent.
    pub latency_ms: Option<f64>,
    pub ok: bool,
    /// Why the probe failed, in words; `None` when it passed.
    pub failure: Option<String>,
}

/// Why a Space could not be checked; decides the exit status of `check` and, later,
/// whether to alert an admin (credentials) or just wait (Hub trouble).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckFailure {
    /// The token was refused (401 with a bad token) or has no right (403).
    Credentials,
    /// The Hub does not know the Space, or it is private and the token cannot see it.
    NotFound,
    /// 429: the Hub asked us to slow down.
    RateLimited,
    /// Timeouts, connection failures, 5xx.
    HubUnavailable,
    /// The Hub answered something we could not read.
    BadReply,
}

impl CheckFailure {
    /// A failure the operator must fix in the configuration (exit status 2).
    pub fn is_configuration(self) -> bool {
        matches!(self, CheckFailure::Credentials | CheckFailure::NotFound)
    }
}

/// One check: of a Space, or of an owner whose Spaces could not be listed.
// Nearly every observation is a Space check, so its size is paid either way; boxing
// it would only add an allocation per Space per cycle.
#[allow(
    clippy::large_enum_variant,
    reason = "the small variant is the rare one"
)]
#[derive(Debug, Clone)]
pub enum Observation {
    /// A Space the Hub was asked about (what it said, or why it could not say).
    Checked(SpaceCheck),
    /// A whole owner that could not be listed, none of its Spaces known: one `owner/*`
    /// row, which carries nothing a Space check does.
    Unlisted {
        /// As the watch entry spells it.
        owner: String,
        at: DateTime<Utc>,
        failure: Unchecked,
    },
}

/// Why the Hub could not be asked: the kind (exit status, alerts) and the words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unchecked {
    pub kind: CheckFailure,
    pub error: String,
}

/// One check of one Space.
#[derive(Debug, Clone)]
pub struct SpaceCheck {
    pub space: SpaceId,
    pub at: DateTime<Utc>,
    /// `None` when the Hub could not be asked.
    pub stage: Option<Stage>,
    /// `hardware.current`: null while building for the first time and while paused.
    pub hardware: Option<String>,
    /// `hardware.requested`: what the owner asked for (and pays for once it runs).
    pub requested_hardware: Option<String>,
    /// The Hub's `errorMessage`, the probe's failure, or why the Space could not be
    /// checked.
    pub error: Option<String>,
    /// Set when the Hub could not be asked about the Space.
    pub failure: Option<CheckFailure>,
    pub probe: Option<ProbeOutcome>,
    pub verdict: Verdict,
    /// The app's subdomain on `hf.space`, as the Hub gave it or derived.
    pub subdomain: Option<String>,
    /// Sleep time in seconds (`gcTimeout`): 172800 on free cpu-basic hardware.
    pub gc_timeout: Option<u64>,
    pub private: Option<bool>,
    /// Why it is down or broken (`None` for any other verdict, or before diagnosis).
    pub cause: Option<Cause>,
    /// The commit it runs, when the Hub's list said.
    pub revision: Option<Revision>,
}

impl SpaceCheck {
    /// `space` seen in `stage` with `verdict` at `at`; the other facts start unknown.
    pub fn new(space: SpaceId, at: DateTime<Utc>, stage: Stage, verdict: Verdict) -> SpaceCheck {
        SpaceCheck {
            stage: Some(stage),
            verdict,
            ..SpaceCheck::blank(space, at)
        }
    }

    /// `space` could not be read from the Hub: no stage, so unreachable.
    pub fn unread(space: SpaceId, at: DateTime<Utc>, failure: Unchecked) -> SpaceCheck {
        SpaceCheck {
            error: Some(failure.error),
            failure: Some(failure.kind),
            ..SpaceCheck::blank(space, at)
        }
    }

    fn blank(space: SpaceId, at: DateTime<Utc>) -> SpaceCheck {
        SpaceCheck {
            space,
            at,
            stage: None,
            hardware: None,
            requested_hardware: None,
            error: None,
            failure: None,
            probe: None,
            verdict: Verdict::Unreachable,
            subdomain: None,
            gc_timeout: None,
            private: None,
            cause: None,
            revision: None,
        }
    }
}

impl From<SpaceCheck> for Observation {
    fn from(check: SpaceCheck) -> Observation {
        Observation::Checked(check)
    }
}

/// A Space's commit: `sha` and `lastModified` from the Hub's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub sha: String,
    pub last_modified: Option<DateTime<Utc>>,
}

impl Observation {
    /// `owner` could not be listed and none of its Spaces is known.
    pub fn unlisted(owner: String, at: DateTime<Utc>, failure: Unchecked) -> Observation {
        Observation::Unlisted { owner, at, failure }
    }

    /// The Space check, unless this is an owner that could not be listed.
    pub fn checked(&self) -> Option<&SpaceCheck> {
        match self {
            Observation::Checked(check) => Some(check),
            Observation::Unlisted { .. } => None,
        }
    }

    pub fn checked_mut(&mut self) -> Option<&mut SpaceCheck> {
        match self {
            Observation::Checked(check) => Some(check),
            Observation::Unlisted { .. } => None,
        }
    }

    /// `owner/name`, or `owner/*` when the whole owner could not be listed.
    pub fn label(&self) -> String {
        match self {
            Observation::Checked(check) => check.space.to_string(),
            Observation::Unlisted { owner, .. } => format!("{owner}/*"),
        }
    }

    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Observation::Checked(check) => check.at,
            Observation::Unlisted { at, .. } => *at,
        }
    }

    /// An owner that could not be listed is unreachable, as a Space without a stage.
    pub fn verdict(&self) -> Verdict {
        match self {
            Observation::Checked(check) => check.verdict,
            Observation::Unlisted { .. } => Verdict::Unreachable,
        }
    }

    pub fn stage(&self) -> Option<&Stage> {
        self.checked().and_then(|c| c.stage.as_ref())
    }

    /// The Hub's `errorMessage`, the probe's failure, or why it could not be checked.
    pub fn error(&self) -> Option<&str> {
        match self {
            Observation::Checked(check) => check.error.as_deref(),
            Observation::Unlisted { failure, .. } => Some(&failure.error),
        }
    }

    /// Why the Hub could not be asked, if it could not.
    pub fn failure(&self) -> Option<CheckFailure> {
        match self {
            Observation::Checked(check) => check.failure,
            Observation::Unlisted { failure, .. } => Some(failure.kind),
        }
    }
}
