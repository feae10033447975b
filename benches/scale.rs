//! Issue 25 at scale: N Spaces over N/100 owners (1,000 over 10 and 10,000 over 100),
//! listed by a stand-in Hub and probed at stand-in apps that both answer from memory
//! after 50 ms (`support/stand_in.rs`): the fake Hub of the tests tops out near 330
//! requests a second, so it would measure itself. The store first gets 90 days of
//! history (`scale/history.rs`). Then, per size:
//!
//! - `spacewarden check --json`, twice on that store: wall time, CPU (user + system)
//!   and peak RSS of the child, read by `/usr/bin/time`;
//! - `spacewarden run` for a few cycles back to back with no client (CPU per cycle and
//!   peak RSS), then as many while a client asks for `GET /`
//!   and `/metrics` with gzip (`scale/daemon.rs`): CPU per cycle, peak RSS, answer
//!   times and sizes, the first `GET /` after each commit, and the WAL.
//!
//! Last, the 400-Space daemon: 4 owners of 100, 100 cycles back to back (about a
//! second each at 50 ms answers), no history, no traffic: its peak RSS.
//!
//! `cargo bench --bench scale` (both sizes and the 400-Space case), `-- 1000` (one
//! size), `-- rss` (only the 400-Space case), `-- 10000 check` (`check` alone, three
//! times). `SCALE_BIN=path` measures another build
//! of the binary (an older commit, for before and after); `SCALE_KEEP=dir` keeps each
//! size's seeded store there and reuses it next time. Asserts nothing.

#[path = "scale/daemon.rs"]
mod daemon;
#[path = "scale/history.rs"]
mod history;
#[path = "support/proc_status.rs"]
mod proc_status;
#[path = "support/stand_in.rs"]
mod stand_in;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

/// The answer delay of the Hub and of every app, as in the measurements.
const DELAY: Duration = Duration::from_millis(50);

/// What one `check` cost, as `/usr/bin/time` reports it.
struct Cost {
    wall_s: f64,
    cpu_s: f64,
    peak_mb: f64,
    code: i32,
    spaces_in_json: usize,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let only_rss = args.iter().any(|a| a == "rss");
    // `-- 10000 check`: `check --json` alone, three times (its CPU, paired runs).
    let only_check = args.iter().any(|a| a == "check");
    let (sizes, rss) = match (sizes.is_empty(), only_rss) {
        (_, true) => (Vec::new(), true),
        (true, false) => (vec![1_000, 10_000], true),
        (false, false) => (sizes, false),
    };
    let binary =
        std::env::var("SCALE_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_spacewarden").to_owned());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!("binary: {binary}; Hub and apps answer after {DELAY:?}");
    for spaces in sizes {
        runtime.block_on(size(&binary, spaces, only_check));
    }
    if rss {
        runtime.block_on(daemon_400(&binary));
    }
}

/// The environment of `check` and `run` against `server`.
fn env(server: &stand_in::StandIn, owners: usize, dir: &Path) -> Vec<(String, String)> {
    let watch: Vec<String> = (0..owners)
        .map(|o| format!("{}/*", stand_in::owner(o)))
        .collect();
    [
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("HF_ENDPOINT", server.url()),
        ("HF_SPACES_API_URL", server.url()),
        ("HF_APP_URL_TEMPLATE", server.app_url_template()),
        ("HF_TIMEOUT", "30s".into()),
        ("SPACES", watch.join(",")),
        ("DATABASE_URL", database_url(dir)),
        ("RUST_LOG", "warn".into()),
        ("PORT", "0".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    // Allocator experiments reach the child (`GLIBC_TUNABLES=glibc.malloc.…`).
    .chain(std::env::var("GLIBC_TUNABLES").map(|v| ("GLIBC_TUNABLES".to_owned(), v)))
    .collect()
}

fn database_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("spacewarden.db").display())
}

/// One size: history, `check` twice, then the daemon under web traffic.
async fn size(binary: &str, spaces: usize, only_check: bool) {
    let owners = spaces.div_ceil(100);
    let server = stand_in::start(spaces, owners, DELAY).await;
    // `SCALE_KEEP=dir` keeps each size's seeded store in `dir/<spaces>` and reuses it
    // on the next run (seeding 10,000 Spaces takes minutes; the history then ends at
    // the first run's time).
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = std::env::var_os("SCALE_KEEP").map_or_else(
        || temp.path().to_owned(),
        |keep| Path::new(&keep).join(spaces.to_string()),
    );
    std::fs::create_dir_all(&dir).expect("store folder");
    let seeding = std::time::Instant::now();
    let seeded = if dir.join("spacewarden.db").exists() {
        "reused"
    } else {
        history::seed(&database_url(&dir), spaces, owners, chrono::Utc::now()).await;
        "seeded"
    };
    println!(
        "\n{spaces} Spaces over {owners} owners, {} days of history ({seeded} in {:.0} s)\n",
        history::DAYS,
        seeding.elapsed().as_secs_f64()
    );
    println!("| measure | figure |");
    println!("|---|---|");
    let env = env(&server, owners, &dir);
    let runs: &[&str] = if only_check {
        &["first", "second", "third"]
    } else {
        &["first", "second"]
    };
    for run in runs {
        let (binary, env, dir) = (binary.to_owned(), env.clone(), dir.clone());
        let cost = tokio::task::spawn_blocking(move || check(&binary, &env, &dir))
            .await
            .expect("check");
        println!(
            "| `check --json`, {run} run: wall / CPU / peak RSS | {:.2} s / {:.2} s / {:.1} MB (exit {}, {} Spaces in JSON) |",
            cost.wall_s, cost.cpu_s, cost.peak_mb, cost.code, cost.spaces_in_json
        );
    }
    if only_check {
        return;
    }
    let cycles = if spaces >= 10_000 { 4 } else { 10 };
    // The same cycles without a client first: what the web traffic adds is the difference.
    let quiet = daemon::run(binary, &env, &dir, cycles, false).await;
    println!(
        "| daemon without web traffic, {} cycles: CPU per cycle / peak RSS | {:.2} s / {:.1} MB |",
        quiet.cycles, quiet.cpu_per_cycle_s, quiet.peak_mb
    );
    if let Some(ms) = quiet.read_model_ms {
        println!("| daemon without web traffic: the history read at start | {ms} ms |");
    }
    let cost = daemon::run(binary, &env, &dir, cycles, true).await;
    print_daemon(&cost);
    let unexpected = server.unexpected();
    if unexpected > 0 {
        println!("({unexpected} requests the stand-in does not serve were answered 404)");
    }
}

fn print_daemon(cost: &daemon::DaemonCost) {
    println!(
        "| daemon with web traffic, {} cycles: CPU per cycle | {:.2} s |",
        cost.cycles, cost.cpu_per_cycle_s
    );
    println!(
        "| daemon RSS with web traffic: peak / at the end | {:.1} MB / {:.1} MB |",
        cost.peak_mb, cost.last_mb
    );
    println!(
        "| `GET /` (gzip), median / p99 / max, size | {} |",
        cost.page.summary()
    );
    println!(
        "| first `GET /` after a commit | {} |",
        cost.page_after_commit.summary()
    );
    println!("| `/metrics` (gzip) | {} |", cost.metrics.summary());
    println!(
        "| answers over 300 ms: `GET /`; `/metrics` | {}; {} |",
        cost.page.slow_list(),
        cost.metrics.slow_list()
    );
    println!(
        "| answered 503 while the history was read (`/` and `/metrics`) | {} |",
        cost.starting.summary()
    );
    println!(
        "| the history read at start (`read model built`) | {} |",
        cost.read_model_ms
            .map_or_else(|| "–".to_owned(), |ms| format!("{ms} ms"))
    );
    println!("| WAL at the end | {:.1} MB |", cost.wal_mb);
}

/// The 400-Space daemon: 100 cycles back to back, no history, no traffic.
async fn daemon_400(binary: &str) {
    let (spaces, owners) = (400, 4);
    let server = stand_in::start(spaces, owners, DELAY).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let env = env(&server, owners, dir.path());
    let started = std::time::Instant::now();
    let cost = daemon::run(binary, &env, dir.path(), 100, false).await;
    println!(
        "\n| 400 Spaces, daemon, {} cycles back to back ({:.0} s) | figure | target |",
        cost.cycles,
        started.elapsed().as_secs_f64()
    );
    println!("|---|---|---|");
    println!(
        "| peak RSS (`VmHWM`) / at the end (`VmRSS`) | {:.1} MB / {:.1} MB | peak ≤ 25 MB |",
        cost.peak_mb, cost.last_mb
    );
    println!("| CPU per cycle | {:.3} s | – |", cost.cpu_per_cycle_s);
}

/// Runs `spacewarden check --json` under `/usr/bin/time` and reads what it cost.
fn check(binary: &str, env: &[(String, String)], dir: &Path) -> Cost {
    let times = dir.join("time.txt");
    let output = std::process::Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%e %U %S %M")
        .arg("-o")
        .arg(&times)
        .arg(binary)
        .args(["check", "--json"])
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run spacewarden under /usr/bin/time");
    let text = std::fs::read_to_string(&times).unwrap_or_default();
    // The last line: `time` puts "Command exited with non-zero status" above it.
    let figures: Vec<f64> = text
        .lines()
        .last()
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    let figure = |i: usize| figures.get(i).copied().unwrap_or(f64::NAN);
    let spaces_in_json = serde_json::from_slice::<serde_json::Value>(&output.stdout)
        .ok()
        .and_then(|v| v.as_array().map(Vec::len))
        .unwrap_or(0);
    if spaces_in_json == 0 {
        eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    }
    Cost {
        wall_s: figure(0),
        cpu_s: figure(1) + figure(2),
        peak_mb: figure(3) / 1024.0,
        code: output.status.code().unwrap_or(-1),
        spaces_in_json,
    }
}
