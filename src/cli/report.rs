//! `spacewarden report --out DIR`: a static site from the store, for GitHub Pages or
//! any file host: `index.html` (the status page, read-only, self-contained),
//! `data.json`, and with `--space-pages` a page per Space. Reads the store only; the
//! Hub is never asked.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;

use super::{EXIT_ATTENTION, EXIT_CONFIG, EXIT_OK, close_store};
use crate::config::Config;
use crate::hub::{HttpProbe, HubClient};
use crate::monitor::{Monitor, MonitorParts};
use crate::store::Store;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Write the site into this directory (created when missing; files of an earlier
    /// report are replaced, others left alone).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Also write a page per watched Space (space/OWNER/NAME.html, lowercase), linked
    /// from the index.
    #[arg(long)]
    pub space_pages: bool,
}

pub async fn run(args: ReportArgs) -> u8 {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_CONFIG;
        }
    };
    if config.watch.is_empty() {
        eprintln!("error: SPACES: nothing to watch; set SPACES (owner/name or owner/*)");
        return EXIT_CONFIG;
    }
    let store = match Store::connect(&config.database_url).await {
        Ok(store) => store,
        Err(e) => {
            eprintln!("error: DATABASE_URL: {e}");
            return EXIT_CONFIG;
        }
    };
    let status = write_site(config, store.clone(), &args).await;
    close_store(&store).await;
    status
}

async fn write_site(config: Config, store: Store, args: &ReportArgs) -> u8 {
    // The pages read the watch list and the store through a monitor; its Hub client
    // is built but never called.
    let (hub, probe) = match (HubClient::for_config(&config), HttpProbe::new()) {
        (Ok(hub), Ok(probe)) => (hub, probe),
        (Err(e), _) => {
            eprintln!("error: {e}");
            return EXIT_CONFIG;
        }
        (_, Err(e)) => {
            eprintln!("error: cannot build the HTTP client: {e}");
            return EXIT_CONFIG;
        }
    };
    let monitor = Monitor::new(MonitorParts::new(
        Arc::new(config),
        Arc::new(hub),
        Arc::new(probe),
        store,
    ));
    let files = match crate::web::static_site(&monitor, args.space_pages).await {
        Ok(files) => files,
        Err(e) => {
            eprintln!("error: cannot read the store: {e}");
            return EXIT_ATTENTION;
        }
    };
    for (path, contents) in &files {
        if let Err(e) = write(&args.out, path, contents) {
            eprintln!("error: {e}");
            return EXIT_ATTENTION;
        }
    }
    println!("wrote {} files to {}", files.len(), args.out.display());
    EXIT_OK
}

/// Writes `contents` to `root/path`, creating folders; `path` comes from
/// `static_site`, made of Space ids that cannot climb out of `root`.
fn write(root: &Path, path: &str, contents: &str) -> Result<(), OutError> {
    let target = root.join(path);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|source| OutError::Create {
            path: parent.to_owned(),
            source,
        })?;
    }
    std::fs::write(&target, contents).map_err(|source| OutError::Write {
        path: target,
        source,
    })
}

/// Why a file of the site could not be written.
#[derive(Debug, thiserror::Error)]
enum OutError {
    #[error("--out: cannot create {}: {source}", path.display())]
    Create {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("--out: cannot write {}: {source}", path.display())]
    Write {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}
