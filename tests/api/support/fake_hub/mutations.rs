//! The owner-only mutations: restart (with `?factory=true`), pause,
//! sleeptime and hardware (§3.5-3.8). Each needs a write token of the owner
//! or its org, refuses static Spaces with 400, and answers the runtime JSON.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::list::{auth, first, query_pairs};
use super::render::runtime;
use super::reply;
use super::routes::{Id, Need, gate};
use super::state::{Shared, Space, is_serving};

/// Runs `apply` on the Space if the caller may `verb` it and it is not a
/// static Space (no container: 400, §2.2), then answers its runtime.
fn mutate(
    shared: &Shared,
    id: &str,
    headers: &HeaderMap,
    verb: &'static str,
    apply: impl FnOnce(&mut Space) -> Result<(), Response>,
) -> Response {
    let mut st = shared.lock();
    let caller = st.caller(auth(headers));
    let space = match gate(&mut st, &caller, id, Need::Write(verb)) {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    if space.is_static() {
        return reply::bad_request(&format!("Cannot {verb} a static Space: it has no runtime."));
    }
    match apply(space) {
        Ok(()) => reply::json(StatusCode::OK, &runtime(space)),
        Err(resp) => resp,
    }
}

/// Empty body or `{}` both work (§3.5); the body is ignored.
pub(crate) async fn restart(
    AxState(shared): AxState<Arc<Shared>>,
    Path((ns, name)): Id,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let factory = first(&query_pairs(raw.as_deref()), "factory") == Some("true");
    mutate(
        &shared,
        &format!("{ns}/{name}"),
        &headers,
        "restart",
        |space| {
            let script = match (&space.after_factory, factory) {
                (Some(f), true) => f.clone(),
                _ => space.after_restart.clone(),
            };
            space.start_script(script);
            Ok(())
        },
    )
}

pub(crate) async fn pause(
    AxState(shared): AxState<Arc<Shared>>,
    Path((ns, name)): Id,
    headers: HeaderMap,
) -> Response {
    mutate(
        &shared,
        &format!("{ns}/{name}"),
        &headers,
        "pause",
        |space| {
            space.pending.clear();
            // Nothing runs while paused (the recorded PAUSED reply has current null).
            space.current_hw = None;
            space.enter_stage("PAUSED".to_string());
            Ok(())
        },
    )
}

fn json_body(body: &Bytes) -> Result<Value, Response> {
    serde_json::from_slice(body).map_err(|e| reply::bad_request(&format!("Invalid JSON body: {e}")))
}

pub(crate) async fn sleeptime(
    AxState(shared): AxState<Arc<Shared>>,
    Path((ns, name)): Id,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    mutate(
        &shared,
        &format!("{ns}/{name}"),
        &headers,
        "change the sleep time of",
        |space| {
            let seconds = json_body(&body)?.get("seconds").and_then(Value::as_i64);
            let Some(seconds) = seconds.filter(|s| *s == -1 || *s > 0) else {
                return Err(reply::bad_request(
                    "'seconds' must be a positive integer or -1",
                ));
            };
            // cpu-basic is fixed at 48 h (§3.7): 200, unchanged; the client warns.
            if space.requested_hw.as_deref() != Some("cpu-basic") {
                space.gc_timeout = u64::try_from(seconds).ok();
            }
            Ok(())
        },
    )
}

pub(crate) async fn hardware(
    AxState(shared): AxState<Arc<Shared>>,
    Path((ns, name)): Id,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    mutate(
        &shared,
        &format!("{ns}/{name}"),
        &headers,
        "change the hardware of",
        |space| {
            let body = json_body(&body)?;
            let Some(flavor) = body.get("flavor").and_then(Value::as_str) else {
                return Err(reply::bad_request("'flavor' is required"));
            };
            let sleep = body.get("sleepTimeSeconds").and_then(Value::as_u64);
            space.requested_hw = Some(flavor.to_string());
            space.gc_timeout = if flavor == "cpu-basic" {
                Some(172_800)
            } else {
                sleep
            };
            if space.current_hw.as_deref() != Some(flavor) {
                // The old flavor keeps serving while the new one builds (§3.8).
                let script = if is_serving(&space.stage) {
                    vec!["RUNNING_BUILDING".to_string(), "RUNNING".to_string()]
                } else {
                    space.after_restart.clone()
                };
                space.start_script(script);
            }
            Ok(())
        },
    )
}
