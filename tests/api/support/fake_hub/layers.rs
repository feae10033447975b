//! Middleware. Every request on every host is logged first (so faulted and
//! never-answered ones show up too) and gets its status filled in on the way
//! out. Hub requests then pass, in order: injected latency, the rate limiter,
//! fault rules, the bad-token check, the route; and every Hub reply gets the
//! headers the real one carries (§1.3, §2.3).

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use super::accounts::Caller;
use super::faults::{self, FaultKind};
use super::limits::{Verdict, forced_verdict};
use super::render::hex_id;
use super::reply;
use super::spec::{HostKind, LoggedRequest};
use super::state::Shared;

/// Longest body the fake reads; real clients send tiny JSON bodies.
const BODY_LIMIT: usize = 1 << 20;
/// "Never" for `FaultKind::Timeout`: far beyond any client timeout.
const FOREVER: Duration = Duration::from_secs(3600);

const EXPOSE_HEADERS: &str = "X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,Accept-Ranges,Content-Range";

/// Appends the request to the log; returns its sequence number and the
/// request rebuilt around the buffered body.
async fn record(shared: &Shared, host: HostKind, req: Request) -> (u64, Request) {
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, BODY_LIMIT).await.unwrap_or_default();
    let authorization = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut st = shared.lock();
    st.next_seq += 1;
    let seq = st.next_seq;
    st.log.push(LoggedRequest {
        host,
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        authorization,
        headers: parts.headers.clone(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
        status: None,
        arrived: std::time::Instant::now(),
        answered: None,
        reply_headers: axum::http::HeaderMap::new(),
        fault: None,
        seq,
    });
    drop(st);
    (seq, Request::from_parts(parts, Body::from(bytes)))
}

fn finish(shared: &Shared, seq: u64, resp: &Response) {
    let mut st = shared.lock();
    if let Some(entry) = st.log.iter_mut().rev().find(|e| e.seq == seq) {
        entry.status = Some(resp.status().as_u16());
        entry.answered = Some(std::time::Instant::now());
        entry.reply_headers = resp.headers().clone();
    }
}

fn note_fault(st: &mut super::state::State, seq: u64, fault: &FaultKind) {
    if let Some(entry) = st.log.iter_mut().rev().find(|e| e.seq == seq) {
        entry.fault = Some(fault.clone());
    }
}

/// Logging only: the live-metrics and app hosts.
pub(crate) async fn log_only(
    State((shared, host)): State<(Arc<Shared>, HostKind)>,
    req: Request,
    next: Next,
) -> Response {
    let (seq, req) = record(&shared, host, req).await;
    let resp = next.run(req).await;
    finish(&shared, seq, &resp);
    resp
}

/// `Root=1-<8 hex>-<24 hex>`, then `;<trace id>` when the client sent
/// `X-Amzn-Trace-Id`, as in the recorded replies.
fn request_id(seq: u64, trace: Option<&str>) -> String {
    let secs = chrono::Utc::now().timestamp() as u32;
    let mut id = format!(
        "Root=1-{secs:08x}-{}",
        hex_id(&format!("request {seq} {secs}"), 24)
    );
    if let Some(t) = trace {
        id.push(';');
        id.push_str(t);
    }
    id
}

pub(crate) async fn hub(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let trace = req
        .headers()
        .get("x-amzn-trace-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let (seq, req) = record(&shared, HostKind::Hub, req).await;
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let method = req.method().to_string();
    let is_whoami = req.uri().path() == "/api/whoami-v2";

    let (latency, caller, mut verdict, fault) = {
        let mut st = shared.lock();
        let auth = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let caller = st.caller(auth);
        let key = match &caller {
            Caller::Token(_) => auth.unwrap_or_default().to_string(),
            _ => "anonymous".to_string(),
        };
        let verdict = st.limits.count(&key, is_whoami);
        let fault = faults::take(&mut st.faults, &method, &path_and_query);
        if let Some(kind) = fault.as_ref().filter(|_| !verdict.limited) {
            note_fault(&mut st, seq, kind);
        }
        (st.latency, caller, verdict, fault)
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }

    let resp = if verdict.limited {
        reply::too_many_requests(&verdict)
    } else {
        match fault {
            Some(FaultKind::Status(code)) => faults::status_reply(code),
            Some(FaultKind::Garbage) => faults::garbage(),
            Some(FaultKind::RateLimited { reset_secs }) => {
                verdict = forced_verdict(&shared.lock().limits, reset_secs);
                reply::too_many_requests(&verdict)
            }
            Some(FaultKind::Timeout) => {
                tokio::time::sleep(FOREVER).await;
                faults::status_reply(504)
            }
            Some(FaultKind::Close) => {
                // Never answered: the log keeps no status, as for a timeout.
                return faults::close_connection();
            }
            Some(FaultKind::Hang(d)) => {
                tokio::time::sleep(d).await;
                route(caller, req, next).await
            }
            None => route(caller, req, next).await,
        }
    };
    let resp = with_hub_headers(resp, seq, trace.as_deref(), &verdict);
    finish(&shared, seq, &resp);
    resp
}

/// A token the Hub does not know is refused on every route, public or not.
async fn route(caller: Caller, req: Request, next: Next) -> Response {
    match caller {
        Caller::Invalid => reply::invalid_credentials(),
        _ => next.run(req).await,
    }
}

fn with_hub_headers(mut resp: Response, seq: u64, trace: Option<&str>, v: &Verdict) -> Response {
    let h = resp.headers_mut();
    let mut set = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    };
    set("x-powered-by", "huggingface-moon".into());
    set("x-request-id", request_id(seq, trace));
    set("ratelimit", v.ratelimit_header());
    set("ratelimit-policy", v.policy_header());
    set("access-control-expose-headers", EXPOSE_HEADERS.into());
    resp
}
