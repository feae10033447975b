//! `spacewarden report --out DIR`: a static site from the store, for GitHub Pages or
//! any file host: `index.html` (the status page, read-only, self-contained),
//! `data.json`, and with `--space-pages` a page per Space. Reads the store only; the
//! Hub is never asked.

use std::path::{Path, PathBuf};

use clap::Args;

use super::lang::lang;
use super::{EXIT_ATTENTION, EXIT_OK};
use crate::app::{App, Purpose};
use crate::i18n::Lang;
use crate::t;

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

    /// Write the site in this language (`en`, `zh-CN`; `zh`, `zh-Hans` and other
    /// Chinese tags are `zh-CN`, a tag without a file `en`). [default:
    /// SPACEWARDEN_LANG, else the POSIX locale]
    #[arg(long, value_name = "TAG", value_parser = parse_lang)]
    pub lang: Option<Lang>,
}

/// A language tag, as `SPACEWARDEN_LANG` takes it (the refusal in the process's
/// language: clap prints it while parsing).
fn parse_lang(text: &str) -> Result<Lang, String> {
    match Lang::match_tag(text) {
        Some(lang) => Ok(lang),
        None if text.parse::<unic_langid::LanguageIdentifier>().is_ok() => Ok(Lang::EN),
        None => Err(t!(lang(), "cli-bad-lang-tag", value = text)),
    }
}

pub async fn run(args: ReportArgs) -> u8 {
    let built = match super::watched_config() {
        Ok(mut config) => {
            // The files' language; times stay in TZ.
            if let Some(lang) = args.lang {
                config.locale.lang = lang;
            }
            App::build(config, Purpose::Report).await
        }
        Err(e) => Err(e),
    };
    let app = match built {
        Ok(app) => app,
        Err(e) => return e.report(),
    };
    let status = write_site(&app, &args).await;
    app.close().await;
    status
}

/// The pages read the watch list and the store through the app's monitor; its Hub
/// client is built but never called.
async fn write_site(app: &App, args: &ReportArgs) -> u8 {
    let files = match crate::web::static_site(&app.monitor, args.space_pages).await {
        Ok(files) => files,
        Err(e) => {
            eprintln!("{}", t!(lang(), "cli-error-store", error = e.to_string()));
            return EXIT_ATTENTION;
        }
    };
    for (path, contents) in &files {
        if let Err(e) = write(&args.out, path, contents) {
            eprintln!("{}", t!(lang(), "cli-error", error = e.to_string()));
            return EXIT_ATTENTION;
        }
    }
    let (count, dir) = (files.len(), args.out.display().to_string());
    println!(
        "{}",
        t!(lang(), "cli-report-wrote", count = count, dir = dir)
    );
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
