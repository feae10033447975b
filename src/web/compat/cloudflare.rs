//! The Cloudflare manager's external API (hf-space-manager, base `/api/v1/external`),
//! in its shapes and words, read from its published implementation
//! (3377/cf-hf-manager, `functions/api/v1/external/`): the key check's three refusals,
//! `info`, `spaces`, `spaces/:username`, and `action/:spaceId/restart|rebuild` plus
//! the `pause` and `resume` its `info` lists. Its clients send the Space id as one
//! URL-encoded segment (`owner%2Fname`, Cloudflare's `[spaceId]` matches one segment);
//! the two-segment form is accepted too.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

mod shapes;

use self::shapes::{
    CfActionData, CfConfig, CfEndpoint, CfFailure, CfInfo, CfList, CfResult, CfSpace, space,
};
use super::{Acted, Verb, deprecated};
use crate::commands::Actor;
use crate::domain::{SpaceId, WatchTarget};
use crate::view;
use crate::web::WebState;
use crate::web::api::auth::{KeyCheck, check_key};

fn answer(status: StatusCode, success: bool, message: String) -> Response {
    let body = CfResult {
        success,
        message,
        data: None,
    };
    (status, Json(body)).into_response()
}

/// A refusal of the manager's middleware; small, so a `Result` carrying it stays small.
struct Refusal(StatusCode, &'static str);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        answer(self.0, false, self.1.to_owned())
    }
}

/// The manager's middleware: no bearer 401, no `API_KEY` 503, a wrong key 401.
fn admit(state: &WebState, headers: &HeaderMap) -> Result<Actor, Refusal> {
    match check_key(state, headers) {
        KeyCheck::Accepted(actor) => Ok(actor),
        KeyCheck::NoBearer | KeyCheck::Off { bearer: false } => Err(Refusal(
            StatusCode::UNAUTHORIZED,
            "未提供有效的Authorization头，应为Bearer格式",
        )),
        KeyCheck::Off { bearer: true } => Err(Refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            "系统未配置外部API访问功能，请联系管理员配置API_KEY环境变量",
        )),
        KeyCheck::Wrong => Err(Refusal(StatusCode::UNAUTHORIZED, "无效的API密钥")),
    }
}

/// The watched Spaces (of `owner` when given), or the manager's 500.
async fn listed(state: &WebState, owner: Option<&str>) -> Response {
    let rows = match view::watched_rows(&state.monitor).await {
        Ok(rows) => rows,
        Err(e) => {
            let reference = crate::telemetry::ErrorRef::log("cannot read the watch list", &e);
            let failed = match owner {
                Some(owner) => format!("获取用户 {owner} 的spaces列表失败"),
                None => "获取spaces列表失败".to_owned(),
            };
            let body = CfFailure {
                success: false,
                message: failed,
                error: format!("internal error (ref {reference})"),
            };
            return (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response();
        }
    };
    let spaces: Vec<CfSpace> = rows
        .iter()
        .filter(|row| owner.is_none_or(|owner| row.id.owner().eq_ignore_ascii_case(owner)))
        .map(|row| space(state, row))
        .collect();
    Json(CfList {
        success: true,
        count: spaces.len(),
        spaces,
    })
    .into_response()
}

/// The service and its routes (deprecated: see `/api/v1/openapi.json`).
#[utoipa::path(
    get,
    path = "/api/v1/external/info",
    tag = "compatibility",
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Version, owners and routes", body = CfInfo),
        (status = 401, description = "No bearer key, or a wrong one", body = CfResult),
        (status = 503, description = "API_KEY is not set", body = CfResult),
    )
)]
pub(in crate::web) async fn info(
    State(state): State<WebState>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    deprecated(&uri, "GET /api/v1/openapi.json");
    if let Err(refusal) = admit(&state, &headers) {
        return refusal.into_response();
    }
    let config = state.monitor.config();
    // The manager's `usernames`: HF_USER's owners joined by commas (else the owners watched whole).
    let mut owners: Vec<String> = config.owner_tokens.keys().cloned().collect();
    if owners.is_empty() {
        owners = config
            .watch
            .iter()
            .filter(|t| matches!(t, WatchTarget::Owner(_)))
            .map(|t| t.owner().to_owned())
            .collect();
    }
    let endpoint = |path: &str, method: &'static str, description: &'static str| CfEndpoint {
        path: format!("/api/v1/external{path}"),
        method,
        description,
    };
    Json(CfInfo {
        success: true,
        version: "1.0",
        service: "HF Spaces Manager",
        config: CfConfig {
            usernames: owners.join(","),
            version: env!("CARGO_PKG_VERSION"),
        },
        endpoints: vec![
            endpoint("/info", "GET", "获取系统信息"),
            endpoint("/spaces", "GET", "获取所有可用的Spaces列表"),
            endpoint("/spaces/:username", "GET", "获取特定用户的Spaces列表"),
            endpoint("/action/:spaceId/restart", "POST", "重启指定的Space"),
            endpoint("/action/:spaceId/rebuild", "POST", "重建指定的Space"),
            endpoint("/action/:spaceId/pause", "POST", "暂停指定的Space"),
            endpoint("/action/:spaceId/resume", "POST", "恢复指定的Space"),
        ],
    })
    .into_response()
}

/// Every watched Space (deprecated: use `GET /api/v1/spaces`).
#[utoipa::path(
    get,
    path = "/api/v1/external/spaces",
    tag = "compatibility",
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Every watched Space", body = CfList),
        (status = 500, description = "The store could not be read", body = CfFailure),
        (status = 401, description = "No bearer key, or a wrong one", body = CfResult),
        (status = 503, description = "API_KEY is not set", body = CfResult),
    )
)]
pub(in crate::web) async fn list(
    State(state): State<WebState>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    deprecated(&uri, "GET /api/v1/spaces");
    match admit(&state, &headers) {
        Ok(_) => listed(&state, None).await,
        Err(refusal) => refusal.into_response(),
    }
}

/// One owner's watched Spaces; none is `count: 0` (deprecated: use `GET /api/v1/spaces`).
#[utoipa::path(
    get,
    path = "/api/v1/external/spaces/{username}",
    tag = "compatibility",
    security(("api_key" = [])),
    params(("username" = String, Path)),
    responses(
        (status = 200, description = "The owner's watched Spaces", body = CfList),
        (status = 400, description = "No user name", body = CfResult),
        (status = 401, description = "No bearer key, or a wrong one", body = CfResult),
        (status = 503, description = "API_KEY is not set", body = CfResult),
    )
)]
pub(in crate::web) async fn owner_list(
    State(state): State<WebState>,
    headers: HeaderMap,
    uri: Uri,
    Path(username): Path<String>,
) -> Response {
    deprecated(&uri, "GET /api/v1/spaces");
    match admit(&state, &headers) {
        Ok(_) => listed(&state, Some(&username)).await,
        Err(refusal) => refusal.into_response(),
    }
}

/// `GET /spaces/` without a name: the manager's 400.
pub(in crate::web) async fn no_username(
    State(state): State<WebState>,
    headers: HeaderMap,
) -> Response {
    match admit(&state, &headers) {
        Ok(_) => answer(StatusCode::BAD_REQUEST, false, "用户名参数缺失".to_owned()),
        Err(refusal) => refusal.into_response(),
    }
}

/// An action, the Space id as one URL-encoded segment (deprecated: use
/// `POST /api/v1/spaces/{owner}/{name}/{action}`).
#[utoipa::path(
    post,
    path = "/api/v1/external/action/{spaceId}/{action}",
    tag = "compatibility",
    security(("api_key" = [])),
    params(
        ("spaceId" = String, Path, description = "owner%2Fname: the id as one URL-encoded segment"),
        ("action" = String, Path, description = "restart, rebuild, pause or resume"),
    ),
    responses(
        (status = 200, description = "The Hub took the call (…请求已发送)", body = CfResult),
        (status = 400, description = "No id, or no token for that owner", body = CfResult),
        (status = 401, description = "No bearer key, or a wrong one", body = CfResult),
        (status = 404, description = "Not a watched Space (未找到ID为 … 的space), or no such action", body = CfResult),
        (status = 500, description = "The action failed (…Space失败: …)", body = CfResult),
        (status = 503, description = "API_KEY is not set", body = CfResult),
    )
)]
pub(in crate::web) async fn act_encoded(
    State(state): State<WebState>,
    headers: HeaderMap,
    uri: Uri,
    Path((space_id, action)): Path<(String, String)>,
) -> Response {
    run(&state, &headers, &uri, &space_id, &action).await
}

/// The same, with the id as two segments (`owner/name`).
#[utoipa::path(
    post,
    path = "/api/v1/external/action/{owner}/{name}/{action}",
    tag = "compatibility",
    security(("api_key" = [])),
    params(("owner" = String, Path), ("name" = String, Path), ("action" = String, Path)),
    responses(
        (status = 200, description = "The Hub took the call", body = CfResult),
        (status = 400, description = "No token for that owner", body = CfResult),
        (status = 401, description = "No bearer key, or a wrong one", body = CfResult),
        (status = 404, description = "Not a watched Space, or no such action", body = CfResult),
        (status = 500, description = "The action failed", body = CfResult),
        (status = 503, description = "API_KEY is not set", body = CfResult),
    )
)]
pub(in crate::web) async fn act(
    State(state): State<WebState>,
    headers: HeaderMap,
    uri: Uri,
    Path((owner, name, action)): Path<(String, String, String)>,
) -> Response {
    run(&state, &headers, &uri, &format!("{owner}/{name}"), &action).await
}

/// Named on its own in the watch list (not only through `owner/*`).
fn named(state: &WebState, id: &SpaceId) -> bool {
    state
        .monitor
        .config()
        .watch
        .iter()
        .any(|target| matches!(target, WatchTarget::Space(named) if named.key() == id.key()))
}

async fn run(
    state: &WebState,
    headers: &HeaderMap,
    uri: &Uri,
    space_id: &str,
    action: &str,
) -> Response {
    deprecated(uri, "POST /api/v1/spaces/{owner}/{name}/{action}");
    let actor = match admit(state, headers) {
        Ok(actor) => actor,
        Err(refusal) => return refusal.into_response(),
    };
    let Some(verb) = Verb::parse(action) else {
        return answer(StatusCode::NOT_FOUND, false, format!("no action {action}"));
    };
    if space_id.trim().is_empty() {
        return answer(
            StatusCode::BAD_REQUEST,
            false,
            "Space ID参数缺失".to_owned(),
        );
    }
    let unknown = || {
        answer(
            StatusCode::NOT_FOUND,
            false,
            format!("未找到ID为 {space_id} 的space"),
        )
    };
    let Ok(id) = SpaceId::parse(space_id) else {
        return unknown();
    };
    // The manager acted on the Spaces it listed: a watched one the Hub has shown us
    // (or one named in SPACES), not any name under a watched owner.
    let id = match view::space_detail(&state.monitor, &id).await {
        Ok(Some(row)) if row.state.is_some() || named(state, &id) => row.id,
        Ok(_) => return unknown(),
        Err(e) => {
            let reference = crate::telemetry::ErrorRef::log("cannot read a Space", &e);
            return answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                false,
                format!(
                    "{}Space失败: internal error (ref {reference})",
                    verb.chinese()
                ),
            );
        }
    };
    if state.monitor.config().token_for(id.owner()).is_none() {
        let owner = id.owner();
        return answer(
            StatusCode::BAD_REQUEST,
            false,
            format!("无法操作用户 {owner} 的Space：未配置API令牌"),
        );
    }
    let failed = |why: String| {
        answer(
            StatusCode::INTERNAL_SERVER_ERROR,
            false,
            format!("{}Space失败: {why}", verb.chinese()),
        )
    };
    match super::act(state, &actor, &id, verb).await {
        Acted::Accepted(action_id) => {
            let body = CfResult {
                success: true,
                message: format!("Space {id} {}请求已发送", verb.chinese()),
                data: Some(CfActionData {
                    id: id.to_string(),
                    action_id,
                }),
            };
            Json(body).into_response()
        }
        Acted::NotWatched => unknown(),
        Acted::Denied(why) => answer(StatusCode::FORBIDDEN, false, why),
        Acted::Failed(why) => failed(why),
    }
}
