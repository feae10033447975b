//! `POST /api/v1/spaces/{owner}/{name}/{action}`: every action the command catalogue
//! offers on a Space (`restart`, `rebuild`, `pause`, `wake`, `mute`, `unmute`), run
//! through the command core as the actor `api`: the same authorization, claim, audit
//! and repair path as a chat command. The API's request is itself explicit, so a
//! rebuild runs without the confirmation a chat asks for.

use axum::Extension;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use super::dto::RepairAccepted;
use super::spaces::space_id;
use crate::commands::catalogue::space_actions;
use crate::commands::{Actor, Command, Outcome};
use crate::web::WebState;
use crate::web::error::{ApiError, ErrorBody};

#[derive(Debug, Deserialize, IntoParams)]
pub(super) struct ActionQuery {
    /// For `mute`: how long, e.g. `1h` (default 1h, at most 30d).
    duration: Option<String>,
}

/// Run an action on a Space now (audited, actor `api`).
#[utoipa::path(
    post,
    path = "/api/v1/spaces/{owner}/{name}/{action}",
    tag = "actions",
    security(("api_key" = [])),
    params(
        ("owner" = String, Path),
        ("name" = String, Path),
        ("action" = String, Path, description = "restart, rebuild, pause, wake, mute or unmute"),
        ActionQuery,
    ),
    responses(
        (status = 202, description = "Recorded and started (or done)", body = RepairAccepted),
        (status = 400, description = "Not a valid Space id, or a bad duration", body = ErrorBody),
        (status = 401, description = "Missing or wrong API key", body = ErrorBody),
        (status = 403, description = "API_READ_KEY may read, not act", body = ErrorBody),
        (status = 404, description = "Not watched, or no such action", body = ErrorBody),
        (status = 409, description = "Another action on this Space is running", body = ErrorBody),
        (status = 502, description = "The Hub refused or failed", body = ErrorBody),
        (status = 503, description = "A follower replica found no leader; nothing was done", body = ErrorBody),
    )
)]
pub(super) async fn act(
    State(state): State<WebState>,
    Extension(actor): Extension<Actor>,
    Path((owner, name, action)): Path<(String, String, String)>,
    Query(query): Query<ActionQuery>,
) -> Result<(StatusCode, Json<RepairAccepted>), ApiError> {
    let id = space_id(&owner, &name)?;
    let Some(spec) = space_actions().find(|spec| spec.name == action) else {
        return Err(ApiError::NotFound(format!("no action {action}")));
    };
    let space = id.to_string();
    let mut args = vec![("space", space.as_str())];
    if let Some(duration) = &query.duration {
        args.push(("duration", duration.as_str()));
    }
    let command = match spec.build(&args) {
        Ok(Command::Rebuild { space, .. }) => Command::Rebuild {
            space,
            confirmed: true,
        },
        Ok(command) => command,
        Err(e) => return Err(ApiError::InvalidQuery(e.to_string())),
    };
    let response = state.core.execute(&actor, command).await;
    let message = response.reply.title;
    match response.outcome {
        Outcome::Done { action: action_id } => {
            tracing::info!(space = %id, action = spec.name, actor = "api", "action requested");
            Ok((
                StatusCode::ACCEPTED,
                Json(RepairAccepted {
                    space,
                    action: spec.name.to_owned(),
                    action_id,
                    actor: actor.label(),
                }),
            ))
        }
        Outcome::NotWatched => Err(ApiError::NotFound(format!(
            "spacewarden does not watch {id}"
        ))),
        Outcome::BadRequest => Err(ApiError::InvalidQuery(message)),
        Outcome::InFlight => Err(ApiError::RepairInFlight(id.to_string())),
        Outcome::Failed => Err(ApiError::ActionFailed(message)),
        // `API_READ_KEY` may read, not act: the refusal every entrance shows.
        Outcome::Denied(denied) => Err(ApiError::Forbidden(denied.sentence().into())),
        // A rebuild from the API is confirmed; this cannot happen, and is no success.
        Outcome::AskedFirst => Err(ApiError::ActionFailed(message)),
        Outcome::Internal => Err(ApiError::Referenced(message)),
        Outcome::Unavailable => Err(ApiError::NoLeader(message)),
    }
}
