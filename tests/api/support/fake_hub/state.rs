//! The fake's mutable world and the Space stage machine: scripted
//! transitions after restart / factory reboot / wake, advanced one step per
//! runtime read. Everything lives behind one `std::sync::Mutex` in `Shared`;
//! no lock is held across an await. Accounts and access rules: `accounts`.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::time::Duration;

use super::accounts::{Token, User};
use super::faults::Fault;
use super::limits::Limits;
use super::spec::{LoggedRequest, MetricsSample, SpaceSpec, derive_subdomain};

/// State shared by the three servers and the test's `FakeHub` handle.
pub(crate) struct Shared {
    pub state: Mutex<State>,
    pub hub_url: String,
    pub app_url_template: String,
    /// Set when the last `FakeHub` handle drops, so endless streams stop.
    pub closed: AtomicBool,
    /// Live-metrics streams being served now (see `sse::OpenStream`).
    pub open_metric_streams: AtomicUsize,
}

impl Shared {
    /// Poison-tolerant lock: a panicking test must not cascade into every
    /// later request of the fake.
    pub fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `https://<sub>.hf.space` stands for this URL in the fake.
    pub fn app_url(&self, subdomain: &str) -> String {
        self.app_url_template.replace("{subdomain}", subdomain)
    }
}

pub(crate) struct Space {
    pub id: String,
    pub index: usize,
    pub private: bool,
    pub sdk: String,
    pub stage: String,
    pub pending: VecDeque<String>,
    pub requested_hw: Option<String>,
    pub current_hw: Option<String>,
    pub gc_timeout: Option<u64>,
    pub error_message: Option<String>,
    pub subdomain: String,
    pub omit_subdomain: bool,
    pub app_status: u16,
    pub app_body: String,
    pub app_delay: Duration,
    pub after_restart: Vec<String>,
    pub after_factory: Option<Vec<String>>,
    pub after_wake: Vec<String>,
    pub build_logs: Vec<String>,
    pub run_logs: Vec<String>,
    pub metrics: MetricsSample,
    pub likes: u64,
    pub tags: Vec<String>,
    /// The commit the Space runs (`sha`, 40 hex digits) and when it was made
    /// (`lastModified`, RFC 3339); a push changes both.
    pub sha: String,
    pub last_modified: Option<String>,
}

/// Stages in which a container serves the app.
pub(crate) fn is_serving(stage: &str) -> bool {
    matches!(
        stage,
        "RUNNING" | "RUNNING_BUILDING" | "RUNNING_APP_STARTING"
    )
}

pub(crate) fn is_error_stage(stage: &str) -> bool {
    stage.contains("ERROR") || stage == "NO_APP_FILE"
}

impl Space {
    pub fn new(spec: SpaceSpec, index: usize) -> Self {
        let is_static = spec.sdk == "static";
        let default_hw = if is_static {
            None
        } else {
            Some("cpu-basic".to_string())
        };
        let hardware = spec.hardware.clone().unwrap_or(default_hw);
        let requested = spec.requested_hardware.clone().unwrap_or(hardware.clone());
        // Recorded replies: a never-built (BUILDING) Space and a static Space
        // have `current: null`; otherwise the given flavor is what runs.
        let current =
            spec.current_hardware
                .clone()
                .unwrap_or(if is_static || spec.stage == "BUILDING" {
                    None
                } else {
                    hardware
                });
        let gc_default = (requested.as_deref() == Some("cpu-basic")).then_some(172_800);
        let subdomain = spec
            .subdomain
            .clone()
            .unwrap_or_else(|| derive_subdomain(&spec.id));
        let app_body = spec.app_body.clone().unwrap_or_else(|| {
            format!(
                "<!doctype html><html><head><title>{}</title></head><body>ok</body></html>",
                spec.id
            )
        });
        Space {
            sha: super::render::hex_id(&format!("{}@sha", spec.id), 40),
            last_modified: None,
            index,
            private: spec.private,
            pending: VecDeque::new(),
            requested_hw: requested,
            current_hw: current,
            gc_timeout: spec.gc_timeout.unwrap_or(gc_default),
            subdomain,
            app_body,
            id: spec.id,
            sdk: spec.sdk,
            stage: spec.stage,
            error_message: spec.error_message,
            omit_subdomain: spec.omit_subdomain,
            app_status: spec.app_status,
            app_delay: spec.app_delay,
            after_restart: spec.after_restart,
            after_factory: spec.after_factory,
            after_wake: spec.after_wake,
            build_logs: spec.build_logs,
            run_logs: spec.run_logs,
            metrics: spec.metrics,
            likes: spec.likes,
            tags: spec.tags,
        }
    }

    pub fn owner(&self) -> &str {
        self.id.split('/').next().unwrap_or_default()
    }

    pub fn is_static(&self) -> bool {
        self.sdk == "static"
    }

    /// Moves to `stage`. Reaching RUNNING means the new container is up on
    /// the requested flavor (how a build or a hardware switch completes;
    /// during RUNNING_BUILDING the old flavor still serves, §3.8).
    pub fn enter_stage(&mut self, stage: String) {
        if stage == "RUNNING" && !self.is_static() {
            self.current_hw = self.requested_hw.clone();
        }
        self.stage = stage;
    }

    /// Replaces any running script: the first stage applies now, the rest on
    /// later runtime reads.
    pub fn start_script(&mut self, script: Vec<String>) {
        let mut script: VecDeque<String> = script.into();
        self.pending.clear();
        if let Some(first) = script.pop_front() {
            self.enter_stage(first);
        }
        self.pending = script;
    }

    /// Called for every reply that shows this Space's runtime.
    pub fn advance_on_read(&mut self) {
        if let Some(next) = self.pending.pop_front() {
            self.enter_stage(next);
        }
    }

    /// An app-host visit to a sleeping Space: the whole wake script plays on
    /// the following runtime reads (the visit itself has no Hub reply).
    pub fn wake(&mut self) -> bool {
        let asleep = matches!(self.stage.as_str(), "SLEEPING" | "STOPPED");
        if asleep && self.pending.is_empty() {
            self.pending = self.after_wake.clone().into();
            return true;
        }
        false
    }

    /// The subdomain as the Hub reports it (None for `omit_subdomain`).
    pub fn reported_subdomain(&self) -> Option<&str> {
        (!self.omit_subdomain).then_some(self.subdomain.as_str())
    }
}

/// Everything mutable, behind `Shared::state`.
pub(crate) struct State {
    pub users: HashMap<String, User>,
    pub tokens: HashMap<String, Token>,
    pub orgs: HashMap<String, Vec<String>>,
    pub spaces: Vec<Space>,
    pub page_size: usize,
    pub latency: Duration,
    pub metrics_interval: Duration,
    /// While set, live-metrics streams open but send nothing (`hold_metrics`).
    pub metrics_held: bool,
    /// The next this-many live-metrics requests get 429 with this reset (seconds).
    pub metrics_429: (usize, u64),
    pub limits: Limits,
    pub faults: Vec<Fault>,
    pub log: Vec<LoggedRequest>,
    pub next_seq: u64,
}

impl State {
    pub fn new() -> Self {
        State {
            users: HashMap::new(),
            tokens: HashMap::new(),
            orgs: HashMap::new(),
            spaces: Vec::new(),
            page_size: 1000,
            latency: Duration::ZERO,
            metrics_interval: Duration::from_secs(1),
            metrics_held: false,
            metrics_429: (0, 0),
            limits: Limits::new(),
            faults: Vec::new(),
            log: Vec::new(),
            next_seq: 0,
        }
    }

    pub fn space(&self, id: &str) -> Option<&Space> {
        self.spaces.iter().find(|s| s.id == id)
    }

    pub fn space_mut(&mut self, id: &str) -> Option<&mut Space> {
        self.spaces.iter_mut().find(|s| s.id == id)
    }
}
