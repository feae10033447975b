//! `spacewarden check --json` at scale (issue 25): N Spaces over M owners (1,000 over
//! 10 and 10,000 over 100), listed by a stand-in Hub and probed at stand-in apps that
//! both answer from memory after 50 ms (`support/stand_in.rs`): the fake Hub of the
//! tests tops out near 330 requests a second, so it would measure itself. Prints the
//! wall time, CPU (user + system) and peak RSS of the child, read by `/usr/bin/time`.
//!
//! Each size runs `check` twice on one SQLite database: the first stores every Space
//! for the first time, the second finds them stored (what cron sees from then on).
//!
//! `cargo bench --bench scale` (both sizes), `-- 1000` (one size). `SCALE_BIN=path`
//! measures another build of the binary (an older commit, for before and after).
//! Asserts nothing.

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
    let sizes: Vec<usize> = match args
        .iter()
        .filter_map(|a| a.parse().ok())
        .collect::<Vec<_>>()
    {
        sizes if sizes.is_empty() => vec![1_000, 10_000],
        sizes => sizes,
    };
    let binary =
        std::env::var("SCALE_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_spacewarden").to_owned());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!("binary: {binary}; Hub and apps answer after {DELAY:?}");
    println!("| Spaces | owners | run | wall | CPU | peak RSS | exit | Spaces in JSON |");
    println!("|---|---|---|---|---|---|---|---|");
    for spaces in sizes {
        let owners = spaces.div_ceil(100);
        let server = runtime.block_on(stand_in::start(spaces, owners, DELAY));
        let dir = tempfile::tempdir().expect("temp dir");
        for run in ["first (empty store)", "second (stored)"] {
            let cost = check(&binary, &server, owners, dir.path());
            println!(
                "| {spaces} | {owners} | {run} | {:.2} s | {:.2} s | {:.1} MB | {} | {} |",
                cost.wall_s, cost.cpu_s, cost.peak_mb, cost.code, cost.spaces_in_json
            );
        }
        let unexpected = server.unexpected();
        if unexpected > 0 {
            println!("({unexpected} requests the stand-in does not serve were answered 404)");
        }
        drop(server);
    }
}

/// Runs `spacewarden check --json` under `/usr/bin/time` and reads what it cost.
fn check(binary: &str, server: &stand_in::StandIn, owners: usize, dir: &Path) -> Cost {
    let times = dir.join("time.txt");
    let watch: Vec<String> = (0..owners)
        .map(|o| format!("{}/*", stand_in::owner(o)))
        .collect();
    let output = std::process::Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%e %U %S %M")
        .arg("-o")
        .arg(&times)
        .arg(binary)
        .args(["check", "--json"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HF_ENDPOINT", server.url())
        .env("HF_SPACES_API_URL", server.url())
        .env("HF_APP_URL_TEMPLATE", server.app_url_template())
        .env("HF_TIMEOUT", "30s")
        .env("SPACES", watch.join(","))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.join("spacewarden.db").display()),
        )
        .env("RUST_LOG", "warn")
        .env("PORT", "0")
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
