//! The `spacewarden` binary: parse the command line, start logging, hand over to the
//! library, and turn the outcome into an exit status.

use std::process::ExitCode;

use clap::Parser;
use spacewarden::cli::{self, Cli, EXIT_CONFIG};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `.env` fills in what the environment does not set; a broken file is an error.
    if let Err(e) = cli::load_dotenv() {
        eprintln!("error: {e}");
        return ExitCode::from(EXIT_CONFIG);
    }
    if let Err(e) = spacewarden::telemetry::init() {
        eprintln!("error: {e}");
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
