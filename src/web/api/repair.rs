//! `POST …/restart` and `POST …/rebuild`: the same repair path as an admin's chat
//! command (`Monitor::request_repair`): recorded before the Hub is called, one repair
//! per Space at a time, the global cap on repairs in flight, an alert to every
//! destination. The `actions` row and the `audit` table name `api` as the actor.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::dto::RepairAccepted;
use super::spaces::{space_id, watched_row};
use crate::domain::RepairStep;
use crate::monitor::ActionRefused;
use crate::store::AuditEntry;
use crate::web::WebState;
use crate::web::error::{ApiError, ErrorBody};

/// Who the audit trail names for requests made through the API.
pub(super) const API_ACTOR: &str = "api";

async fn repair(
    state: WebState,
    owner: String,
    name: String,
    step: RepairStep,
) -> Result<(StatusCode, Json<RepairAccepted>), ApiError> {
    let id = space_id(&owner, &name)?;
    let row = watched_row(&state, &id).await?;
    let monitor = &state.monitor;
    // The receiver is dropped: the repair runs on in the background and its result
    // lands in the actions (and as an alert), where the client can follow it.
    let requested = monitor.request_repair(&row.id, step, API_ACTOR).await;
    // The same audit table as chat commands, with the API as the actor.
    let command = format!("POST /api/v1/spaces/{}/{}", row.id, step.as_str());
    let entry = AuditEntry {
        at: monitor.now(),
        platform: API_ACTOR,
        user_id: API_ACTOR,
        chat_id: None,
        command: &command,
        allowed: true,
        outcome: if requested.is_ok() { "ok" } else { "refused" },
    };
    if let Err(e) = monitor.store().audit(&entry).await {
        tracing::error!(error = %e, "cannot write the audit log");
    }
    requested.map_err(|refused| match refused {
        ActionRefused::InFlight(space) => ApiError::RepairInFlight(space.to_string()),
        ActionRefused::Internal(reference) => ApiError::internal(format!("ref {reference}")),
    })?;
    tracing::info!(space = %row.id, step = step.as_str(), actor = API_ACTOR, "repair requested");
    // The row was committed before `request_repair` returned, and no other repair of
    // this Space can start while this one holds its claim.
    let action_id = monitor
        .store()
        .actions(&row.id, 1)
        .await?
        .into_iter()
        .find(|a| a.actor == API_ACTOR && a.kind == step.as_str())
        .map(|a| a.id);
    Ok((
        StatusCode::ACCEPTED,
        Json(RepairAccepted {
            space: row.id.to_string(),
            action: step.as_str().to_owned(),
            action_id,
            actor: API_ACTOR.to_owned(),
        }),
    ))
}

/// Restart the Space now (audited, actor `api`).
#[utoipa::path(
    post,
    path = "/api/v1/spaces/{owner}/{name}/restart",
    tag = "repairs",
    security(("api_key" = [])),
    params(("owner" = String, Path), ("name" = String, Path)),
    responses(
        (status = 202, description = "Recorded and started", body = RepairAccepted),
        (status = 400, description = "Not a valid Space id", body = ErrorBody),
        (status = 401, description = "Missing or wrong API key", body = ErrorBody),
        (status = 404, description = "Not watched", body = ErrorBody),
        (status = 409, description = "A repair of this Space is running", body = ErrorBody),
    )
)]
pub(super) async fn restart(
    State(state): State<WebState>,
    Path((owner, name)): Path<(String, String)>,
) -> Result<(StatusCode, Json<RepairAccepted>), ApiError> {
    repair(state, owner, name, RepairStep::Restart).await
}

/// Factory rebuild of the Space now (audited, actor `api`).
#[utoipa::path(
    post,
    path = "/api/v1/spaces/{owner}/{name}/rebuild",
    tag = "repairs",
    security(("api_key" = [])),
    params(("owner" = String, Path), ("name" = String, Path)),
    responses(
        (status = 202, description = "Recorded and started", body = RepairAccepted),
        (status = 400, description = "Not a valid Space id", body = ErrorBody),
        (status = 401, description = "Missing or wrong API key", body = ErrorBody),
        (status = 404, description = "Not watched", body = ErrorBody),
        (status = 409, description = "A repair of this Space is running", body = ErrorBody),
    )
)]
pub(super) async fn rebuild(
    State(state): State<WebState>,
    Path((owner, name)): Path<(String, String)>,
) -> Result<(StatusCode, Json<RepairAccepted>), ApiError> {
    repair(state, owner, name, RepairStep::FactoryRebuild).await
}
