//! spacewarden as the soak runs it: one real process at a time (a "generation"),
//! started on the same database, killed with SIGKILL, started again. Its port
//! (`PORT=0`, read from the startup line), its RSS from `/proc`, and a `/healthz` poll
//! every second that counts a failure only while the process is meant to be up: from
//! its port being logged until the harness kills it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::task::JoinHandle;

use super::super::app::App;
use super::super::process::Running;

const STARTUP: Duration = Duration::from_secs(60);
const HEALTHZ_TIMEOUT: Duration = Duration::from_secs(3);

pub struct Generations {
    app: App,
    current: Option<Running>,
    outputs: Vec<String>,
    /// When each generation was killed.
    pub kills: Vec<Instant>,
    health: Arc<Health>,
}

/// What the poller needs: where the process answers (None while it is meant to be
/// down) and an epoch bumped on every change, so a poll that overlapped a kill does
/// not count.
#[derive(Default)]
pub struct Health {
    target: Mutex<(Option<u16>, u64)>,
    polls: AtomicU64,
    failures: Mutex<Vec<String>>,
}

impl Health {
    fn set(&self, port: Option<u16>) {
        let mut target = self.target.lock().unwrap();
        *target = (port, target.1 + 1);
    }

    fn get(&self) -> (Option<u16>, u64) {
        *self.target.lock().unwrap()
    }
}

impl Generations {
    pub fn new(app: App) -> Generations {
        Generations {
            app,
            current: None,
            outputs: Vec::new(),
            kills: Vec::new(),
            health: Arc::new(Health::default()),
        }
    }

    pub fn app(&self) -> &App {
        &self.app
    }

    /// Starts a generation and waits for its HTTP port.
    pub async fn start(&mut self) {
        let running = self.app.spawn(&["run"]);
        let port = port_of(&running).await;
        self.current = Some(running);
        self.health.set(Some(port));
    }

    /// Waits for the current generation's first completed check cycle.
    pub async fn wait_for_cycle(&self) {
        if let Some(running) = &self.current {
            running.wait_for("check cycle done", STARTUP).await;
        }
    }

    /// `kill -9`, then a new generation at once.
    pub async fn kill_and_restart(&mut self) {
        self.health.set(None);
        if let Some(mut running) = self.current.take() {
            self.kills.push(Instant::now());
            running.kill().await;
            self.outputs.push(running.output());
        }
        self.start().await;
    }

    /// SIGTERM, as at the end of the run.
    pub async fn stop(&mut self) {
        self.health.set(None);
        if let Some(mut running) = self.current.take() {
            running.terminate(Duration::from_secs(20)).await;
            self.outputs.push(running.output());
        }
    }

    /// VmRSS of the current generation, in KiB.
    pub fn rss_kib(&self) -> Option<u64> {
        let pid = self.current.as_ref()?.pid();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
    }

    /// Every generation's output, oldest first.
    pub fn outputs(&self) -> Vec<String> {
        let mut all = self.outputs.clone();
        all.extend(self.current.as_ref().map(Running::output));
        all
    }

    /// Polls `/healthz` every second until the returned handle is stopped.
    pub fn poll_health(&self) -> HealthPoller {
        let health = self.health.clone();
        let started = Instant::now();
        let task = tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .timeout(HEALTHZ_TIMEOUT)
                .build()
                .expect("http client");
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let (Some(port), epoch) = health.get() else {
                    continue;
                };
                let reply = http
                    .get(format!("http://127.0.0.1:{port}/healthz"))
                    .send()
                    .await;
                let failure = match reply {
                    Ok(r) if r.status() == 200 => None,
                    Ok(r) => Some(format!("HTTP {}", r.status())),
                    Err(e) => Some(format!("{e}")),
                };
                if health.get().1 != epoch {
                    continue; // killed or restarted meanwhile: not a failure of this one
                }
                health.polls.fetch_add(1, Ordering::SeqCst);
                if let Some(why) = failure {
                    let at = started.elapsed().as_secs_f64();
                    health
                        .failures
                        .lock()
                        .unwrap()
                        .push(format!("+{at:.1}s: {why}"));
                }
            }
        });
        HealthPoller {
            health: self.health.clone(),
            task,
        }
    }
}

pub struct HealthPoller {
    health: Arc<Health>,
    task: JoinHandle<()>,
}

impl HealthPoller {
    /// Stops polling; returns (polls, failures).
    pub fn stop(self) -> (u64, Vec<String>) {
        self.task.abort();
        (
            self.health.polls.load(Ordering::SeqCst),
            self.health.failures.lock().unwrap().clone(),
        )
    }
}

/// The port from the startup line `HTTP server listening addr=… port=N`.
async fn port_of(running: &Running) -> u16 {
    running.wait_for("HTTP server listening", STARTUP).await;
    running.wait_for_read_model(STARTUP).await;
    let output = running.output();
    let line = output
        .lines()
        .find(|l| l.contains("HTTP server listening"))
        .unwrap_or_default();
    line.split_whitespace()
        .find_map(|word| word.strip_prefix("port="))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("soak: no port in: {line}"))
}
