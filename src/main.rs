//! The `spacewarden` binary: parse the command line, start logging, hand over to the
//! library, and turn the outcome into an exit status.

use std::process::ExitCode;

use spacewarden::cli::{self, EXIT_CONFIG};

fn main() -> ExitCode {
    tune_malloc();
    // `--help` and clap's errors in SPACEWARDEN_LANG (else the POSIX locale).
    let cli = cli::parse();
    // `.env` fills in what the environment does not set; a broken file is an error.
    if let Err(e) = cli::load_dotenv() {
        let lang = spacewarden::config::Locale::from_process_env().lang;
        eprintln!("error: {}", e.line_in(lang));
        return ExitCode::from(EXIT_CONFIG);
    }
    if let Err(e) = spacewarden::telemetry::init() {
        let lang = spacewarden::config::Locale::from_process_env().lang;
        eprintln!("error: {}", e.line_in(lang));
        return ExitCode::from(EXIT_CONFIG);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    ExitCode::from(runtime.block_on(cli::run(cli)))
}

/// glibc's allocator, tuned for a daemon that runs for weeks (see BENCHMARKS.md):
/// - each thread that allocates gets its own arena (up to 8 per core), and tokio
///   workers and SQLite threads then grow the RSS through fragmentation: one arena
///   keeps it flat (two held about 0.5 MB more at 400 Spaces, memory freed in one
///   arena and wanted in the other, at the same CPU per cycle; each thread's cache of
///   small blocks keeps most allocations off the arena's lock);
/// - after a block over the mmap threshold is freed, glibc raises the threshold (up to
///   32 MB), so a cycle's multi-MB buffers at 10,000 Spaces (a listing, a batch, a
///   read of the store) then come from the heap and stay resident as holes between
///   smaller blocks. Pinned at 128 KiB (the default's start), they are mapped and
///   unmapped, and the heap is trimmed at 128 KiB too.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_malloc() {
    const M_MMAP_THRESHOLD: i32 = -3;
    const M_ARENA_MAX: i32 = -8;
    unsafe extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
    }
    // SAFETY: mallopt only changes allocator tuning; called before any thread starts.
    unsafe {
        mallopt(M_ARENA_MAX, 1);
        mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_malloc() {}
