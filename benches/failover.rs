//! The failover benchmark (issue 15): two release `spacewarden run` replicas on one
//! Postgres database, watching one Space of the fake Hub with checks every 5 s. Each run
//! waits until one replica's `/readyz` says leader with a completed cycle and the other
//! says follower, `kill -9`s the leader, and times how long until the survivor's
//! `/readyz` says leader with a `last_cycle` after the kill; the killed replica then
//! starts again as the new follower. Prints each of the 5 runs and the median; asserts
//! nothing, but gives up with the replicas' output when a wait passes 60 s.
//!
//! Needs a Postgres server in `SPACEWARDEN_TEST_DATABASE_URL` (`. .ci/postgres` starts a
//! throwaway one) and creates a fresh database on it; without it, prints a notice and
//! exits 0. `cargo bench --bench failover [-- --record]`: `--record` also writes the
//! figures into BENCHMARKS.md ("Failover"). The kill comes at a random moment up to
//! 5 s after the pair has settled (see `PROSE`).

#[path = "../tests/api/support/app.rs"]
#[allow(dead_code)]
mod app;
#[path = "../tests/api/support/fake_hub/mod.rs"]
mod fake_hub;
#[path = "../tests/api/support/process.rs"]
#[allow(dead_code)]
mod process;

use std::path::Path;
use std::time::{Duration, Instant};

use app::App;
use chrono::{DateTime, TimeDelta, Utc};
use fake_hub::{FakeHub, SpaceSpec};
use process::Running;
use spacewarden::store::{TEST_DATABASE_URL, create_scratch_database};
use sqlx::{Connection, PgConnection};

const RUNS: usize = 5;
/// Every 5 s (six fields, seconds first).
const SCHEDULE: &str = "*/5 * * * * *";
const INTERVAL: Duration = Duration::from_secs(5);
const WAIT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(50);

const SECTION: &str = "## Failover (`benches/failover.rs`, issue 15)";
const BEGIN: &str = "<!-- failover bench: begin -->";
const END: &str = "<!-- failover bench: end -->";

fn main() {
    // Cargo adds `--bench`.
    let record = std::env::args().any(|a| a == "--record");
    let Some(server) = std::env::var(TEST_DATABASE_URL)
        .ok()
        .filter(|u| !u.is_empty())
    else {
        println!(
            "failover: {} is not set, nothing measured (`. .ci/postgres` starts a throwaway cluster and sets it)",
            TEST_DATABASE_URL
        );
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    match runtime.block_on(bench(&server)) {
        Ok(report) => {
            println!("{}", report.table());
            if record {
                match write_section(&report) {
                    Ok(()) => println!("written to BENCHMARKS.md"),
                    Err(e) => eprintln!("failover: cannot update BENCHMARKS.md: {e}"),
                }
            }
        }
        Err(failure) => {
            eprintln!("failover: {failure}");
            std::process::exit(1);
        }
    }
}

/// One replica: its own working directory and port, the shared database.
struct Replica {
    running: Running,
    port: u16,
    _app: App,
}

impl Replica {
    fn start(hub: &FakeHub, database: &str) -> Replica {
        let port = free_port();
        let app = App::new(hub)
            .env("SPACES", "alice/app")
            .env("HF_TOKEN", "hf_alice")
            .env("DATABASE_URL", database)
            .env("CHECK_SCHEDULE", SCHEDULE)
            .env("PORT", &port.to_string())
            .env("RUST_LOG", "info");
        let running = app.spawn(&["run"]);
        Replica {
            running,
            port,
            _app: app,
        }
    }
}

/// A port nothing listens on now (the kernel's pick for port 0).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// What `/readyz` says about leadership (whatever its status code).
#[derive(Clone, Debug)]
struct Readiness {
    role: String,
    last_cycle: Option<DateTime<Utc>>,
}

impl Readiness {
    fn leads_with_cycle(&self) -> bool {
        self.role == "leader" && self.last_cycle.is_some()
    }
}

async fn readiness(http: &reqwest::Client, port: u16) -> Option<Readiness> {
    let body: serde_json::Value = http
        .get(format!("http://127.0.0.1:{port}/readyz"))
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    Some(Readiness {
        role: body["role"].as_str()?.to_owned(),
        last_cycle: body["last_cycle"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc)),
    })
}

/// One failover: from the `kill -9` until the survivor's `/readyz` said so, and until
/// the cycle it reported completed (its own clock, without the polling delay).
struct Failover {
    seen: Duration,
    cycle: TimeDelta,
}

struct Report {
    server_version: String,
    runs: Vec<Failover>,
}

async fn bench(server: &str) -> Result<Report, String> {
    let database = create_scratch_database(server)
        .await
        .map_err(|e| format!("cannot create a database on the Postgres server: {e}"))?;
    let mut connection = PgConnection::connect(&database)
        .await
        .map_err(|e| format!("cannot connect to the fresh database: {e}"))?;
    let server_version: String = sqlx::query_scalar("SHOW server_version")
        .fetch_one(&mut connection)
        .await
        .map_err(|e| format!("SHOW server_version: {e}"))?;
    connection.close().await.ok();
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(SpaceSpec::new("alice/app"));
    println!(
        "failover: {RUNS} runs, two replicas of {} on Postgres {server_version}, CHECK_SCHEDULE=\"{SCHEDULE}\"",
        env!("CARGO_BIN_EXE_spacewarden")
    );
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .map_err(|e| format!("HTTP client: {e}"))?;
    let mut replicas = [
        Replica::start(&hub, &database),
        Replica::start(&hub, &database),
    ];
    let result = failovers(&hub, &database, &http, &mut replicas).await;
    if result.is_err() {
        for (name, replica) in ["first", "second"].iter().zip(&replicas) {
            eprintln!(
                "--- the {name} replica (port {}), last lines:\n{}",
                replica.port,
                tail(&replica.running.output(), 40)
            );
        }
    }
    // Dropping a replica kills it (kill_on_drop): nothing outlives the bench.
    drop(replicas);
    result.map(|runs| Report {
        server_version,
        runs,
    })
}

async fn failovers(
    hub: &FakeHub,
    database: &str,
    http: &reqwest::Client,
    replicas: &mut [Replica; 2],
) -> Result<Vec<Failover>, String> {
    let mut runs = Vec::with_capacity(RUNS);
    for run in 1..=RUNS {
        leader_and_follower(http, replicas).await?;
        // The pair is seen settled right after the follower's first (failed) try for
        // the lock; killing then would always meet its next try a full second away.
        // A random moment within a schedule interval measures the average case.
        tokio::time::sleep(random_below(INTERVAL)).await;
        let leader = leader_and_follower(http, replicas).await?;
        let survivor = 1 - leader;
        let killed_at = Utc::now();
        let killed = Instant::now();
        replicas[leader].running.kill().await;
        let (seen, cycle_at) = takeover(http, replicas[survivor].port, killed_at).await?;
        let failover = Failover {
            seen: seen.duration_since(killed),
            cycle: cycle_at.signed_duration_since(killed_at),
        };
        println!(
            "run {run}: {:.2} s from kill -9 to the survivor's /readyz saying leader with a new cycle (cycle completed at +{:.2} s)",
            failover.seen.as_secs_f64(),
            seconds(failover.cycle)
        );
        runs.push(failover);
        replicas[leader] = Replica::start(hub, database);
    }
    Ok(runs)
}

/// Waits until one replica leads with a completed cycle and the other follows; returns
/// the leader's index.
async fn leader_and_follower(
    http: &reqwest::Client,
    replicas: &[Replica; 2],
) -> Result<usize, String> {
    let deadline = Instant::now() + WAIT;
    loop {
        let states = [
            readiness(http, replicas[0].port).await,
            readiness(http, replicas[1].port).await,
        ];
        for leader in [0, 1] {
            let leads = states[leader]
                .as_ref()
                .is_some_and(Readiness::leads_with_cycle);
            let follows = states[1 - leader]
                .as_ref()
                .is_some_and(|s| s.role == "follower");
            if leads && follows {
                return Ok(leader);
            }
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "no leader with a completed check cycle beside a follower within {} s; /readyz said {states:?}",
                WAIT.as_secs()
            ));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Waits until the survivor leads with a cycle completed after the kill; returns when
/// that was seen and the cycle's `last_cycle`.
async fn takeover(
    http: &reqwest::Client,
    port: u16,
    killed_at: DateTime<Utc>,
) -> Result<(Instant, DateTime<Utc>), String> {
    let deadline = Instant::now() + WAIT;
    let mut last = None;
    loop {
        let state = readiness(http, port).await;
        if let Some(Readiness {
            role,
            last_cycle: Some(cycle),
        }) = &state
            && role == "leader"
            && *cycle > killed_at
        {
            return Ok((Instant::now(), *cycle));
        }
        last = state.or(last);
        if Instant::now() >= deadline {
            return Err(format!(
                "the survivor (port {port}) did not lead with a new completed cycle within {} s of the kill; /readyz last said {last:?}",
                WAIT.as_secs()
            ));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// A random duration in `[0, limit)`, to the millisecond.
fn random_below(limit: Duration) -> Duration {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("randomness");
    let millis = u64::from_le_bytes(bytes) % limit.as_millis().max(1) as u64;
    Duration::from_millis(millis)
}

fn seconds(delta: TimeDelta) -> f64 {
    delta.num_milliseconds() as f64 / 1000.0
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

impl Report {
    fn median(&self) -> (Duration, TimeDelta) {
        let mut seen: Vec<Duration> = self.runs.iter().map(|r| r.seen).collect();
        let mut cycle: Vec<TimeDelta> = self.runs.iter().map(|r| r.cycle).collect();
        seen.sort();
        cycle.sort();
        (seen[seen.len() / 2], cycle[cycle.len() / 2])
    }

    fn table(&self) -> String {
        let mut out = String::from(
            "| run | `kill -9` → the survivor's `/readyz` says leader with a new cycle | → that cycle completed (`last_cycle`) |\n|---|---|---|\n",
        );
        for (i, run) in self.runs.iter().enumerate() {
            out.push_str(&format!(
                "| {} | {:.2} s | {:.2} s |\n",
                i + 1,
                run.seen.as_secs_f64(),
                seconds(run.cycle)
            ));
        }
        let (seen, cycle) = self.median();
        out.push_str(&format!(
            "| median of {} | {:.2} s | {:.2} s |\n",
            self.runs.len(),
            seen.as_secs_f64(),
            seconds(cycle)
        ));
        out
    }
}

/// Replaces the generated part of the section (between the markers), or appends the
/// section with its prose; the prose around the markers is kept.
fn write_section(report: &Report) -> std::io::Result<()> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("BENCHMARKS.md");
    let text = std::fs::read_to_string(&path)?;
    let generated = format!(
        "{BEGIN}\n{}, release build, Postgres {}, `CHECK_SCHEDULE=\"{SCHEDULE}\"`:\n\n{}{END}",
        Utc::now().format("%Y-%m-%d"),
        report.server_version,
        report.table()
    );
    let updated = match (text.find(BEGIN), text.find(END)) {
        (Some(begin), Some(end)) if begin < end => {
            format!("{}{generated}{}", &text[..begin], &text[end + END.len()..])
        }
        _ => format!(
            "{}\n\n{SECTION}\n\n{PROSE}\n\n{generated}\n",
            text.trim_end()
        ),
    };
    std::fs::write(path, updated)
}

const PROSE: &str = "\
`cargo bench --bench failover [-- --record]` runs two release `spacewarden run` replicas
on one fresh database of the Postgres server in `SPACEWARDEN_TEST_DATABASE_URL`
(`. .ci/postgres` starts a throwaway cluster and sets it), watching one Space of the
fake Hub. Each run waits until one replica's `/readyz` says leader with a completed
cycle and the other says follower, `kill -9`s the leader, and measures until the
survivor's `/readyz` (polled every 50 ms) says leader with a `last_cycle` after the
kill; the killed replica then starts again as the follower. The kill comes at a random
moment up to 5 s after the pair has settled, so it meets the follower's once-a-second
try for the lock at any phase. A new leader checks at once rather than at the next tick
(checks every 5 s), so the figure is the wait for the follower's next try for the lock
plus one check cycle. The issue asks for a takeover within 15 s. `--record` rewrites the
block between the markers below.";
