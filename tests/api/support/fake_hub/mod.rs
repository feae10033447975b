//! A faithful fake of the Hugging Face Hub for integration tests, built to
//! the contract in `shared/reference/hf-api.md`: real paths, recorded JSON
//! shapes, real error codes and headers. One `FakeHub` runs three listeners
//! on 127.0.0.1: the Hub (`hub_url`), the live-metrics host standing in for
//! api.hf.space (`metrics_url`) and a path-routed app host standing in for
//! `{subdomain}.hf.space` (`app_url_template`). Tests seed and steer it with
//! the sync methods below and read back every request it saw.
//!
//! Choices where the reference is silent (each also noted where it is made):
//! - A token the Hub does not know gets 401 "Invalid credentials in
//!   Authorization header" on every Hub route, public ones included.
//! - List: insertion order (`sort` ignored); `Link` only while more items
//!   follow; `expand` with `full` → 400; a bad `limit` or `cursor` → 400.
//! - `hardware.current` is null for static Spaces, for a Space seeded in
//!   BUILDING (never built), and from a pause until it is RUNNING again.
//! - `errorMessage` shows only while the stage is an error stage.
//! - App host: anything not serving answers 503 HTML; a private app wants a
//!   token that can read it (401 otherwise, and no wake).
//! - Live metrics: streamed whatever the stage; private Space → 401 without
//!   a token that can read it; unknown Space → 404.
//! - Whoami counts in the `api` window and in its own, tighter one.
//! - 400/403/429 texts are the fake's wording in the Hub's shape
//!   (`{"error"}` body mirrored in `X-Error-Message`).
#![allow(dead_code)]
// Handlers return ready-made `Response`s as their error type, the axum idiom;
// boxing them to please this lint would only add noise to a test double.
#![allow(clippy::result_large_err)]

mod accounts;
mod app_host;
mod faults;
mod layers;
mod limits;
mod list;
mod mutations;
mod render;
mod reply;
mod requests;
mod routes;
mod spec;
mod sse;
mod state;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

// The public surface; a test binary need not name every item.
#[allow(unused_imports)]
pub use accounts::TokenRole;
#[allow(unused_imports)]
pub use faults::{Fault, FaultKind};
#[allow(unused_imports)]
pub use spec::{HostKind, LoggedRequest, MetricsSample, SpaceSpec, derive_subdomain};

use state::{Shared, Space, State};

/// Handle to a running fake; clones share it. The servers stop when the last
/// clone is dropped (and with the test's runtime in any case).
#[derive(Clone)]
pub struct FakeHub {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    metrics_addr: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Ends live-metrics streams still held open by clients, then the
        // accept loops.
        self.shared.closed.store(true, Ordering::Relaxed);
        for task in &self.tasks {
            task.abort();
        }
    }
}

async fn bind() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("fake hub: bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("fake hub: local_addr");
    (listener, addr)
}

fn serve(listener: TcpListener, router: axum::Router) -> JoinHandle<()> {
    tokio::spawn(async move {
        // Errors here only mean the test runtime is going away.
        let _ = axum::serve(listener, router).await;
    })
}

impl FakeHub {
    /// Binds the three listeners and starts serving. No users, no Spaces.
    pub async fn start() -> FakeHub {
        let (hub, hub_addr) = bind().await;
        let (metrics, metrics_addr) = bind().await;
        let (app, app_addr) = bind().await;
        let shared = Arc::new(Shared {
            state: Mutex::new(State::new()),
            hub_url: format!("http://{hub_addr}"),
            app_url_template: format!("http://{app_addr}/{{subdomain}}"),
            closed: AtomicBool::new(false),
            open_metric_streams: AtomicUsize::new(0),
        });
        let tasks = vec![
            serve(hub, routes::hub_router(shared.clone())),
            serve(metrics, sse::metrics_router(shared.clone())),
            serve(app, app_host::app_router(shared.clone())),
        ];
        FakeHub {
            inner: Arc::new(Inner {
                shared,
                metrics_addr,
                tasks,
            }),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.inner.shared.lock())
    }

    fn with_space<R>(&self, id: &str, f: impl FnOnce(&mut Space) -> R) -> R {
        self.with(|st| {
            f(st.space_mut(id)
                .unwrap_or_else(|| panic!("fake hub: no Space {id}")))
        })
    }

    // ---- addresses ----

    /// e.g. `http://127.0.0.1:41234`, no trailing slash (the `HF_ENDPOINT`).
    pub fn hub_url(&self) -> String {
        self.inner.shared.hub_url.clone()
    }

    /// Stand-in for `https://api.hf.space`, no trailing slash.
    pub fn metrics_url(&self) -> String {
        format!("http://{}", self.inner.metrics_addr)
    }

    /// `http://127.0.0.1:PORT/{subdomain}` with a literal `{subdomain}`.
    pub fn app_url_template(&self) -> String {
        self.inner.shared.app_url_template.clone()
    }

    /// The app URL of a seeded Space (its configured or derived subdomain).
    pub fn app_url(&self, id: &str) -> String {
        let sub = self.with_space(id, |s| s.subdomain.clone());
        self.inner.shared.app_url(&sub)
    }

    // ---- accounts ----

    /// A user with a write token.
    pub fn add_user(&self, name: &str, token: &str) -> &Self {
        self.add_token(token, name, TokenRole::Write)
    }

    /// Another token for `user` (created if unknown).
    pub fn add_token(&self, token: &str, user: &str, role: TokenRole) -> &Self {
        self.with(|st| st.add_token(token, user, role));
        self
    }

    /// An org whose members may see its private Spaces and, with a write
    /// token, manage its Spaces.
    pub fn add_org(&self, org: &str, members: &[&str]) -> &Self {
        self.with(|st| st.add_org(org, members));
        self
    }

    // ---- Spaces ----

    /// Seeds a Space (replacing one with the same id). List order is
    /// insertion order.
    pub fn add_space(&self, spec: SpaceSpec) -> &Self {
        self.with(|st| match st.spaces.iter().position(|s| s.id == spec.id) {
            Some(i) => st.spaces[i] = Space::new(spec, i),
            None => {
                let index = st.spaces.len();
                st.spaces.push(Space::new(spec, index));
            }
        });
        self
    }

    pub fn remove_space(&self, id: &str) {
        self.with(|st| st.spaces.retain(|s| s.id != id));
    }

    /// Sets the stage now and drops any scripted transitions.
    pub fn set_stage(&self, id: &str, stage: &str) {
        self.with_space(id, |s| {
            s.pending.clear();
            s.enter_stage(stage.to_string());
        });
    }

    /// A push to the Space's repository: a new `sha` and `lastModified` (`at`), and
    /// the rebuild it starts, one stage per later runtime read (as after a restart).
    pub fn push_commit(
        &self,
        id: &str,
        sha: &str,
        at: chrono::DateTime<chrono::Utc>,
        stages: Vec<&str>,
    ) {
        self.with_space(id, |s| {
            s.sha = sha.to_string();
            s.last_modified = Some(at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string());
            s.start_script(stages.into_iter().map(str::to_string).collect());
        });
    }

    /// The `sha` the Hub reports for the Space.
    pub fn sha(&self, id: &str) -> String {
        self.with_space(id, |s| s.sha.clone())
    }

    /// Shown as `errorMessage` while the stage is an error stage.
    pub fn set_error_message(&self, id: &str, msg: Option<&str>) {
        self.with_space(id, |s| s.error_message = msg.map(str::to_string));
    }

    pub fn set_app(&self, id: &str, status: u16, body: &str) {
        self.with_space(id, |s| {
            s.app_status = status;
            s.app_body = body.to_string();
        });
    }

    pub fn set_app_delay(&self, id: &str, delay: Duration) {
        self.with_space(id, |s| s.app_delay = delay);
    }

    pub fn set_private(&self, id: &str, private: bool) {
        self.with_space(id, |s| s.private = private);
    }

    pub fn set_metrics(&self, id: &str, sample: MetricsSample) {
        self.with_space(id, |s| s.metrics = sample);
    }

    /// The current stage, without advancing any script.
    pub fn stage(&self, id: &str) -> String {
        self.with_space(id, |s| s.stage.clone())
    }

    /// Scripted stages still to come, one per runtime read: non-empty right
    /// after a restart or an app visit that woke a sleeping Space (whose
    /// `stage` still reads SLEEPING until the next read).
    pub fn pending_stages(&self, id: &str) -> Vec<String> {
        self.with_space(id, |s| s.pending.iter().cloned().collect())
    }

    /// The runtime JSON the Hub would show now, without advancing.
    pub fn runtime(&self, id: &str) -> serde_json::Value {
        self.with_space(id, |s| {
            serde_json::to_value(render::runtime(s)).unwrap_or_default()
        })
    }

    // ---- behaviour knobs ----

    /// Most items per list page (default 1000); a smaller `limit` wins.
    pub fn set_page_size(&self, n: usize) {
        self.with(|st| st.page_size = n.max(1));
    }

    /// Delay before every Hub reply.
    pub fn set_latency(&self, latency: Duration) {
        self.with(|st| st.latency = latency);
    }

    /// Live-metrics event period (default 1 s).
    pub fn set_metrics_interval(&self, interval: Duration) {
        self.with(|st| st.metrics_interval = interval);
    }

    /// Live-metrics streams open now (a client still connected). A stream whose
    /// client left is noticed at its next write, so wait for this with a short
    /// `set_metrics_interval`.
    pub fn open_metric_streams(&self) -> usize {
        self.inner.shared.open_metric_streams.load(Ordering::SeqCst)
    }

    /// While `held`, live-metrics streams open (and count as open) but send no event:
    /// a test sees how many a client holds at once. Releasing lets them flow.
    pub fn hold_metrics(&self, held: bool) {
        self.with(|st| st.metrics_held = held);
    }

    /// The next `n` live-metrics requests are answered 429, with `RateLimit` r=0 and
    /// `Retry-After` saying `reset_secs` (the live-metrics host counts against the
    /// same token's budget as the Hub).
    pub fn reject_metrics(&self, n: usize, reset_secs: u64) {
        self.with(|st| st.metrics_429 = (n, reset_secs));
    }

    /// Per-token fixed window for the `api` bucket (default 1000 / 300 s).
    pub fn set_rate_limit(&self, quota: u64, window_secs: u64) {
        self.with(|st| st.limits.set_api(quota, window_secs));
    }

    /// The stricter whoami window (default 100 / 300 s).
    pub fn set_whoami_rate_limit(&self, quota: u64, window_secs: u64) {
        self.with(|st| st.limits.set_whoami(quota, window_secs));
    }

    /// Every caller is at r=0 until the current window ends.
    pub fn exhaust_rate_limit(&self) {
        self.with(|st| st.limits.exhaust());
    }

    pub fn inject(&self, fault: Fault) {
        self.with(|st| st.faults.push(fault));
    }

    pub fn clear_faults(&self) {
        self.with(|st| st.faults.clear());
    }
}
