//! Language and time zone for people: `SPACEWARDEN_LANG` (else the POSIX locale,
//! `LC_ALL`, then `LC_MESSAGES`, then `LANG`, when it names a language spacewarden has
//! a file for; else English) and `TZ` (an IANA name, `UTC` or `UTC0`; unset is UTC).
//!
//! These are defaults: the page lets each reader pick (`?lang=`, a cookie,
//! `Accept-Language`), chat each chat. A `TZ` that names no zone stops spacewarden
//! (exit 2, naming `TZ`) rather than showing times in a zone nobody asked for.

use super::{ConfigError, Sentence, err};
use crate::domain::time::Zone;
use crate::i18n::Lang;

/// The default language and the zone of every absolute time shown to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Locale {
    pub lang: Lang,
    pub zone: Zone,
}

/// Reads `SPACEWARDEN_LANG`, the POSIX locale variables and `TZ` through `var` (trimmed,
/// empty is unset).
pub(crate) fn locale(var: impl Fn(&str) -> Option<String>) -> Result<Locale, ConfigError> {
    let lang = match var("SPACEWARDEN_LANG") {
        Some(tag) => Lang::match_tag(&tag)
            .or_else(|| {
                // A tag of a language without a file is English, as the mapping says; one
                // that is not a tag at all is a typo worth stopping for.
                tag.parse::<unic_langid::LanguageIdentifier>()
                    .ok()
                    .map(|_| Lang::EN)
            })
            .ok_or_else(|| {
                let known: Vec<&str> = Lang::all().map(Lang::tag).collect();
                err(
                    "SPACEWARDEN_LANG",
                    Sentence::new("config-not-a-language")
                        .text("value", &tag)
                        .text("known", known.join(", ")),
                )
            })?,
        // POSIX: the first of these that is set decides, whatever it names.
        None => ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .find_map(&var)
            .and_then(|value| Lang::from_posix(&value))
            .unwrap_or(Lang::EN),
    };
    let zone = match var("TZ") {
        None => Zone::UTC,
        Some(text) => Zone::parse(&text).ok_or_else(|| {
            err(
                "TZ",
                Sentence::new("config-not-a-zone").text("value", &text),
            )
        })?,
    };
    Ok(Locale { lang, zone })
}

impl Locale {
    /// The process's own locale, for what the command line prints before (or without)
    /// a whole configuration: a value that does not parse is left at its default here,
    /// since loading the configuration refuses it with exit 2 anyway.
    pub fn from_process_env() -> Locale {
        let var = |key: &str| {
            std::env::var(key)
                .ok()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let lang = locale(|key| (key != "TZ").then(|| var(key)).flatten())
            .map(|l| l.lang)
            .unwrap_or_default();
        let zone = locale(|key| (key == "TZ").then(|| var(key)).flatten())
            .map(|l| l.zone)
            .unwrap_or_default();
        Locale { lang, zone }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(pairs: &[(&str, &str)]) -> Result<Locale, ConfigError> {
        locale(|key| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn language_from_the_variable_then_posix() {
        let zh = Lang::exact("zh-CN").unwrap();
        assert_eq!(from(&[]).unwrap().lang, Lang::EN);
        assert_eq!(from(&[("SPACEWARDEN_LANG", "zh")]).unwrap().lang, zh);
        assert_eq!(
            from(&[("SPACEWARDEN_LANG", "fr-FR")]).unwrap().lang,
            Lang::EN
        );
        assert_eq!(from(&[("LANG", "zh_CN.UTF-8")]).unwrap().lang, zh);
        assert_eq!(
            from(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "zh_CN.UTF-8")])
                .unwrap()
                .lang,
            Lang::EN
        );
        assert_eq!(
            from(&[("LC_MESSAGES", "zh_TW"), ("LANG", "C")])
                .unwrap()
                .lang,
            zh
        );
        assert_eq!(
            from(&[("SPACEWARDEN_LANG", "en"), ("LANG", "zh_CN.UTF-8")])
                .unwrap()
                .lang,
            Lang::EN
        );
        let bad = from(&[("SPACEWARDEN_LANG", "中文")]).unwrap_err();
        assert_eq!(bad.key, "SPACEWARDEN_LANG");
    }

    #[test]
    fn zone_from_tz() {
        assert_eq!(from(&[]).unwrap().zone, Zone::UTC);
        assert_eq!(from(&[("TZ", "UTC0")]).unwrap().zone, Zone::UTC);
        assert_eq!(
            from(&[("TZ", "Asia/Shanghai")]).unwrap().zone.name(),
            "Asia/Shanghai"
        );
        let bad = from(&[("TZ", "Mars/Olympus")]).unwrap_err();
        assert_eq!(bad.key, "TZ");
        assert!(bad.message().contains("Mars/Olympus"), "{bad}");
    }
}
