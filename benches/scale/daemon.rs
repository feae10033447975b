//! `spacewarden run` under load, for `benches/scale.rs`: the daemon runs `cycles`
//! check cycles back to back (`--bench-cycles`) against the stand-in while, with
//! `traffic`, a client asks for `GET /` (gzip) without pause and for `/metrics`
//! (gzip) once a second. Measures the daemon's CPU per cycle (`/proc/PID/stat`
//! between the first and the last cycle), its peak and last RSS (`VmHWM`, `VmRSS`),
//! each answer's time and size on the wire, the first `GET /` after each cycle's
//! commit, and the WAL at the end. The answers 503 while the daemon first reads its
//! stored history (`web::starting`) count apart, with the time of that read (its log
//! line).

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, BufReader};

use super::proc_status::status_kib;

/// Times (ms) and sizes (bytes on the wire) of one kind of request.
#[derive(Default)]
pub struct Answers {
    pub ms: Vec<f64>,
    pub bytes: Vec<usize>,
    /// The answers over `SLOW`: when (cycles done, seconds since the client started)
    /// and how long, to find what they met.
    pub slow: Vec<(u64, f64, f64)>,
}

/// An answer slower than this is listed with its moment.
const SLOW: Duration = Duration::from_millis(300);

impl Answers {
    fn push(&mut self, took: Duration, bytes: usize) {
        self.ms.push(took.as_secs_f64() * 1000.0);
        self.bytes.push(bytes);
    }

    fn push_at(&mut self, took: Duration, bytes: usize, cycles: u64, since: Instant) {
        if took > SLOW {
            let at = since.elapsed().saturating_sub(took).as_secs_f64();
            self.slow.push((cycles, at, took.as_secs_f64() * 1000.0));
        }
        self.push(took, bytes);
    }

    /// `cycle N at T s: M ms`, one per slow answer, or `none`.
    pub fn slow_list(&self) -> String {
        if self.slow.is_empty() {
            return "none".into();
        }
        let each: Vec<String> = self
            .slow
            .iter()
            .map(|(cycles, at, ms)| format!("after cycle {cycles}, at {at:.1} s: {ms:.0} ms"))
            .collect();
        each.join("; ")
    }

    /// `median / p99 / max ms, size` or `–` when none.
    pub fn summary(&self) -> String {
        if self.ms.is_empty() {
            return "–".into();
        }
        let mut ms = self.ms.clone();
        ms.sort_by(f64::total_cmp);
        let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
        let kb = self.bytes.iter().max().copied().unwrap_or(0) as f64 / 1024.0;
        format!(
            "{:.0} / {:.0} / {:.0} ms, {kb:.0} KB (n={})",
            at(0.5),
            at(0.99),
            at(1.0),
            ms.len()
        )
    }
}

/// What one daemon run cost.
pub struct DaemonCost {
    pub cycles: u64,
    pub cpu_per_cycle_s: f64,
    pub peak_mb: f64,
    pub last_mb: f64,
    pub wal_mb: f64,
    pub page: Answers,
    pub page_after_commit: Answers,
    pub metrics: Answers,
    /// `GET /` and `/metrics` answered 503 while the history was read.
    pub starting: Answers,
    /// How long the first read of the history took (`read model built took_ms=`).
    pub read_model_ms: Option<u64>,
}

/// `spacewarden run --bench-cycles cycles` with `env`, measured as the module says.
pub async fn run(
    binary: &str,
    env: &[(String, String)],
    dir: &Path,
    cycles: u64,
    traffic: bool,
) -> DaemonCost {
    let mut child = tokio::process::Command::new(binary)
        .args(["run", "--bench-cycles", &cycles.to_string()])
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("RUST_LOG", "info")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn spacewarden run");
    let pid = child.id().expect("pid");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut port = None;
    let (mut cpu_first, mut cpu_last, mut peak, mut last) = (0.0, 0.0, 0u64, 0u64);
    let mut client = None;
    let mut read_model_ms = None;
    while let Ok(Some(line)) = lines.next_line().await {
        if read_model_ms.is_none() && line.contains("read model built") {
            read_model_ms = line
                .split_whitespace()
                .find_map(|w| w.strip_prefix("took_ms="))
                .and_then(|ms| ms.parse().ok());
        }
        if port.is_none() && line.contains("HTTP server listening") {
            port = line
                .split_whitespace()
                .find_map(|w| w.strip_prefix("port="))
                .and_then(|p| p.parse::<u16>().ok());
            if let (true, Some(port)) = (traffic, port) {
                client = Some(tokio::spawn(load(port, done.clone(), stop.clone())));
            }
        }
        if !line.contains("check cycle done") {
            continue;
        }
        let n = done.fetch_add(1, Ordering::SeqCst) + 1;
        let cpu = cpu_seconds(pid).unwrap_or(0.0);
        if n == 1 {
            cpu_first = cpu;
        }
        cpu_last = cpu;
        peak = peak.max(status_kib(pid, "VmHWM:").unwrap_or(0));
        last = status_kib(pid, "VmRSS:").unwrap_or(last);
    }
    stop.store(true, Ordering::SeqCst);
    let _ = child.wait().await;
    let (page, page_after_commit, metrics, starting) = match client {
        Some(task) => task.await.expect("the client"),
        None => Default::default(),
    };
    let n = done.load(Ordering::SeqCst);
    let wal = std::fs::metadata(dir.join("spacewarden.db-wal")).map_or(0, |m| m.len());
    DaemonCost {
        cycles: n,
        cpu_per_cycle_s: (cpu_last - cpu_first) / (n.saturating_sub(1).max(1)) as f64,
        peak_mb: peak as f64 / 1024.0,
        last_mb: last as f64 / 1024.0,
        wal_mb: wal as f64 / 1_048_576.0,
        page,
        page_after_commit,
        metrics,
        starting,
        read_model_ms,
    }
}

/// Asks for `/` (gzip) back to back and `/metrics` (gzip) once a second until `stop`;
/// a `/` asked first after a cycle's commit counts apart, and so does a 503 (the
/// history not read yet).
async fn load(
    port: u16,
    done: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
) -> (Answers, Answers, Answers, Answers) {
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let (mut page, mut after, mut metrics, mut starting): (Answers, Answers, Answers, Answers) =
        Default::default();
    let mut seen = done.load(Ordering::SeqCst);
    let mut last_metrics = Instant::now();
    let started = Instant::now();
    while !stop.load(Ordering::SeqCst) {
        let cycles = done.load(Ordering::SeqCst);
        let first = cycles != seen;
        seen = cycles;
        if let Some((took, bytes, status)) = get(&http, &format!("{base}/")).await {
            if status == 503 {
                Answers::push(&mut starting, took, bytes);
                // As a browser would, after `Retry-After`-ish; not a busy loop.
                tokio::time::sleep(Duration::from_millis(100)).await;
            } else if first {
                after.push_at(took, bytes, cycles, started);
            } else {
                page.push_at(took, bytes, cycles, started);
            }
        }
        if last_metrics.elapsed() >= Duration::from_secs(1) {
            last_metrics = Instant::now();
            match get(&http, &format!("{base}/metrics")).await {
                Some((took, bytes, 503)) => Answers::push(&mut starting, took, bytes),
                Some((took, bytes, _)) => {
                    let cycles = done.load(Ordering::SeqCst);
                    metrics.push_at(took, bytes, cycles, started);
                }
                None => {}
            }
        }
    }
    (page, after, metrics, starting)
}

/// One gzip request: time to the whole body, the body's bytes as sent, and the status
/// (a success, or 503).
async fn get(http: &reqwest::Client, url: &str) -> Option<(Duration, usize, u16)> {
    let started = Instant::now();
    let reply = http
        .get(url)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .ok()?;
    let status = reply.status().as_u16();
    if !reply.status().is_success() && status != 503 {
        return None;
    }
    let body = reply.bytes().await.ok()?;
    Some((started.elapsed(), body.len(), status))
}

/// User + system CPU of `pid` so far (clock ticks of 1/100 s on Linux).
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}
