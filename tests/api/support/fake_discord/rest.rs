//! The REST front door: one fallback handler routes `/api/v10/...` by hand
//! (so unknown routes get Discord's own 404/405 bodies), after the steps
//! every call goes through in order: outage (502), bot authorization (401),
//! rate limiting (429 or `X-RateLimit-*` headers), injected channel
//! failures. Every call is recorded with the status it got.
//!
//! Choices where the docs are silent: `GET /gateway`, interaction callbacks
//! and interaction webhooks ignore the Authorization header (Discord serves
//! them without one; interactions are authorized by the token in the path),
//! so a wrong bot token reaches the gateway and gets 4004 there; a body
//! that is not JSON is 400 code 50109; a non-numeric id in the path is
//! 50035 NUMBER_TYPE_COERCE; multipart bodies (file uploads) are not
//! supported and are treated as invalid JSON.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, Method, Uri, header};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};
use tokio::time::Instant;

use super::interactions::{self, CallbackReq};
use super::reply::{Reply, form_error};
use super::state::{Shared, State};
use super::types::{CommandScope, Failure, RecordedRequest};
use super::{commands, gateway, messages, payloads, webhooks};

pub(super) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/gateway", get(gateway::upgrade))
        .fallback(handle)
        .with_state(shared)
}

/// A request reduced to what the routes need.
struct Call<'a> {
    method: &'a Method,
    segs: Vec<&'a str>,
    query: Option<&'a str>,
    body: Option<Value>,
    body_is_json: bool,
    now: Instant,
}

async fn handle(
    AxumState(shared): AxumState<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = Instant::now();
    let (parsed, body_is_json) = parse_body(&body);
    let path = uri.path();
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let reply = shared.update(|st| {
        let segs: Vec<&str> = path
            .strip_prefix("/api/v10/")
            .unwrap_or("")
            .split('/')
            .collect();
        let call = Call {
            method: &method,
            segs,
            query: uri.query(),
            body: parsed.clone(),
            body_is_json,
            now,
        };
        let reply = answer(st, &call, path, auth);
        let status = reply.status.as_u16();
        if matches!(status, 401 | 403 | 429) {
            st.invalid_requests += 1;
        }
        st.requests.push(RecordedRequest {
            method: method.to_string(),
            path: path.to_string(),
            query: uri.query().map(str::to_string),
            body: parsed,
            status,
            at: now,
        });
        reply
    });
    reply.into_response()
}

fn parse_body(body: &Bytes) -> (Option<Value>, bool) {
    if body.is_empty() {
        return (None, true);
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => (Some(v), true),
        Err(_) => (
            Some(Value::String(String::from_utf8_lossy(body).into_owned())),
            false,
        ),
    }
}

fn answer(st: &mut State, call: &Call<'_>, path: &str, auth: Option<&str>) -> Reply {
    if st.down {
        return Reply::server_error(502);
    }
    if !path.starts_with("/api/v10/") {
        return Reply::not_found_route();
    }
    // Routes Discord serves without a bot token ignore the header.
    let open_route = matches!(
        call.segs.first(),
        Some(&("webhooks" | "interactions" | "gateway"))
    ) && call.segs != ["gateway", "bot"];
    if !open_route && auth != Some(format!("Bot {}", st.cfg.token).as_str()) {
        return Reply::unauthorized();
    }
    let headers = match st.limits.check(call.method.as_str(), path, call.now) {
        Ok(h) => h,
        Err(limited) => {
            return Reply::json(limited.status, limited.body).with_headers(limited.headers);
        }
    };
    if let ["channels", id, ..] = call.segs.as_slice()
        && let Some(failure) = id.parse().ok().and_then(|id| st.take_failure(id))
    {
        return failure_reply(failure).with_headers(headers);
    }
    if !call.body_is_json {
        return Reply::bad_json().with_headers(headers);
    }
    route(st, call).unwrap_or_else(|r| r).with_headers(headers)
}

fn failure_reply(f: Failure) -> Reply {
    match f {
        Failure::ServerError(status) => Reply::server_error(status),
        Failure::Forbidden => Reply::missing_access(),
        Failure::MissingPermissions => Reply::missing_permissions(),
        Failure::Unknown => Reply::unknown_channel(),
        Failure::Unauthorized => Reply::unauthorized(),
    }
}

fn id(seg: &str, field: &str) -> Result<u64, Reply> {
    seg.parse().map_err(|_| {
        let msg = format!("Value \"{seg}\" is not snowflake.");
        Reply::invalid_form(
            json!({ field: { "_errors": [form_error("NUMBER_TYPE_COERCE", msg)] } }),
        )
    })
}

fn route(st: &mut State, call: &Call<'_>) -> Result<Reply, Reply> {
    let empty = Value::Null;
    let body = call.body.as_ref().unwrap_or(&empty);
    let m = call.method;
    let is = |want: &Method| m == want;
    let with_response = call.query.is_some_and(|q| q.contains("with_response=true"));
    let reply = match call.segs.as_slice() {
        ["gateway"] if is(&Method::GET) => Reply::ok(json!({ "url": st.gateway_url })),
        ["gateway", "bot"] if is(&Method::GET) => Reply::ok(json!({
            "url": st.gateway_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1
            },
        })),
        ["users", "@me"] if is(&Method::GET) => Reply::ok(payloads::current_user(st)),
        ["oauth2", "applications", "@me"] | ["applications", "@me"] if is(&Method::GET) => {
            Reply::ok(payloads::application(st))
        }
        ["applications", app, "commands"] => {
            own_app(st, app)?;
            commands_route(st, m, CommandScope::Global, body)?
        }
        ["applications", app, "guilds", guild, "commands"] => {
            own_app(st, app)?;
            let guild = id(guild, "guild_id")?;
            if !st.guilds.iter().any(|g| g.id == guild) {
                return Err(Reply::missing_access());
            }
            commands_route(st, m, CommandScope::Guild(guild), body)?
        }
        ["channels", ch] if is(&Method::GET) => messages::get_channel(st, id(ch, "channel_id")?),
        ["channels", ch, "messages"] if is(&Method::POST) => {
            messages::post(st, id(ch, "channel_id")?, body)
        }
        ["channels", ch, "messages"] if is(&Method::GET) => {
            messages::list(st, id(ch, "channel_id")?)
        }
        ["channels", ch, "messages", msg] if is(&Method::PATCH) => {
            messages::patch(st, id(ch, "channel_id")?, id(msg, "message_id")?, body)
        }
        ["channels", ch, "messages", msg] if is(&Method::GET) => {
            messages::get(st, id(ch, "channel_id")?, id(msg, "message_id")?)
        }
        ["interactions", iid, token, "callback"] if is(&Method::POST) => {
            let Ok(iid) = iid.parse() else {
                return Err(Reply::unknown_interaction());
            };
            interactions::callback(
                st,
                CallbackReq {
                    id: iid,
                    token,
                    body,
                    with_response,
                    now: call.now,
                },
            )
        }
        ["webhooks", app, token] if is(&Method::POST) => {
            webhooks::followup(st, id(app, "webhook_id")?, token, body, call.now)
        }
        ["webhooks", app, token, "messages", "@original"] => {
            let app = id(app, "webhook_id")?;
            match *m {
                Method::GET => webhooks::get_original(st, app, token, call.now),
                Method::PATCH => webhooks::edit_message(st, app, token, None, body, call.now),
                Method::DELETE => webhooks::delete_original(st, app, token, call.now),
                _ => Reply::method_not_allowed(),
            }
        }
        ["webhooks", app, token, "messages", msg] if is(&Method::PATCH) => {
            let (app, msg) = (id(app, "webhook_id")?, id(msg, "message_id")?);
            webhooks::edit_message(st, app, token, Some(msg), body, call.now)
        }
        [
            "gateway" | "users" | "oauth2" | "applications" | "channels" | "interactions"
            | "webhooks",
            ..,
        ] if known_path(&call.segs) => Reply::method_not_allowed(),
        _ => Reply::not_found_route(),
    };
    Ok(reply)
}

/// A path some route serves with another method (for 405 vs 404).
fn known_path(segs: &[&str]) -> bool {
    matches!(
        segs,
        ["gateway"]
            | ["gateway", "bot"]
            | ["users", "@me"]
            | ["channels", _]
            | ["channels", _, "messages"]
            | ["channels", _, "messages", _]
            | ["interactions", _, _, "callback"]
            | ["webhooks", _, _]
            | ["webhooks", _, _, "messages", _]
    )
}

fn own_app(st: &State, app: &str) -> Result<(), Reply> {
    if id(app, "application_id")? == st.cfg.application_id {
        Ok(())
    } else {
        Err(Reply::missing_access())
    }
}

fn commands_route(
    st: &mut State,
    m: &Method,
    scope: CommandScope,
    body: &Value,
) -> Result<Reply, Reply> {
    Ok(match *m {
        Method::GET => commands::list(st, scope),
        Method::PUT => commands::overwrite(st, scope, body),
        _ => Reply::method_not_allowed(),
    })
}
