//! Public value types a test uses to seed Spaces and read the log: the
//! `SpaceSpec` builder, live-metric samples, logged requests, plus the
//! `owner/name` → subdomain rule of reference §8.

use std::time::Duration;

/// Which of the three listeners received a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostKind {
    Hub,
    Metrics,
    App,
}

/// One request as the fake saw it. `status` is filled in when the reply
/// leaves (None while pending, or for a request that never got an answer,
/// e.g. a `FaultKind::Timeout`).
#[derive(Clone, Debug)]
pub struct LoggedRequest {
    pub host: HostKind,
    pub method: String,
    pub path: String,
    /// The raw query string, without `?` ("" when absent).
    pub query: String,
    /// The full `Authorization` header value, e.g. `Bearer hf_alice`.
    pub authorization: Option<String>,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    pub status: Option<u16>,
    /// When the request arrived, and when its reply left (None while pending).
    pub arrived: std::time::Instant,
    pub answered: Option<std::time::Instant>,
    /// The headers of the reply (empty until it left), e.g. the `RateLimit`
    /// a 429 announced.
    pub reply_headers: axum::http::HeaderMap,
    /// The injected fault this request met, if any.
    pub fault: Option<super::FaultKind>,
    /// Log order; lets the reply find its entry even after `clear_requests`.
    pub(crate) seq: u64,
}

/// The per-Space values of a live-metrics event (reference §3.13).
/// `memory_total_bytes` is not here: it follows the Space's hardware (§6).
#[derive(Clone, Debug, PartialEq)]
pub struct MetricsSample {
    pub cpu_usage_pct: f64,
    pub cpu_millicores: u64,
    pub memory_used_bytes: u64,
    pub rx_bps: u64,
    pub tx_bps: u64,
    pub replica: String,
}

impl Default for MetricsSample {
    fn default() -> Self {
        MetricsSample {
            cpu_usage_pct: 3.5,
            cpu_millicores: 70,
            memory_used_bytes: 512 * 1024 * 1024,
            rx_bps: 1200,
            tx_bps: 800,
            replica: "r7x2k".to_string(),
        }
    }
}

/// Describes one Space to seed. Unset options get the defaults documented
/// on each method; `add_space` resolves them.
#[derive(Clone, Debug)]
pub struct SpaceSpec {
    pub(crate) id: String,
    pub(crate) private: bool,
    pub(crate) sdk: String,
    pub(crate) stage: String,
    pub(crate) hardware: Option<Option<String>>,
    pub(crate) requested_hardware: Option<Option<String>>,
    pub(crate) current_hardware: Option<Option<String>>,
    pub(crate) error_message: Option<String>,
    pub(crate) gc_timeout: Option<Option<u64>>,
    pub(crate) subdomain: Option<String>,
    pub(crate) omit_subdomain: bool,
    pub(crate) app_status: u16,
    pub(crate) app_body: Option<String>,
    pub(crate) app_delay: Duration,
    pub(crate) after_restart: Vec<String>,
    pub(crate) after_factory: Option<Vec<String>>,
    pub(crate) after_wake: Vec<String>,
    pub(crate) build_logs: Vec<String>,
    pub(crate) run_logs: Vec<String>,
    pub(crate) metrics: MetricsSample,
    pub(crate) likes: u64,
    pub(crate) tags: Vec<String>,
}

fn strings(v: Vec<&str>) -> Vec<String> {
    v.into_iter().map(str::to_string).collect()
}

impl SpaceSpec {
    /// A public, RUNNING gradio Space on cpu-basic whose app answers 200.
    pub fn new(id: &str) -> Self {
        SpaceSpec {
            id: id.to_string(),
            private: false,
            sdk: "gradio".into(),
            stage: "RUNNING".into(),
            hardware: None,
            requested_hardware: None,
            current_hardware: None,
            error_message: None,
            gc_timeout: None,
            subdomain: None,
            omit_subdomain: false,
            app_status: 200,
            app_body: None,
            app_delay: Duration::ZERO,
            after_restart: strings(vec!["BUILDING", "APP_STARTING", "RUNNING"]),
            after_factory: None,
            after_wake: strings(vec!["APP_STARTING", "RUNNING"]),
            build_logs: Vec::new(),
            run_logs: Vec::new(),
            metrics: MetricsSample::default(),
            likes: 0,
            tags: Vec::new(),
        }
    }
    pub fn private(mut self, private: bool) -> Self {
        self.private = private;
        self
    }
    /// Static Spaces default to `hardware {current: null, requested: null}`.
    pub fn sdk(mut self, sdk: &str) -> Self {
        self.sdk = sdk.to_string();
        self
    }
    /// Any string, including stages the client does not know yet.
    pub fn stage(mut self, stage: &str) -> Self {
        self.stage = stage.to_string();
        self
    }
    /// Requested flavor (and current, unless the stage says nothing runs).
    pub fn hardware(mut self, flavor: Option<&str>) -> Self {
        self.hardware = Some(flavor.map(str::to_string));
        self
    }
    pub fn requested_hardware(mut self, flavor: Option<&str>) -> Self {
        self.requested_hardware = Some(flavor.map(str::to_string));
        self
    }
    /// Overrides the default `hardware.current` (see `state::Space::new`).
    pub fn current_hardware(mut self, flavor: Option<&str>) -> Self {
        self.current_hardware = Some(flavor.map(str::to_string));
        self
    }
    pub fn error_message(mut self, msg: &str) -> Self {
        self.error_message = Some(msg.to_string());
        self
    }
    /// Default: 172800 on cpu-basic, null otherwise.
    pub fn gc_timeout(mut self, secs: Option<u64>) -> Self {
        self.gc_timeout = Some(secs);
        self
    }
    /// Default: `derive_subdomain(id)`.
    pub fn subdomain(mut self, sub: Option<&str>) -> Self {
        self.subdomain = sub.map(str::to_string);
        self
    }
    /// The Hub's replies carry no `subdomain`/`host` and empty `domains`;
    /// the app host still serves the Space at the derived subdomain.
    pub fn omit_subdomain(mut self) -> Self {
        self.omit_subdomain = true;
        self
    }
    pub fn app(mut self, status: u16, body: &str) -> Self {
        self.app_status = status;
        self.app_body = Some(body.to_string());
        self
    }
    pub fn app_delay(mut self, delay: Duration) -> Self {
        self.app_delay = delay;
        self
    }
    /// Stages after a restart: the reply shows the first, each later runtime
    /// read advances one step. Default BUILDING, APP_STARTING, RUNNING.
    pub fn after_restart(mut self, stages: Vec<&str>) -> Self {
        self.after_restart = strings(stages);
        self
    }
    /// Same for `?factory=true`; defaults to `after_restart`.
    pub fn after_factory(mut self, stages: Vec<&str>) -> Self {
        self.after_factory = Some(strings(stages));
        self
    }
    /// Stages seen on the runtime reads that follow an app-host visit to a
    /// SLEEPING/STOPPED Space. Default APP_STARTING, RUNNING.
    pub fn after_wake(mut self, stages: Vec<&str>) -> Self {
        self.after_wake = strings(stages);
        self
    }
    pub fn build_logs(mut self, lines: Vec<&str>) -> Self {
        self.build_logs = strings(lines);
        self
    }
    pub fn run_logs(mut self, lines: Vec<&str>) -> Self {
        self.run_logs = strings(lines);
        self
    }
    pub fn metrics(mut self, sample: MetricsSample) -> Self {
        self.metrics = sample;
        self
    }
    pub fn likes(mut self, likes: u64) -> Self {
        self.likes = likes;
        self
    }
    pub fn tags(mut self, tags: Vec<&str>) -> Self {
        self.tags = strings(tags);
        self
    }
}

/// Reference §8: lowercase `owner-name`, collapse each run of characters
/// outside `[a-z0-9-]` into one `-` (the collapsing variant is the more
/// likely server rule; the API's own `subdomain` always wins in clients).
pub fn derive_subdomain(id: &str) -> String {
    let joined = id.replacen('/', "-", 1).to_lowercase();
    let mut out = String::with_capacity(joined.len());
    let mut in_run = false;
    for c in joined.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('-');
            in_run = true;
        }
    }
    out
}

/// Bytes of RAM per flavor, for `memory_total_bytes` (§6 gives cpu-basic
/// 16 GB and cpu-upgrade 32 GB; other flavors fall back to 16 GiB).
pub(crate) fn memory_total_bytes(flavor: Option<&str>) -> u64 {
    const GIB: u64 = 1024 * 1024 * 1024;
    match flavor {
        Some("cpu-upgrade") => 32 * GIB,
        _ => 16 * GIB,
    }
}
