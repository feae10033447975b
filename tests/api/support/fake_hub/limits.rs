//! Rate limiting as the Hub does it (reference §2.3): fixed windows counted
//! per token (anonymous callers share one per-IP bucket, and every caller
//! here is 127.0.0.1), the `RateLimit`/`RateLimit-Policy` header values for
//! every reply, and a tighter separate window for `/api/whoami-v2` (§9.4).
//! Time comes from `tokio::time::Instant` so a test with a paused clock can
//! advance past a window.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

pub(crate) struct Window {
    pub quota: u64,
    pub window: Duration,
    start: Option<Instant>,
    counts: HashMap<String, u64>,
    /// Set by `exhaust`: everyone is at r=0 until the window rolls over.
    exhausted: bool,
}

/// The outcome of counting one request; rendered into headers.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Verdict {
    pub limited: bool,
    pub remaining: u64,
    pub reset_secs: u64,
    pub quota: u64,
    pub window_secs: u64,
}

impl Verdict {
    /// `RateLimit: "api";r=<remaining>;t=<secs>`
    pub fn ratelimit_header(&self) -> String {
        format!("\"api\";r={};t={}", self.remaining, self.reset_secs)
    }

    /// `RateLimit-Policy: "fixed window";"api";q=<quota>;w=<window>`
    pub fn policy_header(&self) -> String {
        format!(
            "\"fixed window\";\"api\";q={};w={}",
            self.quota, self.window_secs
        )
    }

    /// The 429 body: `{"error": …}`, worded like the text clients show (§2.3).
    pub fn error_text(&self) -> String {
        format!(
            "You have reached your 'api' rate limit. Retry after {} seconds ({}/{} requests remaining in current {}s window).",
            self.reset_secs, self.remaining, self.quota, self.window_secs
        )
    }
}

impl Window {
    fn new(quota: u64, window_secs: u64) -> Self {
        Window {
            quota,
            window: Duration::from_secs(window_secs.max(1)),
            start: None,
            counts: HashMap::new(),
            exhausted: false,
        }
    }

    /// Rolls the window over if it has ended and returns its start.
    fn current_start(&mut self, now: Instant) -> Instant {
        match self.start {
            Some(s) if now.duration_since(s) < self.window => s,
            _ => {
                self.start = Some(now);
                self.counts.clear();
                self.exhausted = false;
                now
            }
        }
    }

    fn count(&mut self, key: &str, now: Instant) -> Verdict {
        let start = self.current_start(now);
        let left = self.window.saturating_sub(now.duration_since(start));
        // Round up: "t" is whole seconds until the reset, never 0 while limited.
        let reset_secs = left.as_millis().div_ceil(1000).max(1) as u64;
        let used = self.counts.entry(key.to_string()).or_insert(0);
        *used += 1;
        let limited = self.exhausted || *used > self.quota;
        Verdict {
            limited,
            remaining: if self.exhausted {
                0
            } else {
                self.quota.saturating_sub(*used)
            },
            reset_secs,
            quota: self.quota,
            window_secs: self.window.as_secs(),
        }
    }

    fn exhaust(&mut self, now: Instant) {
        self.current_start(now);
        self.exhausted = true;
    }
}

pub(crate) struct Limits {
    pub api: Window,
    pub whoami: Window,
}

impl Limits {
    /// Free-user API quota (1000 per 300 s) so tests never hit it by accident;
    /// whoami gets a tenth of it.
    pub fn new() -> Self {
        Limits {
            api: Window::new(1000, 300),
            whoami: Window::new(100, 300),
        }
    }

    pub fn set_api(&mut self, quota: u64, window_secs: u64) {
        self.api = Window::new(quota, window_secs);
    }

    pub fn set_whoami(&mut self, quota: u64, window_secs: u64) {
        self.whoami = Window::new(quota, window_secs);
    }

    pub fn exhaust(&mut self) {
        let now = Instant::now();
        self.api.exhaust(now);
        self.whoami.exhaust(now);
    }

    /// Counts one request of `key` (a token, or "anonymous"). Whoami counts in
    /// both windows and reports the whoami one unless the API one is the
    /// binding limit.
    pub fn count(&mut self, key: &str, is_whoami: bool) -> Verdict {
        let now = Instant::now();
        let api = self.api.count(key, now);
        if !is_whoami || api.limited {
            return api;
        }
        self.whoami.count(key, now)
    }
}

/// A verdict for `FaultKind::RateLimited`: r=0 with the given reset.
pub(crate) fn forced_verdict(limits: &Limits, reset_secs: u64) -> Verdict {
    Verdict {
        limited: true,
        remaining: 0,
        reset_secs,
        quota: limits.api.quota,
        window_secs: limits.api.window.as_secs(),
    }
}
