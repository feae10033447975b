//! The words every reply shares, in the reader's language: a verdict's name, how long
//! ago, a duration, an absolute time in `TZ` with its offset, the sentence for a
//! failure of ours. Replies build all their text through message ids (`t!`); these
//! are the pieces several of them use.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::{CommandCore, Reply};
use crate::domain::Verdict;
use crate::domain::time::{Ago, absolute_in, ago_parts};
use crate::i18n::Lang;
use crate::t;

/// A verdict's name for people (`down`, `故障`); the code stays in JSON.
pub(crate) fn verdict(lang: Lang, verdict: Verdict) -> String {
    verdict_code(lang, verdict.as_str())
}

/// A stored verdict code's name, or the code itself when this build has no word for
/// it (a newer version stored it).
pub(super) fn verdict_code(lang: Lang, code: &str) -> String {
    stored_word(lang, "verdict", code).unwrap_or_else(|| code.replace('_', " "))
}

/// A stored word (an action's kind or result) under `prefix`, if the file has it.
pub(super) fn stored_word(lang: Lang, prefix: &str, word: &str) -> Option<String> {
    let id = format!("{prefix}-{}", word.replace(['_', ' '], "-"));
    crate::i18n::has_message(lang, &id).then(|| crate::i18n::tr(lang, &id, None))
}

/// `4 min ago`, `4 分钟前`; `since` is `now - at`.
pub(super) fn ago(lang: Lang, since: TimeDelta) -> String {
    match ago_parts(since) {
        Ago::JustNow => t!(lang, "ago-just-now"),
        Ago::InAMoment => t!(lang, "ago-in-a-moment"),
        Ago::Past(n, unit) => t!(lang, "ago-past", n = n, unit = unit.as_str()),
        Ago::Future(n, unit) => t!(lang, "ago-future", n = n, unit = unit.as_str()),
    }
}

/// A duration in words: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`.
pub(super) fn span(lang: Lang, d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=59 => t!(lang, "span-s", s = s),
        60..=3599 => t!(lang, "span-min", min = s / 60),
        3600..=86_399 if s.is_multiple_of(3600) => t!(lang, "span-h", h = s / 3600),
        3600..=86_399 => t!(lang, "span-h-min", h = s / 3600, min = s % 3600 / 60),
        _ if s.is_multiple_of(86_400) => t!(lang, "span-d", d = s / 86_400),
        _ => t!(lang, "span-d-h", d = s / 86_400, h = s % 86_400 / 3600),
    }
}

/// A failure users cannot act on, in `lang`: a neutral sentence with a reference; the
/// cause chain goes to the log under the same reference.
pub(super) fn internal(
    lang: Lang,
    context: &str,
    error: &(dyn std::error::Error + 'static),
) -> Reply {
    let reference = crate::telemetry::ErrorRef::log(context, error).to_string();
    Reply::error(t!(lang, "chat-internal", reference = reference))
}

impl CommandCore {
    /// `2026-12-07 12:48 (UTC+8)`: a moment in `TZ`, with its offset.
    pub(super) fn absolute(&self, at: DateTime<Utc>) -> String {
        absolute_in(at, self.monitor.config().locale.zone)
    }

    /// A moment as `12-07 12:48` in `TZ` (lists of incidents and actions; the offset is
    /// said once, in the heading).
    pub(super) fn short_time(&self, at: DateTime<Utc>) -> String {
        self.monitor.config().locale.zone.format(at, "%m-%d %H:%M")
    }

    /// `UTC+8` at `at`: the offset of `short_time`'s times.
    pub(super) fn offset(&self, at: DateTime<Utc>) -> String {
        self.monitor.config().locale.zone.offset_label(at)
    }
}

#[cfg(test)]
mod tests {
    use crate::i18n::Lang;
    use crate::t;

    /// Plurals go through Fluent: English has one and other, Chinese one form.
    #[test]
    fn counts_take_each_language_s_plural() {
        let zh = Lang::exact("zh-CN").unwrap();
        let attention = |lang, count: usize| t!(lang, "chat-status-attention", count = count);
        assert_eq!(attention(Lang::EN, 1), "1 Space needs attention");
        assert_eq!(attention(Lang::EN, 3), "3 Spaces need attention");
        assert_eq!(attention(zh, 1), "1 个 Space 需要处理");
        assert_eq!(attention(zh, 3), "3 个 Space 需要处理");
        let title = |lang, total: usize| t!(lang, "chat-status-title", total = total, counts = "x");
        assert_eq!(title(Lang::EN, 1), "1 Space: x");
        assert_eq!(title(Lang::EN, 2), "2 Spaces: x");
        assert_eq!(title(zh, 2), "共 2 个 Space：x");
    }

    /// Every command and argument has its description in every language (the ids are
    /// built from names, so the source scan cannot see them).
    #[test]
    fn every_command_is_described_in_every_language() {
        for lang in Lang::all() {
            for spec in &crate::commands::CATALOGUE {
                let id = format!("chat-cmd-{}", spec.name);
                assert!(crate::i18n::has_message(lang, &id), "{lang}: {id}");
                // The catalogue's own English (the page's fallback) is the file's.
                let english = spec.description_in(Lang::EN);
                assert_eq!(spec.description, english, "/{}", spec.name);
                for arg in spec.args {
                    assert_eq!(arg.description, arg.description_in(Lang::EN));
                }
                let text = spec.description_in(lang);
                assert!((1..=100).contains(&text.chars().count()), "{lang}: {text}");
                for arg in spec.args {
                    assert!(arg.description_in(lang).chars().count() <= 100);
                }
            }
        }
    }
}
