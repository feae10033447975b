//! The HTTP side in process: a monitor built the way `spacewarden run` builds it
//! (metered Hub client and probe, live-metrics recording) on a manual clock and the
//! fake Hub, its router driven with tower's `oneshot` (no socket), and helpers to
//! read replies.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use chrono::{TimeZone, Utc};
use spacewarden::alerts::{DeliverySettings, Outbox, deliver_due};
use spacewarden::clock::ManualClock;
use spacewarden::config::Config;
use spacewarden::hub::{HttpProbe, HubClient, HubEndpoints};
use spacewarden::monitor::{Monitor, MonitorParts, SchedulerStatus};
use spacewarden::web::{self, MeteredProbe, Meters, SampleBook, WebState};
use tower::ServiceExt;

use super::app::App;
use super::daemon::{Collector, FAST_REPAIRS};
use super::fake_hub::FakeHub;

pub const API_KEY: &str = "test-api-key-0123456789";

/// One answer, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// A watched set of Spaces behind the web router.
pub struct Site {
    pub hub: FakeHub,
    /// Holds the temporary directory with the database and settings.
    _app: App,
    pub monitor: Monitor,
    pub clock: Arc<ManualClock>,
    pub samples: SampleBook,
    outbox: Outbox,
    state: WebState,
}

impl Site {
    /// `spaces` watched with alice's token; `api_key` turns the API on; `settings` is
    /// appended to the fast repair settings.
    pub async fn new(hub: &FakeHub, spaces: &str, api_key: Option<&str>, settings: &str) -> Site {
        Site::with_env(hub, spaces, api_key, settings, &[]).await
    }

    /// `new` with more environment variables (e.g. the page's sign-in).
    pub async fn with_env(
        hub: &FakeHub,
        spaces: &str,
        api_key: Option<&str>,
        settings: &str,
        env: &[(&str, &str)],
    ) -> Site {
        hub.add_user("alice", "hf_alice");
        let mut app = App::new(hub)
            .env("SPACES", spaces)
            .env("HF_TOKEN", "hf_alice")
            .settings(&format!("{FAST_REPAIRS}{settings}"));
        if let Some(key) = api_key {
            app = app.env("API_KEY", key);
        }
        for (key, value) in env {
            app = app.env(key, value);
        }
        let config = Config::from_lookup(|key| app.var(key)).expect("valid config");
        let meters = Meters::default();
        let samples = SampleBook::default();
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap(),
        ));
        let client = HubClient::new(
            HubEndpoints {
                hub: config.hf_endpoint.clone(),
                spaces_api: config.hf_spaces_api_url.clone(),
            },
            config.hf_timeout,
        )
        .expect("hub client")
        .with_observer(meters.hub_observer())
        .with_observer(samples.hub_observer(clock.clone()));
        let probe = MeteredProbe::new(Arc::new(HttpProbe::new().expect("probe")), meters.clone());
        let outbox = Outbox::new(vec![Arc::new(Collector::default())]);
        let mut parts = MonitorParts::new(
            Arc::new(config),
            Arc::new(client),
            Arc::new(probe),
            app.store().await,
        );
        parts.clock = clock.clone();
        parts.outbox = outbox.clone();
        let monitor = Monitor::new(parts);
        let state = WebState::new(
            monitor.clone(),
            SchedulerStatus::new(monitor.config().check_schedule.clone()),
        )
        .with_meters(meters)
        .with_samples(samples.clone());
        Site {
            hub: hub.clone(),
            _app: app,
            monitor,
            clock,
            samples,
            outbox,
            state,
        }
    }

    /// The state behind the router (to serve it on a real socket).
    pub fn state(&self) -> WebState {
        self.state.clone()
    }

    pub fn router(&self) -> Router {
        web::router(self.state.clone())
    }

    /// The same site with another scheduler status (readiness tests).
    pub fn router_with(&self, scheduler: SchedulerStatus) -> Router {
        let state = WebState::new(self.monitor.clone(), scheduler);
        web::router(state)
    }

    /// A daemon cycle: observe, act, finish repairs, deliver alerts; then five minutes
    /// pass.
    pub async fn cycle(&self) {
        let targets = self.monitor.config().watch.clone();
        self.monitor.tick(&targets).await.expect("cycle");
        self.monitor.settle().await;
        deliver_due(
            self.monitor.store(),
            &self.outbox,
            self.clock.as_ref(),
            &DeliverySettings::default(),
        )
        .await
        .expect("deliver");
        self.clock.advance(std::time::Duration::from_secs(300));
    }

    /// A check only (`spacewarden check`): stored, no alerts, no repairs.
    pub async fn check(&self) {
        let targets = self.monitor.config().watch.clone();
        self.monitor.run_cycle(&targets).await.expect("check");
    }

    pub async fn send(&self, method: Method, path: &str, key: Option<&str>) -> Reply {
        send(&self.router(), method, path, key).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    /// A GET with `Authorization: Bearer API_KEY`.
    pub async fn api_get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, Some(API_KEY)).await
    }

    pub async fn api_post(&self, path: &str) -> Reply {
        self.send(Method::POST, path, Some(API_KEY)).await
    }
}

/// One request through `router` without a socket.
pub async fn send(router: &Router, method: Method, path: &str, key: Option<&str>) -> Reply {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(key) = key {
        request = request.header("authorization", format!("Bearer {key}"));
    }
    let request = request.body(Body::empty()).expect("request");
    send_request(router, request).await
}

/// A built request through `router`, read whole.
pub async fn send_request(router: &Router, request: Request<Body>) -> Reply {
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 16 << 20)
        .await
        .expect("body");
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A browser without a socket: keeps the session cookie it is given, posts forms
/// (`application/x-www-form-urlencoded`), from a given client address.
pub struct Visitor {
    router: Router,
    pub cookie: Option<String>,
    pub peer: std::net::SocketAddr,
    /// Extra headers on every request (`X-Forwarded-For`, `X-Forwarded-Proto`).
    pub headers: Vec<(String, String)>,
}

impl Visitor {
    pub fn new(router: Router) -> Visitor {
        Visitor {
            router,
            cookie: None,
            peer: "192.0.2.10:40000".parse().unwrap(),
            headers: Vec::new(),
        }
    }

    fn request(&self, method: Method, path: &str) -> axum::http::request::Builder {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .extension(axum::extract::ConnectInfo(self.peer));
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        request
    }

    pub async fn get(&self, path: &str) -> Reply {
        let request = self.request(Method::GET, path).body(Body::empty()).unwrap();
        send_request(&self.router, request).await
    }

    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let request = self
            .request(Method::POST, path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let reply = send_request(&self.router, request).await;
        if let Some(set) = reply
            .headers
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
        {
            let pair = set.split(';').next().unwrap_or_default().to_owned();
            self.cookie = (!set.contains("Max-Age=0")).then_some(pair);
        }
        reply
    }

    /// Signs in; panics unless the answer is the 303 with a cookie.
    pub async fn sign_in(&mut self, user: &str, password: &str) {
        let reply = self
            .post("/login", &[("username", user), ("password", password)])
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        assert!(self.cookie.is_some(), "no session cookie");
    }

    /// The CSRF token the page's forms carry.
    pub async fn csrf(&self, path: &str) -> String {
        let page = self.get(path).await;
        let marker = "name=\"csrf\" value=\"";
        let start = page
            .body
            .find(marker)
            .unwrap_or_else(|| panic!("no csrf field on {path}:\n{}", page.body))
            + marker.len();
        page.body[start..]
            .split('"')
            .next()
            .unwrap_or_default()
            .to_owned()
    }
}
