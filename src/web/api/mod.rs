//! The JSON API under `/api/v1` (its paths are a public interface, DESIGN.md "HTTP"):
//! on only when `API_KEY` is set, every route but the OpenAPI document behind
//! `Authorization: Bearer <API_KEY>`. The OpenAPI 3 document is generated from the
//! handlers' annotations and the response types, so it lists what the router serves.

mod actions;
pub(super) mod auth;
mod costs;
pub(super) mod dto;
mod spaces;
mod stream;

/// The static report (`web::report`) writes the API's shapes too.
pub(super) use spaces::summary;

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::WebState;
use super::compat::{self, Deprecate};
use super::error::{ApiError, ErrorBody};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "spacewarden API",
        description = "Watched Hugging Face Spaces: verdicts, uptime, history, and \
                       actions (restart, rebuild, pause, wake, mute, unmute) through spacewarden's \
                       command core and repair path (audited as `api`). \
                       Send `Authorization: Bearer <API_KEY>`; the API is off without API_KEY."
    ),
    paths(
        spaces::list,
        costs::costs,
        spaces::detail,
        spaces::history,
        actions::act,
        openapi,
        compat::node::list,
        compat::node::detail,
        compat::node::act,
        compat::cloudflare::info,
        compat::cloudflare::list,
        compat::cloudflare::owner_list,
        compat::cloudflare::act_encoded,
        compat::cloudflare::act
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerKey, &Deprecate),
    tags(
        (name = "spaces", description = "The watch list and each Space's state and history"),
        (name = "actions", description = "Restart, factory rebuild, pause, wake, mute, unmute"),
        (name = "costs", description = "What the watched Spaces cost"),
        (name = "meta", description = "This document"),
        (name = "compatibility", description = "The older tools' APIs (the Node dashboard's and the \
                 Cloudflare manager's), answered as they documented them. Deprecated: use the \
                 native routes above.")
    )
)]
struct ApiDoc;

/// Declares the `api_key` bearer scheme the operations refer to.
struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.description = Some("The value of API_KEY".into());
        components.add_security_scheme("api_key", SecurityScheme::Http(scheme));
    }
}

/// The OpenAPI document as JSON (also what `GET /api/v1/openapi.json` serves).
pub fn openapi_json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// This document (OpenAPI 3.1). Public: it describes the API, it holds no data.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json"))
)]
async fn openapi() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], openapi_json())
}

pub(super) fn router(state: WebState) -> Router<WebState> {
    let protected = Router::new()
        .route("/spaces", get(spaces::list))
        .route("/costs", get(costs::costs))
        .route("/spaces/{owner}/{name}", get(spaces::detail))
        .route("/spaces/{owner}/{name}/history", get(spaces::history))
        .route("/spaces/{owner}/{name}/{action}", post(actions::act))
        .route_layer(middleware::from_fn_with_state(state, auth::require_key));
    Router::new()
        .route("/openapi.json", get(openapi))
        .merge(protected)
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
}

async fn not_found() -> ApiError {
    ApiError::NotFound("no such API route".into())
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
