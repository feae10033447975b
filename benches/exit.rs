//! The exit-time benchmark (issue 19, defect 16): a release `spacewarden run` with 1,000
//! running Spaces in its store, each live-metrics read of the fake Hub taking seconds
//! like the real one, so the memory sampler is always mid-sweep (over 10,000 Spaces a
//! sweep took 44 minutes and held SIGTERM back until Docker's SIGKILL) and a check
//! cycle starts every second. Each run starts the daemon on the stored Spaces, waits
//! until a sweep has streams open, sends SIGTERM and times until the process has exited. Prints each of the 5 runs and the median; asserts nothing, but
//! gives up on a run after 60 s (and kills it).
//!
//! `cargo bench --bench exit [-- --record]`: `--record` also writes the figures into
//! BENCHMARKS.md ("Exit on SIGTERM").

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
use fake_hub::{FakeHub, SpaceSpec};

const SPACES: usize = 1_000;
const RUNS: usize = 5;
const GIVE_UP: Duration = Duration::from_secs(60);

const SECTION: &str = "## Exit on SIGTERM (`benches/exit.rs`, issue 19 defect 16)";
const BEGIN: &str = "<!-- exit bench: begin -->";
const END: &str = "<!-- exit bench: end -->";
const PROSE: &str = "\
`cargo bench --bench exit [-- --record]` starts a release `spacewarden run` on a store
holding 1,000 running Spaces of the fake Hub (stored by one `spacewarden check` first),
checks every second, and makes each live-metrics read take seconds as the real host
does (an event a second, three read per stream), so the memory sampler is mid-sweep
whenever the signal comes (and a check cycle starts every second). Each run waits until
the sweep has streams open, sends SIGTERM and times until the process has exited. Before
the fix, 14 of 14 SIGTERMs with 1,000 or 10,000 running Spaces left the process alive
after 30 s (issue 19): the sweep ignored the token until it ended, and Docker's SIGKILL
then skipped the exit checkpoint. This bench on the tree before the fix (845807c, same
machine, same day) gave \"still running after 60 s\" in 5 of 5 runs. `--record` rewrites
the block between the markers below.";

fn main() {
    let record = std::env::args().any(|a| a == "--record");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let times = runtime.block_on(measure());
    let mut lines = String::from("| run | SIGTERM → process exited |\n|---|---|\n");
    for (n, took) in times.iter().enumerate() {
        println!("run {}: {}", n + 1, shown(*took));
        lines.push_str(&format!("| {} | {} |\n", n + 1, shown(*took)));
    }
    let mut sorted = times.clone();
    sorted.sort();
    let median = sorted[sorted.len() / 2];
    println!("median of {RUNS}: {}", shown(median));
    lines.push_str(&format!("| median of {RUNS} | {} |\n", shown(median)));
    if record {
        write_record(&lines);
    }
}

fn shown(took: Option<Duration>) -> String {
    match took {
        Some(took) => format!("{:.2} s", took.as_secs_f64()),
        None => format!("still running after {} s", GIVE_UP.as_secs()),
    }
}

async fn measure() -> Vec<Option<Duration>> {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    for n in 0..SPACES {
        hub.add_space(SpaceSpec::new(&format!("alice/app-{n:04}")));
    }
    let app = App::new(&hub)
        .env("SPACES", "alice/*")
        .env("HF_TOKEN", "hf_alice")
        .env("HF_TIMEOUT", "30s")
        .env("CHECK_SCHEDULE", "* * * * * *")
        .env("RUST_LOG", "info");
    let check = app.run(&["check", "--json"]).await;
    assert_eq!(check.code, 0, "the seeding check failed:\n{}", check.stderr);
    // A read now takes about three seconds, as on api.hf.space.
    hub.set_metrics_interval(Duration::from_secs(1));
    let mut times = Vec::new();
    for run in 1..=RUNS {
        let mut daemon = app.spawn(&["run"]);
        let deadline = Instant::now() + GIVE_UP;
        while hub.open_metric_streams() == 0 || !daemon.output().contains("HTTP server listening") {
            assert!(
                Instant::now() < deadline,
                "run {run}: no sweep under way:\n{}",
                daemon.output()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let sent = Instant::now();
        let exited = daemon.terminate(GIVE_UP).await;
        let took = sent.elapsed();
        if exited.is_none() {
            daemon.kill().await;
        }
        times.push(exited.map(|_| took));
    }
    times
}

fn write_record(lines: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("BENCHMARKS.md");
    let text = std::fs::read_to_string(&path).expect("read BENCHMARKS.md");
    let date = chrono::Utc::now().format("%Y-%m-%d");
    let generated = format!(
        "{BEGIN}\n{date}, release build, {SPACES} running Spaces, `CHECK_SCHEDULE=\"* * * * * *\"`, \
         `[memory] streams = 4` (the default):\n\n{lines}{END}"
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
    std::fs::write(&path, updated).expect("write BENCHMARKS.md");
}
