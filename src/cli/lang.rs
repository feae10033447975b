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
