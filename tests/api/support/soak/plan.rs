//! The soak's script as data, scaled to the run's length: which Hub fault is on when,
//! when the chat services and the webhook are down, when spacewarden gets a
//! `kill -9`, and when the scripted Spaces break, heal by themselves or fall asleep.
//! Pure: `mod.rs` plays it against the fakes.

use std::time::Duration;

/// Owner of every soak Space (watched as `soak/*`).
pub const OWNER: &str = "soak";
/// Break (RUNTIME_ERROR) on the script and stay broken until restarted.
pub const CRASHERS: [&str; 2] = ["soak/crash-a", "soak/crash-b"];
/// Breaks and heals by itself, sometimes before a check sees it.
pub const FLAPPER: &str = "soak/flapper";
/// Falls asleep on the script (the keep-alive wakes it).
pub const SLEEPER: &str = "soak/sleeper";
/// The control group: never touched.
pub const STEADY: [&str; 4] = [
    "soak/steady-1",
    "soak/steady-2",
    "soak/steady-3",
    "soak/steady-4",
];

/// The Hub faults, in the order they rotate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HubFault {
    Status(u16),
    /// 429 with `RateLimit: "api";r=0;t=…` for every caller until the window ends.
    RateLimited,
    Timeout,
    Garbage,
    Close,
}

pub const ROTATION: [HubFault; 8] = [
    HubFault::Status(500),
    HubFault::Status(502),
    HubFault::Status(503),
    HubFault::RateLimited,
    HubFault::Timeout,
    HubFault::Garbage,
    HubFault::Status(401),
    HubFault::Close,
];

impl HubFault {
    pub fn name(self) -> String {
        match self {
            HubFault::Status(code) => code.to_string(),
            HubFault::RateLimited => "429".into(),
            HubFault::Timeout => "timeout".into(),
            HubFault::Garbage => "garbage".into(),
            HubFault::Close => "close".into(),
        }
    }
}

/// A destination of alerts going away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outage {
    /// Every Bot API call answers nginx's 502.
    TelegramBadGateway,
    /// Connections to the Bot API are dropped.
    TelegramUnreachable,
    /// Every REST call answers Cloudflare's 502.
    DiscordBadGateway,
    /// Connections to Discord's REST API are dropped.
    DiscordUnreachable,
    /// The webhook receiver answers 500.
    WebhookError,
    /// The WeCom robot answers its rate-limit code 45009 (a minute's wait).
    WecomThrottled,
    /// ntfy answers 429 with its code 42901.
    NtfyThrottled,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// On for `Step::len`.
    Fault(HubFault),
    /// Down for `Step::len`.
    Outage(Vec<Outage>),
    /// `kill -9`, then start again at once.
    Kill,
    /// RUNTIME_ERROR until restarted.
    Break(&'static str),
    /// Back to RUNNING by itself.
    Heal(&'static str),
    /// SLEEPING.
    Sleep(&'static str),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// From the start of the run.
    pub at: Duration,
    pub len: Duration,
    pub action: Action,
}

/// The whole script, sorted by time.
#[derive(Clone, Debug)]
pub struct Plan {
    pub steps: Vec<Step>,
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

impl Plan {
    /// About 20 fault windows (2.5 rotations in 10 minutes, one in 30 s), four
    /// outages, a kill every quarter of the run (at most every 2 minutes) in its first
    /// two thirds, so the last process runs long enough for its RSS to mean something.
    pub fn new(duration: Duration) -> Plan {
        let d = duration.as_secs_f64();
        let mut steps = Vec::new();
        let mut at = |at: f64, len: f64, action: Action| {
            steps.push(Step {
                at: secs(at),
                len: secs(len),
                action,
            })
        };

        let slot = (d / 20.0).clamp(3.5, 30.0);
        let mut k = 0;
        while slot * (k + 1) as f64 <= d {
            at(slot * k as f64, slot * 0.6, Action::Fault(ROTATION[k % 8]));
            k += 1;
        }

        // Each outage starts as crash-a breaks, so an alert meets it.
        let outage = (d / 10.0).clamp(3.0, 60.0);
        let outages = [
            vec![Outage::TelegramBadGateway, Outage::NtfyThrottled],
            vec![Outage::DiscordUnreachable],
            vec![Outage::WebhookError, Outage::WecomThrottled],
            vec![Outage::TelegramUnreachable, Outage::DiscordBadGateway],
        ];
        for (i, down) in outages.into_iter().enumerate() {
            let start = d * (0.1 + 0.2 * i as f64);
            at(start, outage, Action::Outage(down));
            at(start + 0.5, 0.0, Action::Break(CRASHERS[0]));
        }

        let every = (d / 8.0).clamp(8.0, 75.0);
        let mut t = every * 0.5;
        while t < d * 0.85 {
            at(t, 0.0, Action::Break(CRASHERS[1]));
            t += every;
        }

        let every = (d / 12.0).clamp(5.0, 50.0);
        let (mut t, mut i) = (every * 0.3, 0);
        while t < d * 0.9 {
            at(t, 0.0, Action::Break(FLAPPER));
            at(t + 1.5 + 2.0 * (i % 3) as f64, 0.0, Action::Heal(FLAPPER));
            t += every;
            i += 1;
        }

        let every = (d / 5.0).clamp(6.0, 120.0);
        let mut t = every * 0.5;
        while t < d * 0.9 {
            at(t, 0.0, Action::Sleep(SLEEPER));
            t += every;
        }

        let every = (d / 4.0).clamp(7.0, 120.0);
        let mut t = every;
        while t <= d * 0.65 {
            at(t, 0.0, Action::Kill);
            t += every;
        }

        steps.sort_by_key(|s| s.at);
        Plan { steps }
    }

    pub fn kills(&self) -> usize {
        self.steps
            .iter()
            .filter(|s| s.action == Action::Kill)
            .count()
    }
}
