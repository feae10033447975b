//! Plays a `Plan` against the world and the running spacewarden, and records what
//! actually happened when (the plan's times shift a little: a restart takes a moment).
//!
//! Two rules keep the figures about spacewarden rather than about luck:
//! - A Hub fault stays on past its window until a request has met it (at most until
//!   the next fault starts, or `MAX_HOLD`), so every kind in the rotation is really
//!   exercised.
//! - A kill is held back while a 429 window is open: a fresh process cannot know of a
//!   429 its predecessor got (spacewarden keeps the pause in memory, as
//!   huggingface_hub does), so a kill inside the window would measure the restart,
//!   not the client's pacing. Requests a restarted process sends into a window are
//!   still counted, separately.

use std::time::{Duration, Instant};

use super::super::fake_hub::{Fault, FaultKind};
use super::daemon::Generations;
use super::plan::{Action, HubFault, Outage, Plan};
use super::world::{API_QUOTA, World};

/// How long after a 429 window a kill may come.
const AFTER_429: Duration = Duration::from_millis(1500);
/// How often an unmet fault is looked at again, and for how long at most.
const RECHECK: Duration = Duration::from_secs(1);
const MAX_HOLD: Duration = Duration::from_secs(10);
/// The shortest 429 window: long enough to span a two-second tick.
const MIN_429_WINDOW: Duration = Duration::from_secs(3);

/// What the script did, in the harness's clock (`std::time::Instant`, the fake Hub's).
#[derive(Debug, Default)]
pub struct Record {
    /// Every scripted break: Space and when.
    pub breaks: Vec<(String, Instant)>,
    /// Every Hub fault window: kind, on, off.
    pub faults: Vec<(HubFault, Instant, Instant)>,
    /// Every outage: what, down, up.
    pub outages: Vec<(Outage, Instant, Instant)>,
}

enum Event {
    Do(Action, Duration),
    FaultOff {
        fault: HubFault,
        since: Instant,
        len: Duration,
    },
    OutageOff {
        down: Vec<Outage>,
        since: Instant,
    },
}

struct Player<'a> {
    world: &'a World,
    procs: &'a mut Generations,
    start: Instant,
    queue: Vec<(Duration, Event)>,
    record: Record,
    /// The fault on now and since when.
    active: Option<(HubFault, Instant)>,
    /// End of the open 429 window.
    limited_until: Option<Instant>,
}

pub async fn play(world: &World, procs: &mut Generations, plan: &Plan) -> Record {
    let start = Instant::now();
    let mut player = Player {
        world,
        procs,
        start,
        queue: plan
            .steps
            .iter()
            .map(|s| (s.at, Event::Do(s.action.clone(), s.len)))
            .collect(),
        record: Record::default(),
        active: None,
        limited_until: None,
    };
    while let Some(index) = player.next() {
        let (at, event) = player.queue.remove(index);
        tokio::time::sleep_until((start + at).into()).await;
        player.run(event).await;
    }
    player.fault_off();
    player.record
}

impl Player<'_> {
    fn next(&self) -> Option<usize> {
        (0..self.queue.len()).min_by_key(|&i| self.queue[i].0)
    }

    fn later(&mut self, after: Duration, event: Event) {
        let at = self.start.elapsed() + after;
        self.queue.push((at, event));
    }

    async fn run(&mut self, event: Event) {
        match event {
            Event::Do(Action::Fault(fault), len) => {
                self.fault_off();
                let since = Instant::now();
                let wait = self.fault_on(fault, len);
                self.active = Some((fault, since));
                self.later(wait, Event::FaultOff { fault, since, len });
            }
            Event::FaultOff { fault, since, len } => {
                // Stale: a newer fault replaced this one.
                if self.active != Some((fault, since)) {
                    return;
                }
                if self.met(fault, since) || since.elapsed() > len + MAX_HOLD {
                    self.fault_off();
                } else {
                    let wait = match fault {
                        // A window nobody met: open another one.
                        HubFault::RateLimited => self.fault_on(fault, Duration::ZERO),
                        _ => RECHECK,
                    };
                    self.later(wait, Event::FaultOff { fault, since, len });
                }
            }
            Event::Do(Action::Outage(down), len) => {
                for outage in &down {
                    self.world.set_outage(*outage, true);
                }
                let since = Instant::now();
                self.later(len, Event::OutageOff { down, since });
            }
            Event::OutageOff { down, since } => {
                let now = Instant::now();
                for outage in down {
                    self.world.set_outage(outage, false);
                    self.record.outages.push((outage, since, now));
                }
            }
            Event::Do(Action::Kill, _) => match self.limited_until {
                Some(until) if Instant::now() < until + AFTER_429 => {
                    let wait = (until + AFTER_429).saturating_duration_since(Instant::now());
                    self.later(wait, Event::Do(Action::Kill, Duration::ZERO));
                }
                _ => self.procs.kill_and_restart().await,
            },
            Event::Do(Action::Break(id), _) => {
                let hub = &self.world.hub;
                // Only a serving Space can break; one already broken stays one break.
                if hub.stage(id) == "RUNNING" && hub.pending_stages(id).is_empty() {
                    hub.set_error_message(id, Some("Space failed to start. Exit code: 1"));
                    hub.set_stage(id, "RUNTIME_ERROR");
                    self.record.breaks.push((id.to_owned(), Instant::now()));
                }
            }
            Event::Do(Action::Heal(id), _) => {
                if self.world.hub.stage(id) == "RUNTIME_ERROR" {
                    self.world.hub.set_stage(id, "RUNNING");
                }
            }
            Event::Do(Action::Sleep(id), _) => {
                let hub = &self.world.hub;
                if hub.stage(id) == "RUNNING" && hub.pending_stages(id).is_empty() {
                    hub.set_stage(id, "SLEEPING");
                }
            }
        }
    }

    /// Turns `fault` on for about `len`; returns when to look at it again.
    fn fault_on(&mut self, fault: HubFault, len: Duration) -> Duration {
        let hub = &self.world.hub;
        let kind = match fault {
            HubFault::Status(code) => FaultKind::Status(code),
            HubFault::Timeout => FaultKind::Timeout,
            HubFault::Garbage => FaultKind::Garbage,
            HubFault::Close => FaultKind::Close,
            HubFault::RateLimited => {
                // A fresh window in which the quota is spent: every caller gets 429
                // with r=0 and the seconds left, as the Hub answers a client that
                // used up its 5-minute quota.
                let window =
                    Duration::from_secs(len.as_secs_f64().ceil() as u64).max(MIN_429_WINDOW);
                hub.set_rate_limit(API_QUOTA, window.as_secs());
                hub.exhaust_rate_limit();
                self.limited_until = Some(Instant::now() + window);
                return window + Duration::from_millis(200);
            }
        };
        hub.inject(Fault::new(kind));
        len
    }

    fn fault_off(&mut self) {
        let Some((fault, since)) = self.active.take() else {
            return;
        };
        match fault {
            // Back to the usual window (this one has run out, or a newer fault cuts it
            // short; the client's pause outlasts it either way).
            HubFault::RateLimited => self.world.hub.set_rate_limit(API_QUOTA, 300),
            _ => self.world.hub.clear_faults(),
        }
        self.record.faults.push((fault, since, Instant::now()));
    }

    /// Whether a Hub request met the fault since it was turned on.
    fn met(&self, fault: HubFault, since: Instant) -> bool {
        self.world.hub.requests().iter().any(|r| {
            r.arrived >= since
                && match fault {
                    HubFault::RateLimited => r.status == Some(429),
                    _ => r.fault.is_some(),
                }
        })
    }
}
