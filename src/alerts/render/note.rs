//! An event's [`Note`] in a reader's language, and durations as alerts write them
//! (`1h 5m`, `1 小时 5 分钟`).

use crate::alerts::{Advice, Note};
use crate::domain::{RepairStep, advice_of, reason_in};
use crate::i18n::Lang;
use crate::t;

use super::lines::step_in;

/// A duration in its two largest units (`1h 5m`, `42s`; `1 小时 5 分钟`).
pub fn span(secs: u64, lang: Lang) -> String {
    let parts: Vec<String> = crate::domain::two_largest_units(secs)
        .into_iter()
        .map(|(n, unit)| t!(lang, "alert-span-part", n = n, unit = unit))
        .collect();
    if parts.is_empty() {
        return t!(lang, "alert-span-part", n = 0, unit = "s");
    }
    parts.join(&t!(lang, "alert-span-join"))
}

/// What to do, in `lang` (the settings file's own advice as written).
pub fn advice_text(advice: &Advice, lang: Lang) -> String {
    match advice {
        Advice::Builtin(code) => advice_of(*code, lang),
        Advice::Own(text) => text.clone(),
    }
}

/// A ladder's steps (`restart → rebuild`), or that there is none.
fn ladder(steps: &[RepairStep], lang: Lang) -> String {
    if steps.is_empty() {
        return t!(lang, "alert-note-no-ladder");
    }
    steps
        .iter()
        .map(|s| step_in(Some(*s), lang))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// The note as a reader of `lang` reads it; in English, the event's stored `detail`.
pub fn note_text(note: &Note, lang: Lang) -> String {
    match note {
        Note::RequestedBy { actor } => t!(lang, "alert-note-requested-by", actor = actor),
        Note::Advice { advice } => advice_text(advice, lang),
        Note::RepairsCapped {
            repairs,
            window_secs,
        } => t!(
            lang,
            "alert-note-repairs-capped",
            repairs = *repairs,
            window = span(*window_secs, lang)
        ),
        Note::Failed { why, tried, advice } => {
            let text = match tried {
                Some(steps) => t!(
                    lang,
                    "alert-note-tried",
                    tried = ladder(steps, lang),
                    why = reason_in(lang, why)
                ),
                None => reason_in(lang, why),
            };
            match advice {
                Some(advice) => t!(
                    lang,
                    "alert-note-then",
                    text = text,
                    more = advice_text(advice, lang)
                ),
                None => text,
            }
        }
        Note::HardwareDrift {
            requested,
            current,
            secs,
        } => t!(
            lang,
            "alert-note-drift",
            requested = requested,
            current = current,
            span = span(*secs, lang)
        ),
        Note::MemoryHigh {
            percent,
            used_bytes,
            total_bytes,
            samples,
        } => {
            let gib = |b: u64| format!("{:.1}", b as f64 / 1_073_741_824.0);
            t!(
                lang,
                "alert-note-memory",
                percent = format!("{percent:.0}"),
                used = gib(*used_bytes),
                total = gib(*total_bytes),
                samples = *samples
            )
        }
        Note::Saved {
            hours,
            saved_usd,
            hardware,
        } => {
            let hours = format!("{hours:.0}");
            match (saved_usd, hardware) {
                (Some(usd), _) => {
                    t!(
                        lang,
                        "alert-note-saved",
                        hours = hours,
                        saved = format!("${usd:.2}")
                    )
                }
                (None, Some(hardware)) => t!(
                    lang,
                    "alert-note-saved-no-price",
                    hours = hours,
                    hardware = hardware
                ),
                (None, None) => t!(lang, "alert-note-saved-no-hardware", hours = hours),
            }
        }
    }
}
