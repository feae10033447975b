//! The fault soak (issue 9): the release `spacewarden run` against the fake Hub, the
//! fake Telegram and Discord, a webhook receiver and the WeCom and ntfy fakes (issue 23,
//! their rate-limit answers injected) while the Hub fails in every way
//! it can, the chats go down, spacewarden is killed with SIGKILL and restarted, and
//! Spaces break and recover on a script. Prints a table of what must be zero; asserts
//! nothing. The harness is `tests/api/support/soak/`, shared with the 30-second test.
//!
//! It runs on SQLite, then once more on a fresh Postgres database when
//! `SPACEWARDEN_TEST_DATABASE_URL` names a server (`. .ci/postgres` starts a throwaway
//! cluster and sets it); `-- --sqlite` or `-- --postgres` runs that one only.
//!
//! `cargo bench --bench faults` (10 minutes each), `cargo bench --bench faults -- 120s`,
//! `-- --record` also writes each table into BENCHMARKS.md ("Fault soak (issue 9)").

#[path = "../tests/api/support/app.rs"]
#[allow(dead_code)]
mod app;
#[path = "../tests/api/support/fake_channels/mod.rs"]
mod fake_channels;
#[path = "../tests/api/support/fake_discord/mod.rs"]
mod fake_discord;
#[path = "../tests/api/support/fake_hub/mod.rs"]
mod fake_hub;
#[path = "../tests/api/support/fake_telegram/mod.rs"]
mod fake_telegram;
#[path = "../tests/api/support/process.rs"]
#[allow(dead_code)]
mod process;
#[path = "../tests/api/support/soak/mod.rs"]
#[allow(dead_code, unused_imports)]
mod soak;
#[path = "../tests/api/support/webhook.rs"]
#[allow(dead_code)]
mod webhook;

use std::path::Path;
use std::time::Duration;

use soak::{Report, SoakConfig};
use spacewarden::store::{TEST_DATABASE_URL, create_scratch_database};

const SECTION: &str = "## Fault soak (issue 9)";

/// A database the soak runs on, and the markers of its block in BENCHMARKS.md.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "Postgres",
        }
    }

    /// SQLite keeps the markers it had before Postgres was measured too.
    fn markers(self) -> (&'static str, &'static str) {
        match self {
            Backend::Sqlite => ("<!-- faults bench: begin -->", "<!-- faults bench: end -->"),
            Backend::Postgres => (
                "<!-- faults bench postgres: begin -->",
                "<!-- faults bench postgres: end -->",
            ),
        }
    }
}

fn main() {
    // Cargo adds `--bench`; anything else starting with `-` is a flag.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let record = args.iter().any(|a| a == "--record");
    let duration = match args.iter().find(|a| !a.starts_with('-')) {
        Some(text) => parse_duration(text).unwrap_or_else(|| {
            eprintln!("faults: \"{text}\" is not a duration (e.g. 30s, 10m)");
            std::process::exit(2);
        }),
        None => Duration::from_secs(600),
    };
    let only_sqlite = args.iter().any(|a| a == "--sqlite");
    let only_postgres = args.iter().any(|a| a == "--postgres");
    let backends = [
        (Backend::Sqlite, !only_postgres || only_sqlite),
        (Backend::Postgres, !only_sqlite || only_postgres),
    ];
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for backend in backends
        .into_iter()
        .filter_map(|(backend, wanted)| wanted.then_some(backend))
    {
        let mut config = SoakConfig::new(duration);
        if backend == Backend::Postgres {
            let Some(server) = std::env::var(TEST_DATABASE_URL)
                .ok()
                .filter(|url| !url.trim().is_empty())
            else {
                println!(
                    "faults: {TEST_DATABASE_URL} is not set, no Postgres run (`. .ci/postgres` starts a throwaway cluster and sets it)"
                );
                continue;
            };
            let database = runtime
                .block_on(create_scratch_database(&server))
                .expect("create a scratch database");
            config.database = Some(database);
        }
        println!(
            "fault soak on {} for {} s with {} (release build)",
            backend.name(),
            duration.as_secs(),
            env!("CARGO_BIN_EXE_spacewarden")
        );
        let report = runtime.block_on(soak::run(&config));
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "soak-{}-{}s",
            backend.name().to_lowercase(),
            duration.as_secs()
        ));
        let saved = report
            .save_logs(&dir)
            .unwrap_or_else(|e| format!("(not saved: {e})"));
        println!("{}", report.table());
        println!("{}", report.evidence());
        println!("spacewarden's output: {saved}");
        if record {
            match write_section(backend, &report) {
                Ok(()) => println!("written to BENCHMARKS.md"),
                Err(e) => eprintln!("faults: cannot update BENCHMARKS.md: {e}"),
            }
        }
    }
}

/// `120s`, `10m`, `90` (seconds) or `1h`.
fn parse_duration(text: &str) -> Option<Duration> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let unit = match unit {
        "" | "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        _ => return None,
    };
    Some(Duration::from_secs(number.checked_mul(unit)?))
}

/// Replaces the generated part of the backend's block (between its markers), or
/// appends it to the end of the file under the section's title; the prose around the
/// markers is kept.
fn write_section(backend: Backend, report: &Report) -> std::io::Result<()> {
    let (open, close) = backend.markers();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("BENCHMARKS.md");
    let text = std::fs::read_to_string(&path)?;
    let generated = format!(
        "{open}\n{}, {} s, {}, release build:\n\n{}\n```\n{}```\n{close}",
        chrono::Utc::now().format("%Y-%m-%d"),
        report.duration.as_secs(),
        backend.name(),
        report.table().trim_end(),
        report.evidence()
    );
    let updated = match (text.find(open), text.find(close)) {
        (Some(begin), Some(end)) if begin < end => {
            format!(
                "{}{generated}{}",
                &text[..begin],
                &text[end + close.len()..]
            )
        }
        _ => format!("{}\n\n{SECTION}\n\n{generated}\n", text.trim_end()),
    };
    std::fs::write(path, updated)
}
