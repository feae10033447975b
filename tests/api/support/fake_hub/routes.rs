//! The Hub's routes (§9.1) other than the list and the SSE streams: whoami,
//! Space info (+ `/revision/{rev}`, `by-subdomain`), runtime and host; the
//! router wiring every Hub route; and the access gate that reproduces the
//! Hub's 401/404/403 choices (§2.2) for all of them.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::json;

use super::accounts::{Caller, whoami};
use super::list::{auth, expand_fields, first, list, query_pairs};
use super::render::{INFO_DEFAULT, hex_id, runtime, space_json};
use super::state::{Shared, Space, State};
use super::{layers, mutations, reply, sse};

pub(crate) type Id = Path<(String, String)>;

pub(crate) fn hub_router(shared: Arc<Shared>) -> Router {
    let space = "/api/spaces/{ns}/{name}";
    Router::new()
        .route("/api/whoami-v2", get(whoami_route))
        .route("/api/spaces", get(list))
        .route("/api/spaces/by-subdomain/{sub}", get(by_subdomain))
        .route(space, get(info))
        .route(&format!("{space}/revision/{{*rev}}"), get(info_at_revision))
        .route(&format!("{space}/runtime"), get(runtime_route))
        .route(&format!("{space}/host"), get(host))
        .route(&format!("{space}/restart"), post(mutations::restart))
        .route(&format!("{space}/pause"), post(mutations::pause))
        .route(&format!("{space}/sleeptime"), post(mutations::sleeptime))
        .route(&format!("{space}/hardware"), post(mutations::hardware))
        .route(&format!("{space}/logs/{{kind}}"), get(sse::logs))
        .route(&format!("{space}/metrics"), get(sse::hub_metrics))
        .fallback(|| async { reply::error(StatusCode::NOT_FOUND, "Not Found") })
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            layers::hub,
        ))
        .with_state(shared)
}

/// What an action needs from the caller.
#[derive(Clone, Copy)]
pub(crate) enum Need {
    /// See the Space (anyone for public ones).
    Read,
    /// Be its owner or a member of its org (logs), any token role.
    Member,
    /// Member with a write token; the verb names the action in the 403.
    Write(&'static str),
}

/// The Hub's access decision. Unseeable or missing: 401 for anonymous
/// callers, 404 `RepoNotFound` for tokens. Seeable but not allowed: 401
/// anonymous, 403 with an `X-Error-Message` for tokens.
pub(crate) fn gate<'a>(
    st: &'a mut State,
    caller: &Caller,
    id: &str,
    need: Need,
) -> Result<&'a mut Space, Response> {
    let anonymous = !matches!(caller, Caller::Token(_));
    let idx = st.spaces.iter().position(|s| s.id == id);
    let Some(idx) = idx.filter(|&i| st.can_read(caller, &st.spaces[i])) else {
        return Err(if anonymous {
            reply::unauthorized()
        } else {
            reply::repo_not_found()
        });
    };
    let space = &st.spaces[idx];
    let allowed = match (need, caller) {
        (Need::Read, _) => true,
        (Need::Member, Caller::Token(t)) => st.is_member(t, space.owner()),
        (Need::Write(_), _) => st.can_write(caller, space),
        (Need::Member, _) => false,
    };
    if !allowed {
        if anonymous {
            return Err(reply::unauthorized());
        }
        let msg = match (need, caller) {
            (Need::Write(verb), Caller::Token(t)) if st.is_member(t, space.owner()) => format!(
                "This token has the '{}' role: you need a token with write access to {verb} {id}.",
                t.role.as_str()
            ),
            (Need::Write(verb), _) => {
                format!("You don't have the rights to {verb} the Space {id}: only its owner can.")
            }
            _ => {
                format!("You don't have access to the logs of the Space {id}: only its owner does.")
            }
        };
        return Err(reply::forbidden(&msg));
    }
    Ok(&mut st.spaces[idx])
}

async fn whoami_route(AxState(shared): AxState<Arc<Shared>>, headers: HeaderMap) -> Response {
    let st = shared.lock();
    match st.caller(auth(&headers)) {
        Caller::Token(t) => reply::json(StatusCode::OK, &whoami(&st, &t)),
        Caller::Invalid => reply::invalid_credentials(),
        Caller::Anonymous => reply::unauthorized(),
    }
}

/// Space info for `id`: default fields, or only `_id`, `id` + `expand`.
fn info_reply(shared: &Shared, id: &str, raw: Option<&str>, headers: &HeaderMap) -> Response {
    let pairs = query_pairs(raw);
    let expand = match expand_fields(&pairs) {
        Ok(e) => e,
        Err(resp) => return resp,
    };
    if expand.is_some() && first(&pairs, "blobs").is_some() {
        return reply::bad_request("Cannot use both 'expand' and 'blobs' parameters");
    }
    let fields = expand.unwrap_or_else(|| INFO_DEFAULT.to_vec());
    let mut st = shared.lock();
    let caller = st.caller(auth(headers));
    let space = match gate(&mut st, &caller, id, Need::Read) {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    if fields.contains(&"runtime") {
        space.advance_on_read();
    }
    let body = space_json(space, &fields, &shared.app_url(&space.subdomain));
    reply::json(StatusCode::OK, &body)
}

async fn info(
    AxState(shared): AxState<Arc<Shared>>,
    Path((ns, name)): Id,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    info_reply(&shared, &format!("{ns}/{name}"), raw.as_deref(), &headers)
}

async fn info_at_revision(
    AxState(shared): AxState<Arc<Shared>>,
    Path((ns, name, rev)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let id = format!("{ns}/{name}");
    let known = ["main", "HEAD"].contains(&rev.as_str()) || rev == hex_id(&format!("{id}@sha"), 40);
    let readable = {
        let mut st = shared.lock();
        let caller = st.caller(auth(&headers));
        gate(&mut st, &caller, &id, Need::Read).map(|_| ())
    };
    match readable {
        // Access errors win over a bad revision, so private repos leak nothing.
        Err(resp) => resp,
        Ok(()) if !known => reply::revision_not_found(&rev),
        Ok(()) => info_reply(&shared, &id, raw.as_deref(), &headers),
    }
}

async fn by_subdomain(
    AxState(shared): AxState<Arc<Shared>>,
    Path(sub): Path<String>,
    headers: HeaderMap,
) -> Response {
    let id = {
        let st = shared.lock();
        st.spaces
            .iter()
            .find(|s| s.reported_subdomain() == Some(sub.as_str()))
            .map(|s| s.id.clone())
    };
    let id = id.unwrap_or_default();
    info_reply(&shared, &id, None, &headers)
}

async fn runtime_route(
    AxState(shared): AxState<Arc<Shared>>,
    Path((ns, name)): Id,
    headers: HeaderMap,
) -> Response {
    let mut st = shared.lock();
    let caller = st.caller(auth(&headers));
    match gate(&mut st, &caller, &format!("{ns}/{name}"), Need::Read) {
        Ok(space) => {
            space.advance_on_read();
            reply::json(StatusCode::OK, &runtime(space))
        }
        Err(resp) => resp,
    }
}

async fn host(
    AxState(shared): AxState<Arc<Shared>>,
    Path((ns, name)): Id,
    headers: HeaderMap,
) -> Response {
    let mut st = shared.lock();
    let caller = st.caller(auth(&headers));
    match gate(&mut st, &caller, &format!("{ns}/{name}"), Need::Read) {
        Ok(space) => {
            let body = match space.reported_subdomain() {
                Some(sub) => json!({ "host": shared.app_url(sub), "subdomain": sub }),
                None => json!({}),
            };
            reply::json(StatusCode::OK, &body)
        }
        Err(resp) => resp,
    }
}
