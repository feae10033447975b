//! The web side at scale (issue 25, findings 3 to 5): `spacewarden run` watching N
//! Spaces (default 10,000 over 100 owners) at the stand-in Hub and apps of
//! `benches/scale.rs` (everything answers after 50 ms), then web traffic once the first
//! cycle is stored: `CLIENTS` clients each asking `ROUNDS` times for `GET /`,
//! `GET /api/v1/spaces` and `GET /metrics`, all with `Accept-Encoding: gzip`, and an
//! owner's page where the build has one. Prints, per route, the size raw and on the
//! wire and the median and worst time; and the daemon's resident memory (VmRSS from
//! /proc) once ready, the most seen during the traffic, after it, and its peak (VmHWM,
//! the cycle included).
//!
//! `cargo bench --bench scale_web [-- SPACES]`; `SCALE_BIN=path` measures another
//! build of the binary (an older commit, for before and after). Asserts nothing.

#[path = "support/proc_status.rs"]
mod proc_status;
#[path = "support/stand_in.rs"]
mod stand_in;

use std::process::{Child, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const DELAY: Duration = Duration::from_millis(50);
const CLIENTS: usize = 4;
/// Rounds per client; `ROUNDS=n` for fewer (an old build answers `/` in seconds).
const ROUNDS: usize = 10;
const KEY: &str = "bench-api-key-0123456789";

fn main() {
    let spaces: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let binary =
        std::env::var("SCALE_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_spacewarden").to_owned());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(measure(&binary, spaces));
}

/// The daemon, stopped when dropped.
struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `VmRSS` and `VmHWM` of `pid`, in MB.
fn memory(pid: u32) -> (f64, f64) {
    let field =
        |name: &str| proc_status::status_kib(pid, name).map_or(f64::NAN, |kb| kb as f64 / 1024.0);
    (field("VmRSS:"), field("VmHWM:"))
}

fn start(
    binary: &str,
    server: &stand_in::StandIn,
    spaces: usize,
    dir: &std::path::Path,
) -> (Daemon, u16) {
    let owners = spaces.div_ceil(100);
    let watch: Vec<String> = (0..owners)
        .map(|o| format!("{}/*", stand_in::owner(o)))
        .collect();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = std::process::Command::new(binary)
        .arg("run")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HF_ENDPOINT", server.url())
        .env("HF_SPACES_API_URL", server.url())
        .env("HF_APP_URL_TEMPLATE", server.app_url_template())
        .env("HF_TIMEOUT", "30s")
        .env("SPACES", watch.join(","))
        .env("API_KEY", KEY)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.join("spacewarden.db").display()),
        )
        .env("RUST_LOG", "warn")
        .env("PORT", port.to_string())
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start spacewarden run");
    (Daemon(child), port)
}

/// One answer: its size on the wire and the time to the last byte.
async fn get(http: &reqwest::Client, url: &str, gzip: bool) -> Option<(usize, Duration)> {
    let started = Instant::now();
    let mut request = http.get(url).bearer_auth(KEY);
    if gzip {
        request = request.header("accept-encoding", "gzip");
    }
    let response = request.send().await.ok()?;
    if !response.status().is_success() {
        return None;
    }
    let bytes = response.bytes().await.ok()?;
    Some((bytes.len(), started.elapsed()))
}

async fn measure(binary: &str, spaces: usize) {
    let server = stand_in::start(spaces, spaces.div_ceil(100), DELAY).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (daemon, port) = start(binary, &server, spaces, dir.path());
    let pid = daemon.0.id();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let started = Instant::now();
    // Ready is not enough (a fresh daemon is ready for three intervals): wait until
    // `/readyz` names a completed cycle.
    loop {
        let cycled = match http.get(format!("{base}/readyz")).send().await {
            Ok(reply) => reply
                .json::<serde_json::Value>()
                .await
                .is_ok_and(|v| !v["last_cycle"].is_null()),
            Err(_) => false,
        };
        if cycled {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(900),
            "no cycle stored"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    println!(
        "binary: {binary}; {spaces} Spaces; first cycle stored after {:.1?}",
        started.elapsed()
    );
    let ready = memory(pid);
    let routes = [
        "/".to_owned(),
        format!("/owner/{}", stand_in::owner(0)),
        "/api/v1/spaces".to_owned(),
        "/metrics".to_owned(),
    ];
    println!("| route | raw | on the wire (gzip) | time, median (worst), gzip |");
    println!("|---|---|---|---|");
    // Sizes first (one request each), then the traffic, timed.
    let mut sizes = Vec::new();
    for route in &routes {
        let raw = get(&http, &format!("{base}{route}"), false)
            .await
            .map(|(n, _)| n);
        let wire = get(&http, &format!("{base}{route}"), true)
            .await
            .map(|(n, _)| n);
        sizes.push((raw, wire));
    }
    let peak = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                let kb = (memory(pid).0 * 1024.0) as u64;
                peak.fetch_max(kb, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(ROUNDS);
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let (http, base, routes) = (http.clone(), base.clone(), routes.clone());
        clients.push(tokio::spawn(async move {
            let mut took: Vec<Vec<Duration>> = vec![Vec::new(); routes.len()];
            for _ in 0..rounds {
                for (i, route) in routes.iter().enumerate() {
                    if let Some((_, time)) = get(&http, &format!("{base}{route}"), true).await {
                        took[i].push(time);
                    }
                }
            }
            took
        }));
    }
    let mut took: Vec<Vec<Duration>> = vec![Vec::new(); routes.len()];
    for client in clients {
        for (i, times) in client.await.expect("client").into_iter().enumerate() {
            took[i].extend(times);
        }
    }
    done.store(true, Ordering::Relaxed);
    sampler.await.expect("sampler");
    for ((route, (raw, wire)), mut times) in routes.iter().zip(sizes).zip(took) {
        times.sort();
        let kb = |n: Option<usize>| {
            n.map_or("–".to_owned(), |n| format!("{:.0} KB", n as f64 / 1000.0))
        };
        let time = match times.len() {
            0 => "–".to_owned(),
            n => format!(
                "{:.0} ms ({:.0})",
                times[n / 2].as_secs_f64() * 1000.0,
                times[n - 1].as_secs_f64() * 1000.0
            ),
        };
        println!("| `{route}` | {} | {} | {time} |", kb(raw), kb(wire));
    }
    let after = memory(pid);
    println!(
        "daemon RSS: {:.0} MB ready, {:.0} MB most during {} requests, {:.0} MB after; peak (VmHWM) {:.0} MB",
        ready.0,
        peak.load(Ordering::Relaxed) as f64 / 1024.0,
        CLIENTS * rounds * routes.len(),
        after.0,
        after.1
    );
    drop(daemon);
    // The live-metrics streams the memory sampler opens: the stand-in has none.
    println!(
        "({} requests the stand-in does not serve were answered 404)",
        server.unexpected()
    );
}
