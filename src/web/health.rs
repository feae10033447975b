//! `/healthz` (the process answers: what Docker's HEALTHCHECK and Hugging Face look at)
//! and `/readyz` (the store answers and the scheduler is doing its job: what a load
//! balancer or an orchestrator should wait for). Both are cheap and unauthenticated.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::WebState;
use crate::monitor::SchedulerSnapshot;

/// A store that takes longer than this to answer `SELECT 1` is not ready.
const STORE_TIMEOUT: Duration = Duration::from_secs(2);
/// Slack after the first tick was due before "no cycle yet" counts as a problem.
const FIRST_CYCLE_SLACK: chrono::Duration = chrono::Duration::seconds(60);

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
            Err("the store does not answer".to_owned())
        }
        Err(_) => Err(format!(
            "the store did not answer within {}s",
            STORE_TIMEOUT.as_secs()
        )),
    };
    let verdict =
        store.and_then(|()| scheduler_ready(&state.scheduler.snapshot(), state.monitor.now()));
    match verdict {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ready" }))),
        Err(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "not_ready", "reason": reason })),
        ),
    }
}

/// Ready once a cycle has run or is running, or while the first one is not yet due.
pub(super) fn scheduler_ready(s: &SchedulerSnapshot, now: DateTime<Utc>) -> Result<(), String> {
    if s.cycles > 0 || s.running {
        return Ok(());
    }
    match (s.started, s.next_tick) {
        (None, _) => Err("the scheduler has not started".into()),
        (Some(_), None) => Ok(()),
        (Some(_), Some(due)) if now <= due + FIRST_CYCLE_SLACK => Ok(()),
        (Some(_), Some(due)) => Err(format!(
            "no check cycle has run; the first was due at {}",
            due.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn ready_within_the_first_interval_and_after_a_cycle() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let mut s = SchedulerSnapshot::default();
        assert!(
            scheduler_ready(&s, now)
                .unwrap_err()
                .contains("not started")
        );
        s.started = Some(now);
        assert!(scheduler_ready(&s, now).is_ok());
        s.next_tick = Some(now + chrono::Duration::minutes(5));
        assert!(scheduler_ready(&s, now).is_ok());
        let late = now + chrono::Duration::minutes(7);
        assert!(
            scheduler_ready(&s, late)
                .unwrap_err()
                .contains("first was due")
        );
        s.running = true;
        assert!(scheduler_ready(&s, late).is_ok());
        s.running = false;
        s.cycles = 1;
        assert!(scheduler_ready(&s, late).is_ok());
    }
}
