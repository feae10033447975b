//! The store: for SQLite, the file (present, writable, its size), who holds its lock
//! (a daemon or `check --repair` running on it), and its schema version against this
//! release's; for Postgres, that it answers and its schema version.
//!
//! Read only: `Store::connect` would create and migrate the database, which is `run`'s
//! business, so the version is read straight from sqlx's own `_sqlx_migrations` table
//! on a read-only connection (the one query outside `store/`, on no table of ours).

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::Connection;
use sqlx::sqlite::SqliteConnectOptions;

use super::report::Report;
use crate::app::lock;
use crate::config::{Config, Sentence};
use crate::store::Backend;

const TIMEOUT: Duration = Duration::from_secs(10);
const VERSION: &str = "SELECT MAX(version) FROM _sqlx_migrations";

pub(super) async fn check(report: &mut Report, config: &Config) {
    report.section("cli-doctor-section-store");
    let url = &config.database_url;
    match Backend::of(url) {
        Backend::Postgres => postgres(report, url).await,
        Backend::Sqlite if url.contains(":memory:") => {
            report.info(Sentence::new("doctor-store-memory"))
        }
        Backend::Sqlite => sqlite(report, url).await,
    }
}

async fn sqlite(report: &mut Report, url: &str) {
    let Ok(options) = SqliteConnectOptions::from_str(url) else {
        report.problem(Sentence::new("doctor-store-not-sqlite"));
        return;
    };
    let path = options.get_filename().to_owned();
    let shown = path.display().to_string();
    let line = |id| Sentence::new(id).text("path", &shown);
    match std::fs::metadata(&path) {
        Err(_) => {
            match creatable(&path) {
                Ok(()) => report.ok(line("doctor-store-not-yet")),
                Err(why) => report.problem(line("doctor-store-cannot-create").text("why", why)),
            }
            return;
        }
        Ok(meta) => match std::fs::OpenOptions::new().append(true).open(&path) {
            Ok(_) => report.ok(line("doctor-store-writable").part("size", size(meta.len()))),
            // The kind's name (PermissionDenied): the system's word, as it is.
            Err(e) => report.problem(line("doctor-store-not-writable").text("why", e.kind())),
        },
    }
    match lock::holder(url) {
        Some(holder) => report.info(Sentence::new("doctor-store-in-use").text("holder", holder)),
        None => report.info(Sentence::new("doctor-store-free")),
    }
    let read_only = options.read_only(true).create_if_missing(false);
    let version = async {
        let mut connection = sqlx::SqliteConnection::connect_with(&read_only).await?;
        let version: Option<i64> = sqlx::query_scalar(VERSION)
            .fetch_one(&mut connection)
            .await?;
        connection.close().await?;
        Ok::<_, sqlx::Error>(version)
    };
    let latest = latest(&sqlx::migrate!("./migrations/sqlite"));
    schema(report, tokio::time::timeout(TIMEOUT, version).await, latest);
}

async fn postgres(report: &mut Report, url: &str) {
    let at = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "?".into());
    let version = async {
        let mut connection = sqlx::PgConnection::connect(url).await?;
        let version: Option<i64> = sqlx::query_scalar(VERSION)
            .fetch_one(&mut connection)
            .await?;
        connection.close().await?;
        Ok::<_, sqlx::Error>(version)
    };
    report.info(Sentence::new("doctor-store-postgres").text("at", at));
    let latest = latest(&sqlx::migrate!("./migrations/postgres"));
    schema(report, tokio::time::timeout(TIMEOUT, version).await, latest);
}

fn latest(migrator: &sqlx::migrate::Migrator) -> i64 {
    migrator.iter().map(|m| m.version).max().unwrap_or(0)
}

/// The schema's line. The error's text is not printed: a Postgres one may quote the URL.
fn schema(
    report: &mut Report,
    read: Result<Result<Option<i64>, sqlx::Error>, tokio::time::error::Elapsed>,
    latest: i64,
) {
    let version = |id, v: i64| {
        Sentence::new(id)
            .number("version", v)
            .number("latest", latest)
    };
    match read {
        Err(_) => report.problem(Sentence::new("doctor-schema-timeout").number("seconds", 10)),
        Ok(Err(sqlx::Error::Database(e))) if e.message().contains("_sqlx_migrations") => {
            report.ok(version("doctor-schema-none", latest))
        }
        Ok(Err(_)) => report.problem(Sentence::new("doctor-schema-unreadable")),
        Ok(Ok(None)) => report.ok(version("doctor-schema-none", latest)),
        Ok(Ok(Some(v))) if v == latest => report.ok(version("doctor-schema-current", v)),
        Ok(Ok(Some(v))) if v < latest => report.ok(version("doctor-schema-older", v)),
        Ok(Ok(Some(v))) => report.problem(version("doctor-schema-newer", v)),
    }
}

/// Whether a file can be created beside `path` (created and removed at once).
fn creatable(path: &Path) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let probe = dir.join(format!(".spacewarden-doctor-{}", std::process::id()));
    std::fs::File::create(&probe).map_err(|e| format!("{} ({})", dir.display(), e.kind()))?;
    std::fs::remove_file(&probe).ok();
    Ok(())
}

fn size(bytes: u64) -> Sentence {
    let unit = |id, value: String| Sentence::new(id).text("value", value);
    match bytes {
        b if b >= 1 << 20 => unit(
            "doctor-size-mib",
            format!("{:.1}", b as f64 / f64::from(1 << 20)),
        ),
        b if b >= 1 << 10 => unit(
            "doctor-size-kib",
            format!("{:.1}", b as f64 / f64::from(1 << 10)),
        ),
        b => {
            Sentence::new("doctor-size-bytes").number("count", i64::try_from(b).unwrap_or(i64::MAX))
        }
    }
}
