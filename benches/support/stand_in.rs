//! A stand-in for the Hub's Space listing and for every Space's app, answering from
//! memory after a fixed delay, for `benches/scale.rs`. The fake Hub of the tests
//! (tests/api/support/fake_hub/) checks tokens, limits and pages like the Hub and tops
//! out near 330 requests a second; this one does nothing but answer, so what a bench
//! measures is spacewarden. Owners `scale-000`, `scale-001`, …; every Space is RUNNING
//! on cpu-basic and its app answers 200.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The name of owner number `n`.
pub fn owner(n: usize) -> String {
    format!("scale-{n:03}")
}

/// The id of Space number `i` of `owners` owners.
pub fn space(i: usize, owners: usize) -> String {
    format!("{}/space-{i:05}", owner(i % owners))
}

struct Shared {
    /// Each owner's listing, rendered once.
    listings: HashMap<String, String>,
    delay: Duration,
    unexpected: AtomicU64,
}

/// The running stand-in; stops when dropped.
pub struct StandIn {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl StandIn {
    /// `HF_ENDPOINT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `HF_APP_URL_TEMPLATE`.
    pub fn app_url_template(&self) -> String {
        format!("http://{}/app/{{subdomain}}", self.addr)
    }

    /// Requests that were neither a listing nor an app (answered 404).
    pub fn unexpected(&self) -> u64 {
        self.shared.unexpected.load(Ordering::Relaxed)
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `spaces` Spaces spread evenly over `owners` owners.
fn listings(spaces: usize, owners: usize) -> HashMap<String, String> {
    let mut entries: HashMap<String, Vec<serde_json::Value>> = HashMap::new();
    for i in 0..spaces {
        let owner = owner(i % owners);
        let id = space(i, owners);
        let entry = serde_json::json!({
            "id": id,
            "subdomain": id.replace('/', "-"),
            "private": false,
            "sdk": "gradio",
            "runtime": {
                "stage": "RUNNING",
                "hardware": {"current": "cpu-basic", "requested": "cpu-basic"},
                "gcTimeout": 172_800,
            },
        });
        entries.entry(owner).or_default().push(entry);
    }
    entries
        .into_iter()
        .map(|(owner, list)| (owner, serde_json::Value::Array(list).to_string()))
        .collect()
}

/// Binds 127.0.0.1 on a free port and serves until dropped.
pub async fn start(spaces: usize, owners: usize, delay: Duration) -> StandIn {
    let shared = Arc::new(Shared {
        listings: listings(spaces, owners),
        delay,
        unexpected: AtomicU64::new(0),
    });
    let router = Router::new()
        .route("/api/spaces", get(list))
        .route("/app/{*rest}", get(app))
        .fallback(other)
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the stand-in");
    let addr = listener.local_addr().expect("local address");
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    StandIn { addr, shared, task }
}

async fn list(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    tokio::time::sleep(shared.delay).await;
    let owner = query.get("author").map(String::as_str).unwrap_or_default();
    let body = shared.listings.get(owner).cloned().unwrap_or("[]".into());
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn app(State(shared): State<Arc<Shared>>) -> Response {
    tokio::time::sleep(shared.delay).await;
    (StatusCode::OK, "<html><body>ok</body></html>").into_response()
}

async fn other(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    if shared.unexpected.fetch_add(1, Ordering::Relaxed) < 5 {
        eprintln!("stand-in: no answer for {uri}");
    }
    StatusCode::NOT_FOUND.into_response()
}
