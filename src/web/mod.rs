//! The HTTP side on `PORT` (7860 by default, what Hugging Face expects of a Docker
//! Space): `/healthz` and `/readyz`, the pages for people (with sign-in and actions
//! when `WEB_USERNAME` is set, and live metrics relayed from the Hub), the JSON API
//! under `/api/v1` and `/metrics` for Prometheus. One router per area, merged here,
//! gzip for whoever accepts it; the server loop with its connection limits is in
//! `serve`.
//!
//! axum is used only inside this folder. Everything here reads the store and the
//! scheduler's status; every action (the API's, the page's) goes through the command
//! core like a chat command. Nothing here may print a token or a password: the API
//! key and the page password are compared, never shown.

mod api;
mod assets;
mod auth;
mod compat;
mod error;
mod health;
mod healthcheck;
mod lang;
mod live;
mod metrics;
mod pages;
mod report;
mod samples;
mod serve;
mod starting;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::HeaderValue;
use axum::http::header;
use axum::middleware::{self, Next};
use axum::response::Response;
use secrecy::SecretString;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;

use crate::commands::{Access, CommandCore};
use crate::monitor::{Monitor, SchedulerStatus};
use crate::replica::Replica;
use crate::view::Warmth;

pub use api::openapi_json;
pub use auth::{Argon2Check, CredentialCheck, check_provider, hash_password};
pub use error::{ApiError, ErrorBody};
pub use healthcheck::{Unhealthy, check_health};
pub use metrics::{MeteredProbe, Meters, render_ahead};
pub use report::static_site;
pub use samples::{Sample, SampleBook};
pub use serve::{
    HEADER_READ_TIMEOUT, IDLE_TIMEOUT, LOCAL_RESERVE, MAX_CONNECTIONS, ServeLimits, serve,
    serve_with,
};

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct WebState {
    monitor: Monitor,
    scheduler: SchedulerStatus,
    samples: SampleBook,
    meters: Meters,
    /// `API_KEY`; `None` turns the JSON API off.
    api_key: Option<Arc<SecretString>>,
    /// `API_READ_KEY`: reads only.
    api_read_key: Option<Arc<SecretString>>,
    /// Every action taken over HTTP goes through the command core.
    core: CommandCore,
    /// Sign-in settings and the login throttle.
    auth: Arc<auth::Auth>,
    /// Live metrics, one upstream stream per Space.
    live: live::LiveRelay,
    /// Whether this process acts or follows (replicas on Postgres).
    replica: Replica,
    /// The daemon's first read of the stored history (`starting`); `None` where
    /// requests read it themselves (one-off commands, tests' in-process routers).
    warmth: Option<Warmth>,
}

impl WebState {
    /// The state for `monitor`, with the API key from its configuration.
    pub fn new(monitor: Monitor, scheduler: SchedulerStatus) -> WebState {
        let api_key = monitor.config().api_key.clone().map(Arc::new);
        let api_read_key = monitor.config().api_read_key.clone().map(Arc::new);
        let core = CommandCore::new(monitor.clone(), Access::from_config(monitor.config()), None);
        let samples = SampleBook::default();
        let web = &monitor.config().web;
        WebState {
            core,
            api_read_key,
            auth: Arc::new(auth::Auth::new(
                web,
                &monitor.config().web_access,
                Arc::new(auth::Argon2Check),
            )),
            live: live::LiveRelay::new(monitor.clone(), samples.clone(), web.live_streams),
            monitor,
            scheduler,
            samples,
            meters: Meters::default(),
            api_key,
            replica: Replica::single(),
            warmth: None,
        }
    }

    /// Requests wait on `warmth`, the daemon's read model being built, a short while
    /// and then answer 503 (`starting`).
    pub fn with_warmth(mut self, warmth: Warmth) -> WebState {
        self.warmth = Some(warmth);
        self
    }

    /// The daemon's role (leader or follower), for `/readyz`, `/metrics` and the page.
    pub fn with_replica(mut self, replica: Replica) -> WebState {
        self.replica = replica;
        self
    }

    /// Checks sign-in passwords with `check` instead of argon2 (tests count how many
    /// checks run at once). Call before serving: it starts a fresh throttle.
    pub fn with_credential_check(mut self, check: Arc<dyn CredentialCheck>) -> WebState {
        let config = self.monitor.config();
        self.auth = Arc::new(auth::Auth::new(&config.web, &config.web_access, check));
        self
    }

    /// Uses the daemon's command core (with its "check now" signal).
    pub fn with_core(mut self, core: CommandCore) -> WebState {
        self.core = core;
        self
    }

    /// Shares the live-metrics samples that the daemon's Hub observer fills.
    pub fn with_samples(mut self, samples: SampleBook) -> WebState {
        let max = self.monitor.config().web.live_streams;
        self.live = live::LiveRelay::new(self.monitor.clone(), samples.clone(), max);
        self.samples = samples;
        self
    }

    /// Upstream live-metrics streams open now (tests only: the `testkit` feature).
    #[cfg(any(test, feature = "testkit"))]
    pub fn live_streams_open(&self) -> usize {
        self.live.open_streams()
    }

    /// Shares the counters that the daemon's Hub client and probe feed.
    pub fn with_meters(mut self, meters: Meters) -> WebState {
        self.meters = meters;
        self
    }
}

/// Request bodies at most: the page's forms are a few short fields.
const BODY_LIMIT: usize = 16 * 1024;

/// The whole application: every area's router, merged, with the common headers and
/// gzip (tower-http's predicate leaves event streams, images and tiny answers alone).
pub fn router(state: WebState) -> Router {
    Router::new()
        .merge(health::router())
        .merge(pages::router())
        .merge(auth::router())
        .merge(live::router())
        .merge(assets::router())
        .merge(metrics::router())
        .nest("/api/v1", api::router(state.clone()))
        .merge(compat::router())
        .fallback(pages::not_found)
        // The read model not built yet: 503 after a short wait (inside the private
        // gate, so an anonymous visitor of a private page learns nothing of it).
        .layer(middleware::from_fn_with_state(
            state.clone(),
            starting::starting_gate,
        ))
        // WEB_PRIVATE: anonymous visitors reach only sign-in and health.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::private_gate,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(common_headers))
        .layer(CompressionLayer::new().gzip(true))
        // Outermost: the Node dashboard's path token leaves the URI before any
        // layer or handler sees it. An access log or trace layer goes above this line.
        .layer(middleware::from_fn(compat::redact_path_token))
        .with_state(state)
}

/// `response` with `Retry-After: seconds`: every "too many, come back" answer (sign-in
/// throttled or busy, the read model still being built, `/metrics` busy).
pub(crate) fn retry_later(mut response: Response, seconds: u64) -> Response {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// Binds `PORT` on every interface (a container's port must be reachable from
/// outside it). Port 0 picks a free one; `serve` logs which.
pub async fn bind(port: u16) -> std::io::Result<TcpListener> {
    TcpListener::bind(SocketAddr::from(([0, 0, 0, 0], port))).await
}

/// The bound port, kept by the daemon so that a restarted server (see `supervise`)
/// serves the same socket: each start gets a handle on it.
pub struct SharedListener(std::net::TcpListener);

impl SharedListener {
    pub async fn bind(port: u16) -> std::io::Result<SharedListener> {
        Ok(SharedListener(bind(port).await?.into_std()?))
    }

    /// A tokio listener on the shared socket.
    pub fn handle(&self) -> Result<TcpListener, String> {
        let socket = self
            .0
            .try_clone()
            .and_then(|socket| {
                socket.set_nonblocking(true)?;
                Ok(socket)
            })
            .map_err(|e| format!("cannot reuse the listening socket: {e}"))?;
        TcpListener::from_std(socket).map_err(|e| format!("cannot reuse the listening socket: {e}"))
    }
}

/// Headers on every answer. The policy allows only our own scripts, styles, event
/// streams and form targets (so a hostile Space name that slipped past escaping still
/// could not run, load or post anything elsewhere), and framing by huggingface.co
/// only, which shows a Space's app in an iframe (any other Space's page could frame it
/// while `*.hf.space` was allowed). HTML is never stored by a cache: a signed-in page
/// carries the session's CSRF token and the sign-in form the user name, and every page
/// is the state of one moment anyway.
async fn common_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; base-uri 'none'; form-action 'self'; \
             frame-ancestors https://huggingface.co",
        ),
    );
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}
