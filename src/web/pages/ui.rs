//! What a page is written in: the reader's language (`web::lang` picks it per request;
//! a static report takes `SPACEWARDEN_LANG`) and the zone of `TZ`, with the helpers
//! every page uses for words, durations and times. Every visible string comes from a
//! message id (`t!(ui.lang, "id")`); a time shows how long ago with the absolute time,
//! offset included, on hover.

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use crate::domain::time::{Ago, Zone, absolute_in, absolute_seconds_in, ago_parts};
use crate::i18n::Lang;
use crate::t;

#[derive(Debug, Clone, Default)]
pub(crate) struct Ui {
    pub lang: Lang,
    pub zone: Zone,
    /// The page's own path and query (without `lang`), for the language switch to come
    /// back to; `None` where there is no switch (a static report, an error page).
    pub here: Option<String>,
    /// A file read later (`spacewarden report`): times are written out with their
    /// offset, never "just now".
    pub fixed: bool,
}

impl Ui {
    /// A page in `lang` without a switch.
    pub(crate) fn plain(lang: Lang, zone: Zone) -> Ui {
        Ui {
            lang,
            zone,
            here: None,
            fixed: false,
        }
    }

    /// The message `id`, without arguments.
    pub(crate) fn t(&self, id: &str) -> String {
        crate::i18n::tr(self.lang, id, None)
    }

    /// `4 min ago`, `4 分钟前`.
    pub(crate) fn ago(&self, now: DateTime<Utc>, at: DateTime<Utc>) -> String {
        let lang = self.lang;
        match ago_parts(now - at) {
            Ago::JustNow => t!(lang, "ago-just-now"),
            Ago::InAMoment => t!(lang, "ago-in-a-moment"),
            Ago::Past(n, unit) => t!(lang, "ago-past", n = n, unit = unit.as_str()),
            Ago::Future(n, unit) => t!(lang, "ago-future", n = n, unit = unit.as_str()),
        }
    }

    /// `2026-12-07 12:48 (UTC+8)`.
    pub(crate) fn absolute(&self, at: DateTime<Utc>) -> String {
        absolute_in(at, self.zone)
    }

    /// A `<time>` showing how long ago, with the exact time and its offset on hover.
    pub(crate) fn when(&self, now: DateTime<Utc>, at: DateTime<Utc>) -> Markup {
        html! {
            time datetime=(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                title=(absolute_seconds_in(at, self.zone)) {
                @if self.fixed { (self.absolute(at)) } @else { (self.ago(now, at)) }
            }
        }
    }

    /// A `<time>` to the second in the zone (lists of checks, where "just now" twenty
    /// times says nothing); the offset on hover.
    pub(crate) fn clock(&self, at: DateTime<Utc>) -> Markup {
        html! {
            time datetime=(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                title=(absolute_seconds_in(at, self.zone)) {
                (self.zone.format(at, &self.t("date-clock")))
            }
        }
    }

    /// A day of the uptime bar, `Nov 22` / `11月22日` (days are UTC days, as the store
    /// counts them; the pattern is the locale file's `date-day`).
    pub(crate) fn day(&self, day: DateTime<Utc>) -> String {
        let text = day.format(&self.t("date-day")).to_string();
        // The store cuts days at UTC midnight: in another zone the label says so.
        if self.zone == Zone::UTC {
            text
        } else {
            format!("{text} (UTC)")
        }
    }

    /// A duration in words: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`.
    pub(crate) fn span(&self, d: std::time::Duration) -> String {
        let (s, lang) = (d.as_secs(), self.lang);
        match s {
            0..=59 => t!(lang, "span-s", s = s),
            60..=3599 => t!(lang, "span-min", min = s / 60),
            3600..=86_399 => t!(lang, "span-h-min", h = s / 3600, min = s % 3600 / 60),
            _ => t!(lang, "span-d-h", d = s / 86_400, h = s % 86_400 / 3600),
        }
    }

    /// A round duration in its largest whole unit: `15 min`, `4 h`, `7 d` (a mute's
    /// choices).
    pub(crate) fn round_span(&self, d: std::time::Duration) -> String {
        let (s, lang) = (d.as_secs(), self.lang);
        match s {
            s if s >= 86_400 && s % 86_400 == 0 => t!(lang, "span-d", d = s / 86_400),
            s if s >= 3600 && s % 3600 == 0 => t!(lang, "span-h", h = s / 3600),
            s if s % 60 == 0 => t!(lang, "span-min", min = s / 60),
            s => t!(lang, "span-s", s = s),
        }
    }

    /// A verdict's name (`up`, `down`, …) for people; the code stays the CSS class.
    pub(crate) fn verdict(&self, code: &str) -> String {
        let id = format!("verdict-{}", code.replace('_', "-"));
        if crate::i18n::has_message(self.lang, &id) {
            self.t(&id)
        } else {
            // A code a newer version stored: shown as it is.
            code.replace('_', " ")
        }
    }

    /// A stored word (action kind, actor, trigger) under `prefix`, or the word itself
    /// when the file has no entry for it (another version's word).
    pub(crate) fn word(&self, prefix: &str, word: &str) -> String {
        let id = format!("{prefix}-{}", word.replace('_', "-"));
        if crate::i18n::has_message(self.lang, &id) {
            self.t(&id)
        } else {
            word.to_owned()
        }
    }
}
