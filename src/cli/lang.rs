//! The language and zone the command line writes in for people: `SPACEWARDEN_LANG`,
//! else the POSIX locale (`LC_ALL`, `LC_MESSAGES`, `LANG`), and `TZ`, as
//! `config::Locale` reads them, taken once from the process's environment after
//! `.env` is loaded. What scripts read (`check --json`, exit codes) never goes through
//! here; `report --lang` overrides the language of the files it writes only.

use std::sync::OnceLock;

use crate::config::Locale;
use crate::i18n::Lang;

static LOCALE: OnceLock<Locale> = OnceLock::new();

/// The locale of this run.
pub(crate) fn locale() -> Locale {
    *LOCALE.get_or_init(Locale::from_process_env)
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
