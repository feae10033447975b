//! The API's JSON shapes: the public wire format of `/api/v1`, with their OpenAPI
//! schemas derived from the same types so the document cannot drift from the answers.
//! Times are RFC 3339 in UTC; ratios are 0..1.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{Cause, Verdict};
use crate::store::{ActionRow, CheckRow, IncidentRow, Uptime};

/// What a check concluded (the `check --json` verdict names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerdictName {
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

impl From<Verdict> for VerdictName {
    fn from(v: Verdict) -> VerdictName {
        match v {
            Verdict::Up => VerdictName::Up,
            Verdict::Degraded => VerdictName::Degraded,
            Verdict::Starting => VerdictName::Starting,
            Verdict::Down => VerdictName::Down,
            Verdict::BrokenConfig => VerdictName::BrokenConfig,
            Verdict::Sleeping => VerdictName::Sleeping,
            Verdict::Paused => VerdictName::Paused,
            Verdict::UnknownStage => VerdictName::UnknownStage,
            Verdict::Unreachable => VerdictName::Unreachable,
        }
    }
}

/// Share of counted checks that were up. Hours (for `h24`) and days (for `d7`, `d30`)
/// that nobody checked for more than half of are left out; null when nothing was
/// counted.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Uptime)]
pub struct UptimeDto {
    pub h24: Option<f64>,
    pub d7: Option<f64>,
    pub d30: Option<f64>,
}

impl From<Uptime> for UptimeDto {
    fn from(u: Uptime) -> UptimeDto {
        UptimeDto {
            h24: u.h24,
            d7: u.d7,
            d30: u.d30,
        }
    }
}

/// One watched Space at a glance. `verdict` and `checked_at` are null before its
/// first check.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpaceSummary {
    #[schema(example = "alice/app")]
    pub space: String,
    pub verdict: Option<VerdictName>,
    /// The stage as the Hub said it; null when the Hub could not be asked.
    #[schema(example = "RUNNING")]
    pub stage: Option<String>,
    #[schema(example = "cpu-basic")]
    pub hardware: Option<String>,
    pub checked_at: Option<DateTime<Utc>>,
    pub verdict_since: Option<DateTime<Utc>>,
    /// The Hub's `errorMessage`, or why the Space could not be checked or probed.
    pub error: Option<String>,
    pub uptime: UptimeDto,
    /// Id of the open incident, if any.
    pub open_incident: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpaceList {
    pub spaces: Vec<SpaceSummary>,
}

/// Why a Space is down (DESIGN.md "Root cause"): a code from the cause table, one
/// line saying it, and the log or error line that matched.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Cause)]
pub struct CauseDto {
    /// `missing_module`, `dependency_install_failed`, `syntax_error`,
    /// `out_of_memory`, `port_not_listening`, `gated_or_missing_model`,
    /// `registry_auth`, `scheduling_failure`, `gpu_quota`, `disk_full`,
    /// `exit_code` or `unknown`.
    #[schema(example = "missing_module")]
    pub code: String,
    #[schema(example = "the module wandb is not installed")]
    pub summary: String,
    #[schema(example = "ModuleNotFoundError: No module named 'wandb'")]
    pub evidence: String,
}

impl From<Cause> for CauseDto {
    fn from(c: Cause) -> CauseDto {
        CauseDto {
            code: c.code.as_str().to_owned(),
            summary: c.summary,
            evidence: c.evidence,
        }
    }
}

/// One Space in detail.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpaceDetail {
    #[serde(flatten)]
    pub summary: SpaceSummary,
    pub stage_since: Option<DateTime<Utc>>,
    /// Where the app answers (probed by every check while it serves).
    pub app_url: Option<String>,
    pub private: Option<bool>,
    /// The repair ladder gave up; no automatic repair until it recovers or an admin acts.
    pub gave_up: bool,
    pub muted_until: Option<DateTime<Utc>>,
    /// Last successful visit of the app by the keep-alive.
    pub last_visit: Option<DateTime<Utc>>,
    /// Why it is down; null when it is not down (or broken).
    pub cause: Option<CauseDto>,
    pub incident: Option<IncidentDto>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Probe)]
pub struct ProbeDto {
    pub status: Option<u16>,
    pub latency_ms: Option<f64>,
    pub ok: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Check)]
pub struct CheckDto {
    pub at: DateTime<Utc>,
    pub stage: Option<String>,
    /// A verdict name (see `VerdictName`).
    pub verdict: String,
    pub hardware: Option<String>,
    /// Null when the app was not probed (not serving, or the Hub was unreachable).
    pub probe: Option<ProbeDto>,
    pub error: Option<String>,
}

impl From<CheckRow> for CheckDto {
    fn from(row: CheckRow) -> CheckDto {
        let at = row.at();
        CheckDto {
            at,
            probe: row.probe_ok.map(|ok| ProbeDto {
                status: row.probe_status.and_then(|s| u16::try_from(s).ok()),
                latency_ms: row.probe_latency_ms,
                ok,
            }),
            stage: row.stage,
            verdict: row.verdict,
            hardware: row.hardware,
            error: row.error,
        }
    }
}

/// An outage: from the alert until the Space was back.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Incident)]
pub struct IncidentDto {
    pub id: i64,
    pub opened_at: DateTime<Utc>,
    /// Null while the incident is open.
    pub closed_at: Option<DateTime<Utc>>,
    pub verdict: String,
    pub stage: Option<String>,
    /// Why, as classified when it opened; null for incidents from before causes.
    pub cause: Option<CauseDto>,
    /// The Hub's `errorMessage` when it opened.
    pub error: Option<String>,
    /// What ended it, e.g. `fixed by restart`.
    pub resolution: Option<String>,
    /// How long it lasted, or has lasted so far.
    pub duration_seconds: u64,
}

impl IncidentDto {
    pub fn new(row: IncidentRow, now: DateTime<Utc>) -> IncidentDto {
        IncidentDto {
            id: row.id,
            opened_at: row.opened(),
            closed_at: row.closed(),
            duration_seconds: row.duration(now).as_secs(),
            cause: row.root_cause().map(CauseDto::from),
            verdict: row.verdict,
            stage: row.stage,
            error: row.cause,
            resolution: row.resolution,
        }
    }
}

/// A repair, wake or command against the Space, with who asked for it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Action)]
pub struct ActionDto {
    pub id: i64,
    /// `restart`, `rebuild`, `wake`, ...
    pub kind: String,
    /// `auto` or `manual`.
    pub trigger: String,
    /// `spacewarden`, `api`, `telegram:<user id>`, `discord:<user id>`.
    pub actor: String,
    /// `pending`, `called` (the Hub accepted it) or `done`.
    pub state: String,
    pub result: Option<String>,
    pub detail: Option<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub incident_id: Option<i64>,
}

impl From<ActionRow> for ActionDto {
    fn from(row: ActionRow) -> ActionDto {
        ActionDto {
            id: row.id,
            started_at: row.started(),
            finished_at: row.finished(),
            kind: row.kind.to_string(),
            trigger: row.trigger.to_string(),
            actor: row.actor.to_string(),
            state: row.state.to_string(),
            result: row.result,
            detail: row.detail,
            incident_id: row.incident_id,
        }
    }
}

/// Checks, incidents and actions since `since`, each oldest first and at most
/// `limit` long. To page on, ask again with `since` set to the last item's time.
#[derive(Debug, Serialize, ToSchema)]
pub struct History {
    pub space: String,
    pub since: DateTime<Utc>,
    pub checks: Vec<CheckDto>,
    pub incidents: Vec<IncidentDto>,
    pub actions: Vec<ActionDto>,
}

/// A restart or rebuild that was recorded and started; it runs in the background
/// (follow it in the history's actions).
#[derive(Debug, Serialize, ToSchema)]
pub struct RepairAccepted {
    pub space: String,
    /// `restart` or `rebuild`.
    pub action: String,
    /// The recorded action (see the history).
    pub action_id: Option<i64>,
    /// Who the audit trail names: `api`.
    pub actor: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_names_match_the_check_json_names() {
        for verdict in Verdict::ALL {
            assert_eq!(
                serde_json::to_value(VerdictName::from(verdict)).unwrap(),
                serde_json::to_value(verdict).unwrap()
            );
        }
    }
}
