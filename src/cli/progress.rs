//! What `check --repair` shows while it waits, on stderr (stdout carries the result).
//! On a terminal: live lines drawn with indicatif, the time elapsed against the
//! timeout and one line per Space being repaired (its step, and the stage the Hub last
//! reported). Elsewhere (CI logs, `--json`): plain timestamped lines, one each time
//! something changes, and a heartbeat while nothing does. Alerts for the `log`
//! destination are printed through it too, and so are log lines while the live lines
//! are drawn (`telemetry::route_logs`), so nothing tears them.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::alerts::{Alert, DeliveryError, Notifier, render};
use crate::clock::{Clock, SystemClock};
use crate::domain::{SpaceId, Stage};
use crate::hub::{HubEvent, HubObserver, RuntimeCall};
use crate::t;

use super::lang::lang;

/// How often a plain display says that it is still waiting.
const HEARTBEAT: Duration = Duration::from_secs(60);

/// The display of one run; cheap to clone.
#[derive(Clone)]
pub(super) struct Progress {
    inner: Arc<Inner>,
}

struct Inner {
    started: Instant,
    timeout: Duration,
    live: Option<Live>,
    /// The stage each Space was last seen in by the Hub (restarts, runtime polls).
    stages: Mutex<HashMap<String, Stage>>,
    /// What is shown for each Space being repaired: its step and stage.
    shown: Mutex<BTreeMap<String, String>>,
    /// When the plain display last printed a line.
    last_line: Mutex<Instant>,
    /// What the run is doing: `checking`, `repairing`, `delivering alerts`.
    phase: Mutex<&'static str>,
}

struct Live {
    multi: MultiProgress,
    clock: ProgressBar,
    spaces: Mutex<HashMap<String, ProgressBar>>,
}

/// One Space being repaired: `owner/name` and the step its action row names.
pub(super) struct Repairing {
    pub space: String,
    pub step: String,
}

impl Progress {
    /// `live`: draw on the terminal; otherwise plain lines.
    pub fn new(live: bool, timeout: Duration) -> Progress {
        let live = live.then(|| {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            let clock = multi.add(ProgressBar::new(timeout.as_secs().max(1)));
            clock.set_style(style("{spinner} {prefix} [{wide_bar}] {msg}"));
            clock.enable_steady_tick(Duration::from_millis(120));
            let above = multi.clone();
            crate::telemetry::route_logs(Some(Arc::new(move |line: &[u8]| {
                above.suspend(|| {
                    let _ = std::io::stderr().write_all(line);
                });
            })));
            Live {
                multi,
                clock,
                spaces: Mutex::default(),
            }
        });
        let progress = Progress {
            inner: Arc::new(Inner {
                started: Instant::now(),
                timeout,
                live,
                stages: Mutex::default(),
                shown: Mutex::default(),
                last_line: Mutex::new(Instant::now()),
                phase: Mutex::new("checking"),
            }),
        };
        progress.tick();
        progress
    }

    /// Names what the run does now, on the live clock line.
    pub fn phase(&self, phase: &'static str) {
        *lock(&self.inner.phase) = phase;
        self.tick();
    }

    /// How often the caller should report what is being repaired.
    pub fn refresh(&self) -> Duration {
        match self.inner.live {
            Some(_) => Duration::from_millis(250),
            None => Duration::from_secs(1),
        }
    }

    /// One line of text: above the live lines, or timestamped.
    pub fn say(&self, text: &str) {
        match &self.inner.live {
            Some(live) => live.multi.suspend(|| eprintln!("{text}")),
            None => {
                // Edge: a terminal line's timestamp is the real time.
                let now = SystemClock.now().format("%Y-%m-%dT%H:%M:%SZ");
                eprintln!("{now} {text}");
                *lock(&self.inner.last_line) = Instant::now();
            }
        }
    }

    /// The Hub reported `space` in `stage` (a restart's answer, a runtime poll).
    pub fn seen(&self, space: &SpaceId, stage: &Stage) {
        lock(&self.inner.stages).insert(space.key(), stage.clone());
    }

    /// What is being repaired now; shows what changed since the last call.
    pub fn repairing(&self, now: &[Repairing]) {
        let stages = lock(&self.inner.stages).clone();
        let current: BTreeMap<String, String> = now
            .iter()
            .map(|r| {
                let step = step_word(&r.step);
                let text = match stages.get(&r.space.to_ascii_lowercase()) {
                    Some(stage) => format!("{step} · {stage}"),
                    None => step,
                };
                (r.space.clone(), text)
            })
            .collect();
        let previous = std::mem::replace(&mut *lock(&self.inner.shown), current.clone());
        let elapsed = self.elapsed();
        for (space, text) in &current {
            if previous.get(space) != Some(text) {
                self.show(space, Some(text), &elapsed);
            }
        }
        for space in previous.keys().filter(|s| !current.contains_key(*s)) {
            self.show(space, None, &elapsed);
        }
        let quiet = lock(&self.inner.last_line).elapsed() >= HEARTBEAT;
        if self.inner.live.is_none() && quiet && !current.is_empty() {
            let count = current.len();
            self.say(&t!(
                lang(),
                "cli-repairs-running",
                count = count,
                elapsed = elapsed
            ));
        }
        self.tick();
    }

    /// Moves the live clock on.
    pub fn tick(&self) {
        if let Some(live) = &self.inner.live {
            let elapsed = self.inner.started.elapsed();
            live.clock.set_position(elapsed.as_secs());
            live.clock.set_prefix(self.elapsed());
            let phase = lock(&self.inner.phase).replace(' ', "-");
            live.clock
                .set_message(t!(lang(), &format!("cli-phase-{phase}")));
        }
    }

    /// Removes the live lines (before the result is printed); logs go to stderr again.
    pub fn clear(&self) {
        if let Some(live) = &self.inner.live {
            crate::telemetry::route_logs(None);
            for (_, bar) in lock(&live.spaces).drain() {
                bar.finish_and_clear();
            }
            live.clock.finish_and_clear();
            let _ = live.multi.clear();
        }
    }

    /// `1:05 of 30:00`.
    pub fn elapsed(&self) -> String {
        let (done, total) = (
            clock(self.inner.started.elapsed()),
            clock(self.inner.timeout),
        );
        t!(lang(), "cli-elapsed", done = done, total = total)
    }

    /// The `log` alert destination, printed through this display.
    pub fn console(&self) -> Console {
        Console(self.clone())
    }

    fn show(&self, space: &str, text: Option<&str>, elapsed: &str) {
        let Some(live) = &self.inner.live else {
            match text {
                Some(text) => self.say(&format!("{space}: {text} ({elapsed})")),
                None => self.say(&t!(
                    lang(),
                    "cli-repair-ended",
                    space = space,
                    elapsed = elapsed
                )),
            }
            return;
        };
        let mut spaces = lock(&live.spaces);
        match text {
            Some(text) => {
                let bar = spaces.entry(space.to_owned()).or_insert_with(|| {
                    let bar = live.multi.add(ProgressBar::new_spinner());
                    bar.set_style(style("  {spinner} {prefix} {msg}"));
                    bar.set_prefix(space.to_owned());
                    bar.enable_steady_tick(Duration::from_millis(120));
                    bar
                });
                bar.set_message(text.to_owned());
            }
            None => {
                if let Some(bar) = spaces.remove(space) {
                    bar.finish_and_clear();
                    live.multi.remove(&bar);
                }
            }
        }
    }
}

/// The stage each Space is in, as the repair ladder learns it from the Hub: a
/// restart's or pause's answer, then each runtime poll. Watching the Hub client keeps
/// the ladder itself free of display code.
impl HubObserver for Progress {
    fn observe(&self, event: &HubEvent<'_>) {
        if let HubEvent::Runtime {
            space,
            call,
            runtime,
        } = event
            && *call != RuntimeCall::SleepTime
        {
            self.seen(space, &runtime.stage);
        }
    }
}

/// The `log` destination of a one-shot run: each alert's lines, `ALERT …`, through the
/// display (never on stdout, which carries the table or the JSON).
pub(super) struct Console(Progress);

#[async_trait]
impl Notifier for Console {
    fn destinations(&self) -> Vec<String> {
        vec!["log".into()]
    }

    fn needs_store(&self) -> bool {
        false
    }

    async fn deliver(&self, _destination: &str, alert: &Alert) -> Result<(), DeliveryError> {
        for line in render::text_in(alert, super::lang::locale()).lines() {
            self.0.say(&format!("ALERT {line}"));
        }
        Ok(())
    }
}

fn style(template: &str) -> ProgressStyle {
    // The templates are constants of this file; a bad one falls back to the default.
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// `m:ss`, or `h:mm:ss` from an hour on.
fn clock(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..3600 => format!("{}:{:02}", s / 60, s % 60),
        _ => format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60),
    }
}

/// A repair's step (`restart`, `rebuild`) for people; a step without words as it is.
fn step_word(step: &str) -> String {
    let id = format!("action-kind-{}", step.replace('_', "-"));
    if crate::i18n::has_message(lang(), &id) {
        t!(lang(), &id)
    } else {
        step.replace('_', " ")
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_read_like_a_stopwatch() {
        assert_eq!(clock(Duration::from_secs(5)), "0:05");
        assert_eq!(clock(Duration::from_secs(30 * 60)), "30:00");
        assert_eq!(clock(Duration::from_secs(3600 + 62)), "1:01:02");
    }

    #[test]
    fn stages_come_from_the_hub_clients_answers() {
        let progress = Progress::new(false, Duration::from_secs(60));
        let app = SpaceId::parse("alice/app").unwrap();
        let runtime = |stage: &str| crate::hub::SpaceRuntime {
            stage: Stage::parse(stage),
            hardware: None,
            requested_hardware: None,
            gc_timeout: None,
            error_message: None,
            domains: Vec::new(),
        };
        let answer = |call, stage: &str| {
            let runtime = runtime(stage);
            progress.observe(&HubEvent::Runtime {
                space: &app,
                call,
                runtime: &runtime,
            });
            lock(&progress.inner.stages).get("alice/app").cloned()
        };
        assert_eq!(
            answer(RuntimeCall::Restart, "BUILDING"),
            Some(Stage::Building)
        );
        assert_eq!(answer(RuntimeCall::Read, "RUNNING"), Some(Stage::Running));
        assert_eq!(
            answer(RuntimeCall::SleepTime, "PAUSED"),
            Some(Stage::Running),
            "a sleep-time answer is not a stage the ladder waits on"
        );
    }
}
