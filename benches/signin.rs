//! Memory under a sign-in flood (issue 19, defect 2): prints a table, asserts nothing.
//!
//! `cargo bench --bench signin [-- --binary PATH] [-- --clients N,N,…]`
//! For each N (300, 200 and 50 by default) starts a fresh `spacewarden run` (this
//! build's, or the binary at PATH, e.g. one built before the bound) with PORT=0, a
//! `WEB_PASSWORD_HASH` of argon2's defaults (19 MiB a check) and
//! `TRUSTED_PROXIES=127.0.0.0/8`, sends N wrong sign-ins at once, each from its own
//! forwarded address (so the per-client throttle lets every one through to the
//! check), and reads the daemon's peak RSS (`VmHWM`) once all are answered. A last row
//! sends 50 from one address without proxy headers. Linux only (`/proc`).

#[path = "../tests/api/support/fake_hub/mod.rs"]
mod fake_hub;
#[path = "support/listening.rs"]
mod listening;

use std::collections::BTreeMap;
use std::time::Instant;

use fake_hub::{FakeHub, SpaceSpec};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let binary = value("--binary").unwrap_or_else(|| env!("CARGO_BIN_EXE_spacewarden").into());
    let rounds: Vec<usize> = value("--clients").map_or(vec![300, 200, 50], |list| {
        list.split(',')
            .map(|n| n.trim().parse().expect("--clients N,N"))
            .collect()
    });
    let hash = spacewarden::web::hash_password("the real one").expect("hash");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!("binary: {binary}");
    println!();
    println!("| sign-ins at once | from | peak RSS (VmHWM) | answers | all answered in |");
    println!("|---|---|---|---|---|");
    for n in rounds {
        runtime.block_on(round(&binary, &hash, n, true));
    }
    runtime.block_on(round(&binary, &hash, 50, false));
}

async fn round(binary: &str, hash: &str, clients: usize, forwarded: bool) {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let dir = tempfile::tempdir().expect("tmp");
    let mut child = tokio::process::Command::new(binary)
        .arg("run")
        .env_clear()
        .env("HF_ENDPOINT", hub.hub_url())
        .env("HF_SPACES_API_URL", hub.metrics_url())
        .env("HF_APP_URL_TEMPLATE", hub.app_url_template())
        .env("SPACES", "alice/app")
        .env("WEB_USERNAME", "ops")
        .env("WEB_PASSWORD_HASH", hash)
        .env("TRUSTED_PROXIES", "127.0.0.0/8")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("signin.db").display()),
        )
        .env("RUST_LOG", "info")
        .env("PORT", "0")
        .current_dir(dir.path())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn spacewarden");
    let pid = child.id().expect("pid");
    let port = listening::listening_port(child.stderr.take().expect("stderr")).await;

    let http = reqwest::Client::new();
    let started = Instant::now();
    let answers = futures_util::future::join_all((0..clients).map(|i| {
        let mut request = http
            .post(format!("http://127.0.0.1:{port}/login"))
            .form(&[("username", "ops"), ("password", "a wrong guess")]);
        if forwarded {
            request = request.header(
                "x-forwarded-for",
                format!("198.18.{}.{}", i / 250, i % 250 + 1),
            );
        }
        async move { request.send().await.map(|r| r.status().as_u16()) }
    }))
    .await;
    let took = started.elapsed();
    let mut counts = BTreeMap::new();
    for answer in answers {
        let key = answer.map_or_else(|_| "error".to_owned(), |s| s.to_string());
        *counts.entry(key).or_insert(0) += 1;
    }
    let counts: Vec<String> = counts.iter().map(|(k, n)| format!("{n}× {k}")).collect();
    println!(
        "| {clients} | {} | {} | {} | {:.1} s |",
        if forwarded {
            "one address each"
        } else {
            "one address"
        },
        peak_rss(pid),
        counts.join(", "),
        took.as_secs_f64()
    );
    let _ = child.kill().await;
}

/// The process's peak resident set, from `/proc/PID/status`.
fn peak_rss(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kib| kib.parse::<u64>().ok())
        })
        .map_or_else(|| "unknown".into(), |kib| format!("{} MiB", kib / 1024))
}
