//! The Node dashboard's external API (huggingface-monitor, base `/api/v1`), in its
//! shapes: `GET /info/:token`, `GET /info/:token/:owner/:name`, and
//! `POST /action/:token/:owner/:name/restart|rebuild`. `:token` is a Hugging Face token
//! in the URL (that tool's design): accepted only when it is one spacewarden is
//! configured with, and then only for the Spaces spacewarden reaches with it. It
//! arrives here already cut out of the URI (`super::redact_path_token`).
//!
//! Only the success bodies and the 重启成功 / 重建成功 messages are documented by the
//! tool; the refusals keep its `{"success": false, "message"}` shape with our words.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Acted, PathToken, Verb, configured, deprecated, owns};
use crate::commands::Actor;
use crate::domain::SpaceId;
use crate::view::{self, SpaceRow};
use crate::web::WebState;
use crate::web::api::auth::{KeyCheck, check_key};

const NOT_CONFIGURED: &str = "this token is not configured here";

/// `GET /info/:token`: the Spaces of the token's owners.
#[derive(Debug, Serialize, ToSchema)]
pub(in crate::web) struct NodeList {
    #[schema(example = json!(["user1/space1"]))]
    spaces: Vec<String>,
    total: usize,
}

/// `GET /info/:token/:owner/:name`. Only what spacewarden stores is filled in:
/// `created_at` and `sdk` are null, `tags` empty.
#[derive(Debug, Serialize, ToSchema)]
pub(in crate::web) struct NodeSpace {
    id: String,
    /// The stage, lowercase (`running`, `sleeping`, `runtime_error`…), as the dashboard showed it.
    #[schema(example = "running")]
    status: String,
    last_modified: Option<String>,
    created_at: Option<String>,
    sdk: Option<String>,
    tags: Vec<String>,
    private: bool,
}

/// Every answer of `POST /action/…` and every refusal.
#[derive(Debug, Serialize, ToSchema)]
pub(in crate::web) struct NodeResult {
    success: bool,
    #[schema(example = "Space user1/space1 重启成功")]
    message: String,
}

/// A refusal in the dashboard's shape; small, so a `Result` carrying it stays small.
struct Refusal {
    status: StatusCode,
    message: String,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = NodeResult {
            success: false,
            message: self.message,
        };
        (self.status, Json(body)).into_response()
    }
}

fn refuse(status: StatusCode, message: impl Into<String>) -> Refusal {
    Refusal {
        status,
        message: message.into(),
    }
}

/// The API key, then the path token: 401, 503 without `API_KEY`, 403 for a token
/// spacewarden is not configured with.
fn admit(
    state: &WebState,
    headers: &HeaderMap,
    token: Option<&PathToken>,
) -> Result<(Actor, PathToken), Refusal> {
    let actor = match check_key(state, headers) {
        KeyCheck::Accepted(actor) => actor,
        KeyCheck::NoBearer | KeyCheck::Wrong => {
            return Err(refuse(
                StatusCode::UNAUTHORIZED,
                "a valid API key is required (Authorization: Bearer <API_KEY>)",
            ));
        }
        KeyCheck::Off { .. } => {
            return Err(refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "the JSON API is off; set API_KEY to turn it on",
            ));
        }
    };
    match token {
        Some(token) if configured(&state.monitor, token) => Ok((actor, token.clone())),
        _ => Err(refuse(StatusCode::FORBIDDEN, NOT_CONFIGURED)),
    }
}

/// The watched Spaces spacewarden reaches with `token`, by id.
async fn token_rows(state: &WebState, token: &PathToken) -> Result<Vec<SpaceRow>, Refusal> {
    let rows = view::watched_rows(&state.monitor).await.map_err(|e| {
        let reference = crate::telemetry::ErrorRef::log("cannot read the watch list", &e);
        refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("internal error (ref {reference})"),
        )
    })?;
    Ok(rows
        .into_iter()
        .filter(|row| owns(&state.monitor, token, row.id.owner()))
        .collect())
}

/// One of the token's watched Spaces, or 404.
async fn token_space(
    state: &WebState,
    token: &PathToken,
    owner: &str,
    name: &str,
) -> Result<SpaceRow, Refusal> {
    let unknown = || {
        refuse(
            StatusCode::NOT_FOUND,
            format!("Space {owner}/{name} not found"),
        )
    };
    let id = SpaceId::parse(&format!("{owner}/{name}")).map_err(|_| unknown())?;
    token_rows(state, token)
        .await?
        .into_iter()
        .find(|row| row.id.key() == id.key())
        .ok_or_else(unknown)
}

fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The token's Spaces (deprecated: use `GET /api/v1/spaces`).
#[utoipa::path(
    get,
    path = "/api/v1/info/{token}",
    tag = "compatibility",
    security(("api_key" = [])),
    params(("token" = String, Path, description = "A Hugging Face token spacewarden is configured with")),
    responses(
        (status = 200, description = "The Spaces spacewarden watches with this token", body = NodeList),
        (status = 401, description = "Missing or wrong API key", body = NodeResult),
        (status = 403, description = "A token spacewarden is not configured with", body = NodeResult),
    )
)]
pub(in crate::web) async fn list(
    State(state): State<WebState>,
    headers: HeaderMap,
    uri: Uri,
    token: Option<axum::Extension<PathToken>>,
) -> Response {
    deprecated(&uri, "GET /api/v1/spaces");
    let (_, token) = match admit(&state, &headers, token.as_deref()) {
        Ok(admitted) => admitted,
        Err(refusal) => return refusal.into_response(),
    };
    match token_rows(&state, &token).await {
        Ok(rows) => {
            let spaces: Vec<String> = rows.iter().map(|row| row.id.to_string()).collect();
            let total = spaces.len();
            Json(NodeList { spaces, total }).into_response()
        }
        Err(refusal) => refusal.into_response(),
    }
}

/// One Space (deprecated: use `GET /api/v1/spaces/{owner}/{name}`).
#[utoipa::path(
    get,
    path = "/api/v1/info/{token}/{owner}/{name}",
    tag = "compatibility",
    security(("api_key" = [])),
    params(("token" = String, Path), ("owner" = String, Path), ("name" = String, Path)),
    responses(
        (status = 200, description = "The Space", body = NodeSpace),
        (status = 401, description = "Missing or wrong API key", body = NodeResult),
        (status = 403, description = "A token spacewarden is not configured with", body = NodeResult),
        (status = 404, description = "Not one of this token's watched Spaces", body = NodeResult),
    )
)]
pub(in crate::web) async fn detail(
    State(state): State<WebState>,
    headers: HeaderMap,
    uri: Uri,
    token: Option<axum::Extension<PathToken>>,
    Path((_, owner, name)): Path<(String, String, String)>,
) -> Response {
    deprecated(&uri, "GET /api/v1/spaces/{owner}/{name}");
    let (_, token) = match admit(&state, &headers, token.as_deref()) {
        Ok(admitted) => admitted,
        Err(refusal) => return refusal.into_response(),
    };
    let row = match token_space(&state, &token, &owner, &name).await {
        Ok(row) => row,
        Err(refusal) => return refusal.into_response(),
    };
    let stored = row.state.as_ref();
    Json(NodeSpace {
        id: row.id.to_string(),
        status: stored
            .and_then(|s| s.stage.as_ref())
            .map_or_else(|| "unknown".to_owned(), |s| s.as_str().to_ascii_lowercase()),
        last_modified: stored
            .and_then(|s| s.revision.as_ref())
            .and_then(|r| r.last_modified)
            .map(iso),
        created_at: None,
        sdk: None,
        tags: Vec::new(),
        private: stored.and_then(|s| s.private).unwrap_or(false),
    })
    .into_response()
}

/// Restart or factory rebuild (deprecated: use `POST /api/v1/spaces/{owner}/{name}/{action}`).
#[utoipa::path(
    post,
    path = "/api/v1/action/{token}/{owner}/{name}/{action}",
    tag = "compatibility",
    security(("api_key" = [])),
    params(
        ("token" = String, Path),
        ("owner" = String, Path),
        ("name" = String, Path),
        ("action" = String, Path, description = "restart or rebuild"),
    ),
    responses(
        (status = 200, description = "The Hub took the call (重启成功 / 重建成功)", body = NodeResult),
        (status = 401, description = "Missing or wrong API key", body = NodeResult),
        (status = 403, description = "A token not configured here, or API_READ_KEY", body = NodeResult),
        (status = 404, description = "Not one of this token's watched Spaces, or no such action", body = NodeResult),
        (status = 500, description = "The action failed", body = NodeResult),
    )
)]
pub(in crate::web) async fn act(
    State(state): State<WebState>,
    headers: HeaderMap,
    uri: Uri,
    token: Option<axum::Extension<PathToken>>,
    Path((_, owner, name, action)): Path<(String, String, String, String)>,
) -> Response {
    deprecated(&uri, "POST /api/v1/spaces/{owner}/{name}/{action}");
    let (actor, token) = match admit(&state, &headers, token.as_deref()) {
        Ok(admitted) => admitted,
        Err(refusal) => return refusal.into_response(),
    };
    let verb = match Verb::parse(&action) {
        Some(verb @ (Verb::Restart | Verb::Rebuild)) => verb,
        _ => return refuse(StatusCode::NOT_FOUND, format!("no action {action}")).into_response(),
    };
    let row = match token_space(&state, &token, &owner, &name).await {
        Ok(row) => row,
        Err(refusal) => return refusal.into_response(),
    };
    let id = row.id;
    match super::act(&state, &actor, &id, verb).await {
        Acted::Accepted(_) => Json(NodeResult {
            success: true,
            message: format!("Space {id} {}成功", verb.chinese()),
        })
        .into_response(),
        Acted::NotWatched => {
            refuse(StatusCode::NOT_FOUND, format!("Space {id} not found")).into_response()
        }
        Acted::Denied(why) => refuse(StatusCode::FORBIDDEN, why).into_response(),
        Acted::Failed(why) => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("Space {id}: the {action} failed: {why}"),
        )
        .into_response(),
    }
}
