//! `/healthz` (the process answers: what Docker's HEALTHCHECK and Hugging Face look at)
//! and `/readyz` (the store answers and the scheduler is doing its job: what a load
//! balancer or an orchestrator should wait for). Both are cheap and unauthenticated.
//! `/readyz` also says whether this process acts (`"role": "leader"`) or follows
//! (replicas on Postgres), and when its last check cycle completed. A follower runs
//! no checks, so it is ready while the store answers.
//!
//! `/readyz` is not ready while the daemon first reads its stored history (the read
//! model, `web::starting`), and says how far it is; `read_model` carries its state and
//! the change marker its figures stand at (a follower's follows the leader's cycles).
//!
//! `/readyz` lists every alert destination with its outbox state (`destinations`); a
//! destination that fails (a dead webhook, a throttled robot) never makes it answer
//! 503: the process is ready, one receiver is not, and the list says which.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::WebState;
use crate::monitor::SchedulerStatus;
use crate::replica::Role;
use crate::store::WriteStatus;

/// A store that takes longer than this to answer `SELECT 1` is not ready.
const STORE_TIMEOUT: Duration = Duration::from_secs(2);

/// Why `/readyz` says not ready (its `reason`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(super) enum NotReady {
    #[error("the store does not answer")]
    StoreSilent,
    #[error("the store did not answer within {}s", STORE_TIMEOUT.as_secs())]
    StoreSlow,
    #[error("the store cannot write since {}: {reason}", secs(*since))]
    StoreWrites {
        since: DateTime<Utc>,
        reason: String,
    },
    #[error("the scheduler has not started")]
    NotStarted,
    #[error("no completed check since {}", secs(*.0))]
    Stalled(DateTime<Utc>),
    #[error("starting: reading the history of {0} Spaces")]
    ReadingHistory(usize),
    #[error("starting: the stored history is not read yet")]
    NotRead,
}

fn secs(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

async fn readyz(State(state): State<WebState>) -> (StatusCode, Json<Value>) {
    let store = match tokio::time::timeout(STORE_TIMEOUT, state.monitor.store().ping()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: the store did not answer");
            Err(NotReady::StoreSilent)
        }
        Err(_) => Err(NotReady::StoreSlow),
    };
    let now = state.monitor.now();
    let role = state.replica.role();
    let verdict = store
        .and_then(|()| store_writes(&state.monitor.store().write_health().status()))
        .and_then(|()| read_model(&state))
        .and_then(|()| match role.acts() {
            true => checks_running(&state.scheduler, now),
            false => Ok(()),
        });
    let last_cycle = state
        .scheduler
        .snapshot()
        .last_cycle_end
        .map(|at| at.to_rfc3339_opts(SecondsFormat::Millis, true));
    let (status, mut body) = match verdict {
        Ok(()) => (StatusCode::OK, json!({ "status": "ready" })),
        Err(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({ "status": "not_ready", "reason": reason.to_string() }),
        ),
    };
    body["role"] = json!(role.as_str());
    body["destinations"] = destinations(&state).await;
    body["last_cycle"] = json!(last_cycle);
    body["read_model"] = json!({
        "state": state.warmth.as_ref().map(|w| w.phase().as_str()),
        "marker": state.monitor.aggregates().marker(),
    });
    if let Role::Leader { epoch } = role {
        body["epoch"] = json!(epoch);
    }
    if role == Role::Follower
        && let Ok(Ok(Some(leader))) =
            tokio::time::timeout(STORE_TIMEOUT, state.monitor.store().leader()).await
    {
        let heartbeat = DateTime::from_timestamp_millis(leader.heartbeat_ms)
            .map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true));
        body["leader"] = json!({
            "holder": leader.holder,
            "epoch": leader.epoch,
            "heartbeat": heartbeat,
        });
    }
    (status, Json(body))
}

/// Every configured destination (as `/metrics` names it, the log included) with its
/// outbox rows by state: `"state": "ok"` with nothing waiting, `"backlog"` with alerts
/// pending (being retried, or not yet sent). The counts are left out when the store is
/// slow; the names are configuration and carry no credential.
async fn destinations(state: &WebState) -> Value {
    let counts = tokio::time::timeout(STORE_TIMEOUT, state.monitor.store().outbox_counts())
        .await
        .ok()
        .and_then(Result::ok);
    let list: Vec<Value> = state
        .monitor
        .outbox()
        .destinations()
        .into_iter()
        .map(|name| {
            let Some(counts) = &counts else {
                return json!({ "name": name, "state": "unknown" });
            };
            let count = |wanted: &str| {
                counts
                    .iter()
                    .filter(|(d, s, _)| *d == name && s == wanted)
                    .map(|(_, _, n)| *n)
                    .sum::<i64>()
            };
            let pending = count("pending");
            json!({
                "name": name,
                "state": if pending > 0 { "backlog" } else { "ok" },
                "pending": pending,
                "sent": count("sent"),
                "dropped": count("dead"),
            })
        })
        .collect();
    json!(list)
}

/// Not ready while the store refuses writes: checks are not being recorded.
fn store_writes(status: &WriteStatus) -> Result<(), NotReady> {
    match &status.failing {
        None => Ok(()),
        Some((since, reason)) => Err(NotReady::StoreWrites {
            since: *since,
            reason: reason.clone(),
        }),
    }
}

/// Not ready until the daemon has read its stored history once (`web::starting`).
fn read_model(state: &WebState) -> Result<(), NotReady> {
    let Some(phase) = state.warmth.as_ref().map(|w| w.phase()) else {
        return Ok(());
    };
    match (phase.serves(), phase.spaces()) {
        (true, _) => Ok(()),
        (false, Some(spaces)) => Err(NotReady::ReadingHistory(spaces)),
        (false, None) => Err(NotReady::NotRead),
    }
}

/// Not ready when no cycle completed within three schedule intervals (plus a grace
/// for a running one) of the last completed cycle, or of the start.
pub(super) fn checks_running(
    scheduler: &SchedulerStatus,
    now: DateTime<Utc>,
) -> Result<(), NotReady> {
    match scheduler.stalled(now) {
        None if scheduler.snapshot().started.is_none() => Err(NotReady::NotStarted),
        None => Ok(()),
        Some(since) => Err(NotReady::Stalled(since)),
    }
}
