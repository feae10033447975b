//! `Observation`: what one check of one Space saw, the unit stored and reported.

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

/// One check of one Space.
#[derive(Debug, Clone)]
pub struct Observation {
    /// The Space, or `None` for a whole owner that could not be listed (`owner/*`).
    pub space: Option<SpaceId>,
    /// The owner, always known (from the Space or from the watch entry).
    pub owner: String,
    pub at: DateTime<Utc>,
    /// `None` when the Hub could not be asked.
    pub stage: Option<Stage>,
    /// `hardware.current`: null while building for the first time and while paused.
    pub hardware: Option<String>,
    /// `hardware.requested`: what the owner asked for (and pays for once it runs).
    pub requested_hardware: Option<String>,
    /// The Hub's `errorMessage`, or why the Space could not be checked.
    pub error: Option<String>,
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

/// A Space's commit: `sha` and `lastModified` from the Hub's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub sha: String,
    pub last_modified: Option<DateTime<Utc>>,
}

impl Observation {
    /// `owner/name`, or `owner/*` when the whole owner could not be listed.
    pub fn label(&self) -> String {
        match &self.space {
            Some(id) => id.to_string(),
            None => format!("{}/*", self.owner),
        }
    }
}
