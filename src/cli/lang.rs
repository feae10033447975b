//! The language and zone the command line writes in for people. One concept, one
//! reader: `config::Locale` (`SPACEWARDEN_LANG`, else the POSIX locale `LC_ALL`,
//! `LC_MESSAGES`, `LANG`; and `TZ`). Once a command has loaded its configuration
//! (after `.env`), `cli::config` sets `config.locale` here and this module only hands
//! it out. Before that (`--help`, clap's errors, a broken `.env` or configuration) it
//! is the process's own, read by the same function (`Locale::from_process_env`) and
//! not kept, so an early read cannot shadow what `.env` says.
//!
//! What scripts read (`check --json`, exit codes) never goes through here; `report
//! --lang` overrides the language of the files it writes only.

use std::sync::OnceLock;

use crate::config::Locale;
use crate::i18n::Lang;

static LOCALE: OnceLock<Locale> = OnceLock::new();

/// Sets this run's locale from its configuration. The first one counts: a reload
/// (SIGHUP) reconfigures the daemon, whose own output is logs.
pub(crate) fn set(locale: Locale) {
    let _ = LOCALE.set(locale);
}

/// The locale of this run: the configuration's once loaded, else the process's.
pub(crate) fn locale() -> Locale {
    LOCALE
        .get()
        .copied()
        .unwrap_or_else(Locale::from_process_env)
}

/// The language of this run's human output.
pub(crate) fn lang() -> Lang {
    locale().lang
}

#[cfg(test)]
mod tests {
    use crate::i18n::{Lang, has_message};

    /// The ids the command line builds at run time (`i18n::tests` sees literal ones
    /// only): `check`'s columns, the progress phases, doctor's sections.
    #[test]
    fn ids_made_at_run_time_exist_in_every_language() {
        let columns = ["space", "stage", "verdict", "hardware", "probe", "error"]
            .map(|c| format!("cli-col-{c}"));
        let phases =
            ["checking", "repairing", "delivering-alerts"].map(|p| format!("cli-phase-{p}"));
        let sections = [
            "configuration",
            "watch-list",
            "sign-in",
            "oauth",
            "tokens",
            "destinations",
            "store",
        ]
        .map(|s| format!("cli-doctor-section-{s}"));
        for id in columns.iter().chain(&phases).chain(&sections) {
            for lang in Lang::all() {
                assert!(has_message(lang, id), "{lang}: {id}");
            }
        }
    }
}
