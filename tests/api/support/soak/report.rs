//! The soak's figures, and how they print: one Markdown table (the bench pastes it
//! into BENCHMARKS.md), plus the evidence behind every non-zero count.

use std::fmt::Write;
use std::time::Duration;

/// One alert destination: what spacewarden put in its outbox, and what arrived.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub name: &'static str,
    /// Outbox rows (alerts; a Telegram alert may be several messages).
    pub alerts: usize,
    /// Messages expected at the destination.
    pub expected: usize,
    /// Expected but never arrived.
    pub lost: usize,
    /// Arrived more often than expected (or never expected).
    pub duplicated: usize,
    /// Delivery attempts that failed and were retried (from the outbox).
    pub retried: i64,
    /// What was lost or duplicated, and when it arrived.
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub duration: Duration,
    pub kills: usize,
    /// Per fault kind: windows opened, Hub requests that met it.
    pub faults: Vec<(String, usize, usize)>,
    pub outages: usize,
    pub breaks: usize,
    /// `down` events for Spaces the script never broke.
    pub false_down: Vec<String>,
    pub deliveries: Vec<Delivery>,
    pub restart_calls: usize,
    pub accepted_restarts: usize,
    /// Accepted restarts beyond one per scripted break.
    pub duplicate_restarts: Vec<String>,
    /// Accepted restarts of a Space with no break before them.
    pub unprovoked_restarts: Vec<String>,
    pub limited_windows: usize,
    /// Hub requests sent inside an announced 429 window by the process that got it.
    pub inside_429: Vec<String>,
    /// The same, by a process started after the 429 (it could not know).
    pub inside_429_after_restart: Vec<String>,
    pub healthz_polls: u64,
    pub healthz_failures: Vec<String>,
    pub rss_start_kib: Option<u64>,
    pub rss_end_kib: Option<u64>,
    /// How long the last process had run when its RSS was read.
    pub last_uptime: Duration,
    /// Outbox empty, no repair unfinished and every scripted Space back, in time.
    pub drained: bool,
    /// Longest stretch without a list request while a process was up.
    pub longest_unchecked: Duration,
    pub hub_requests: usize,
    /// Each generation's output, oldest first.
    pub logs: Vec<String>,
    /// When each `kill -9` came, from the start of the script.
    pub kill_times: Vec<Duration>,
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("?".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

fn human(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 120 && s.is_multiple_of(60) {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    }
}

impl Report {
    /// The figures as a Markdown table.
    pub fn table(&self) -> String {
        let mut t = String::from("| figure | measured | want |\n|---|---|---|\n");
        let mut row = |figure: &str, measured: String, want: &str| {
            let _ = writeln!(t, "| {figure} | {measured} | {want} |");
        };
        let faults: Vec<String> = self
            .faults
            .iter()
            .map(|(kind, windows, met)| format!("{kind} ×{windows} ({met} req.)"))
            .collect();
        row(
            "run",
            format!(
                "{}, {} `kill -9` + restart, {} scripted breaks, {} chat/webhook outages, {} Hub requests",
                human(self.duration),
                self.kills,
                self.breaks,
                self.outages,
                self.hub_requests
            ),
            "≥ 2 kills in 10 min",
        );
        row("Hub fault windows", faults.join(", "), "every kind met");
        row(
            "false `down` alerts (Spaces never broken)",
            self.false_down.len().to_string(),
            "0",
        );
        for d in &self.deliveries {
            row(
                &format!("{}: alerts / lost / duplicated", d.name),
                format!(
                    "{} ({} messages, {} retried attempts) / {} / {}",
                    d.alerts, d.expected, d.retried, d.lost, d.duplicated
                ),
                "– / 0 / 0",
            );
        }
        row(
            "duplicate restarts (accepted restarts beyond one per break)",
            format!(
                "{} ({} accepted of {} restart calls, {} breaks)",
                self.duplicate_restarts.len(),
                self.accepted_restarts,
                self.restart_calls,
                self.breaks
            ),
            "0",
        );
        row(
            "restarts of Spaces never broken",
            self.unprovoked_restarts.len().to_string(),
            "0",
        );
        row(
            "Hub requests inside a 429 window",
            format!(
                "{} ({} 429 replies; {} more from a process started after the 429)",
                self.inside_429.len(),
                self.limited_windows,
                self.inside_429_after_restart.len()
            ),
            "0",
        );
        row(
            "`/healthz` failures while up",
            format!(
                "{} of {} polls",
                self.healthz_failures.len(),
                self.healthz_polls
            ),
            "0",
        );
        row(
            "RSS (VmRSS)",
            format!(
                "start {}, end {} (last process up {})",
                mib(self.rss_start_kib),
                mib(self.rss_end_kib),
                human(self.last_uptime)
            ),
            "–",
        );
        row(
            "longest time without a check while up",
            format!("{:.1} s", self.longest_unchecked.as_secs_f64()),
            "–",
        );
        row(
            "drained after the run (outbox empty, repairs done)",
            if self.drained { "yes" } else { "no" }.into(),
            "yes",
        );
        t
    }

    /// The evidence behind every non-zero count, for a failing test or the bench.
    pub fn evidence(&self) -> String {
        let mut out = String::new();
        let kills: Vec<String> = self
            .kill_times
            .iter()
            .map(|k| format!("+{:.1}s", k.as_secs_f64()))
            .collect();
        let _ = writeln!(out, "kill -9 at {}", kills.join(", "));
        for line in self.deliveries.iter().flat_map(|d| &d.evidence).take(20) {
            let _ = writeln!(out, "{line}");
        }
        let lists = [
            ("false down alerts", &self.false_down),
            ("duplicate restarts", &self.duplicate_restarts),
            ("restarts of Spaces never broken", &self.unprovoked_restarts),
            ("requests inside a 429 window", &self.inside_429),
            (
                "requests inside a 429 window, after a restart",
                &self.inside_429_after_restart,
            ),
            ("/healthz failures", &self.healthz_failures),
        ];
        for (what, items) in lists {
            if !items.is_empty() {
                let _ = writeln!(out, "{what}:");
                for item in items.iter().take(20) {
                    let _ = writeln!(out, "  {item}");
                }
            }
        }
        out
    }

    /// Writes every generation's output to `dir/process-N.log`; returns where.
    pub fn save_logs(&self, dir: &std::path::Path) -> std::io::Result<String> {
        std::fs::create_dir_all(dir)?;
        for (i, log) in self.logs.iter().enumerate() {
            std::fs::write(dir.join(format!("process-{i}.log")), log)?;
        }
        Ok(dir.display().to_string())
    }

    /// The lines of every generation's output that say something went wrong.
    pub fn warnings(&self, limit: usize) -> String {
        let mut out = String::new();
        for (i, log) in self.logs.iter().enumerate() {
            let lines: Vec<&str> = log
                .lines()
                .filter(|l| l.contains("WARN") || l.contains("ERROR") || l.contains("panic"))
                .collect();
            let _ = writeln!(out, "--- process {i}: {} warnings/errors", lines.len());
            for line in lines.iter().rev().take(limit).rev() {
                let _ = writeln!(out, "{line}");
            }
        }
        out
    }
}
