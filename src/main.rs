//! The `spacewarden` binary: parse the command line, start logging, hand over to the
//! library, and turn the outcome into an exit status.

use std::process::ExitCode;

use spacewarden::cli::{self, EXIT_CONFIG};

fn main() -> ExitCode {
    limit_malloc_arenas();
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

/// glibc gives each thread that allocates its own malloc arena (up to 8 per core), and
/// a long-running process with tokio workers and SQLite threads then grows its RSS
/// through fragmentation. Two arenas keep the daemon flat (see BENCHMARKS.md).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    const M_ARENA_MAX: i32 = -8;
    unsafe extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
    }
    // SAFETY: mallopt only changes allocator tuning; called before any thread starts.
    unsafe {
        mallopt(M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
