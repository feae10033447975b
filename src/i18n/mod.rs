//! Messages for people in their language: English (`en`) and Simplified Chinese
//! (`zh-CN`), one Fluent file per language under `locales/<tag>/main.ftl`, embedded in
//! the binary (`build.rs` lists the folder, so a third language is one new file).
//!
//! Everything a person reads comes from a message id through [`tr`] or the [`t!`]
//! macro; plurals and numbers are Fluent's (`{ $count -> [one] … *[other] … }`). What
//! programs read (JSON, `/metrics`, log fields, codes, routes) never goes through here.
//!
//! Which language: [`Lang::match_tag`] maps one tag to a file (`zh`, `zh-Hans-*`,
//! `zh-TW`, … to `zh-CN` while it is the only Chinese file), [`Lang::from_accept_language`]
//! a browser's list, [`Lang::from_posix`] a `LANG`-style value. Each returns `None` when
//! no file fits, so the caller moves on to its next source (the page: `?lang=`, cookie,
//! `Accept-Language`, then `SPACEWARDEN_LANG`; see `config::Locale` for the default).
//!
//! Imports nothing from the crate: any layer may use it.

mod bundle;

use std::str::FromStr;

use unic_langid::LanguageIdentifier;

pub use bundle::{Args, has_message, message_ids, parse_errors, tr};
pub use fluent_bundle::FluentArgs;

/// One language spacewarden has a file for. `Copy`, cheap to pass everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Lang(u8);

impl Lang {
    /// English: the fallback, and the language of every message id's first text.
    pub const EN: Lang = Lang(0);

    /// Every language with a file, English first.
    pub fn all() -> impl Iterator<Item = Lang> {
        (0..bundle::count()).map(|i| Lang(i as u8))
    }

    /// Its tag, as the file's folder spells it (`en`, `zh-CN`): for `<html lang>`,
    /// cookies and links.
    pub fn tag(self) -> &'static str {
        bundle::tag(self.0 as usize)
    }

    /// The language whose tag is exactly `tag` (case-insensitive), if any.
    pub fn exact(tag: &str) -> Option<Lang> {
        Lang::all().find(|lang| lang.tag().eq_ignore_ascii_case(tag))
    }

    /// The file for a BCP 47 tag: the same language, the closest script and region
    /// (`zh-TW` is `zh-Hant-TW` and takes a `zh-Hant` file once there is one, `zh-CN`
    /// until then). `None` when no file has that language, or the tag does not parse.
    pub fn match_tag(tag: &str) -> Option<Lang> {
        let mut wanted = LanguageIdentifier::from_str(tag.trim()).ok()?;
        if wanted.language.is_empty() {
            return None;
        }
        wanted.maximize();
        Lang::all()
            .filter_map(|lang| {
                let mut have = LanguageIdentifier::from_str(lang.tag()).ok()?;
                have.maximize();
                (have.language == wanted.language).then(|| {
                    let score = 2 * u8::from(have.script == wanted.script)
                        + u8::from(have.region == wanted.region);
                    (score, lang)
                })
            })
            // Highest score; among equals the first file (`max_by_key` keeps the last).
            .fold(None, |best: Option<(u8, Lang)>, (score, lang)| match best {
                Some((top, _)) if top >= score => best,
                _ => Some((score, lang)),
            })
            .map(|(_, lang)| lang)
    }

    /// A browser's `Accept-Language` (`zh-CN,zh;q=0.9,en;q=0.8`): the entry with the
    /// highest weight that has a file; `None` when none has (or only `*`).
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut entries: Vec<(u16, usize, &str)> = header
            .split(',')
            .take(32)
            .enumerate()
            .filter_map(|(i, entry)| {
                let mut parts = entry.split(';');
                let tag = parts.next()?.trim();
                let weight =
                    parts
                        .find_map(|p| p.trim().strip_prefix("q="))
                        .map_or(Some(1000), |q| {
                            q.trim()
                                .parse::<f32>()
                                .ok()
                                .map(|q| (q.clamp(0.0, 1.0) * 1000.0) as u16)
                        })?;
                (weight > 0 && !tag.is_empty() && tag != "*").then_some((weight, i, tag))
            })
            .collect();
        // Highest weight first; equal weights in the order sent.
        entries.sort_by_key(|&(weight, i, _)| (std::cmp::Reverse(weight), i));
        entries.iter().find_map(|&(_, _, tag)| Lang::match_tag(tag))
    }

    /// A POSIX locale value (`zh_CN.UTF-8`, `en_US`, `C`): its language's file, if any.
    pub fn from_posix(value: &str) -> Option<Lang> {
        let base = value.split(['.', '@']).next().unwrap_or("");
        match base {
            "" | "C" | "POSIX" => None,
            base => Lang::match_tag(&base.replace('_', "-")),
        }
    }
}

impl Default for Lang {
    fn default() -> Lang {
        Lang::EN
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

/// A message in `lang`: `t!(lang, "id")`, or with Fluent arguments
/// `t!(lang, "id", count = 3, space = name)`. Numbers given as Rust numbers take
/// Fluent's plural rules; strings are inserted as they are (escape on render).
#[macro_export]
macro_rules! t {
    ($lang:expr, $id:expr) => {
        $crate::i18n::tr($lang, $id, None)
    };
    ($lang:expr, $id:expr, $($name:ident = $value:expr),+ $(,)?) => {{
        let mut args = $crate::i18n::FluentArgs::new();
        $( args.set(stringify!($name), $value); )+
        $crate::i18n::tr($lang, $id, Some(&args))
    }};
}

#[cfg(test)]
mod tests;
