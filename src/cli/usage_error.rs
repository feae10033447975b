//! clap's errors for a bad command line (an unknown flag, a missing argument, a value
//! that does not parse) in the reader's language. English keeps clap's own formatter
//! (colours included); any other language is written here from the error's kind and
//! context, without colour.
//!
//! The reason a value parser gives is its own (`--timeout x`, `report --lang x` say it
//! in this language; a malformed `owner/name` is still explained in English, as in
//! chat). clap's rare extra tips ("to pass '--x' as a value, use '-- --x'") are left
//! out rather than shown half translated.

use clap::builder::StyledStr;
use clap::error::{ContextKind, ContextValue, Error, ErrorFormatter, ErrorKind};

use super::help::label;
use crate::i18n::Lang;
use crate::t;

/// The formatter outside English: `error.apply::<Localized>()`.
pub(super) struct Localized;

impl ErrorFormatter for Localized {
    fn format_error(error: &Error<Self>) -> StyledStr {
        StyledStr::from(render(error, super::lang::lang()))
    }
}

/// Every id this file uses, for the test that each language has them.
#[cfg(test)]
pub(super) const IDS: &[&str] = &[
    "cli-usage-error",
    "cli-usage-unknown-argument",
    "cli-usage-unknown-subcommand",
    "cli-usage-value-required",
    "cli-usage-invalid-value",
    "cli-usage-invalid-value-because",
    "cli-bad-timeout",
    "cli-bad-lang-tag",
    "cli-usage-possible-values",
    "cli-usage-missing",
    "cli-usage-conflict",
    "cli-usage-repeated",
    "cli-usage-unexpected-value",
    "cli-usage-other",
    "cli-usage-similar",
    "cli-usage-more",
];

fn render<F: ErrorFormatter>(error: &Error<F>, lang: Lang) -> String {
    let mut out = label(&t!(lang, "cli-usage-error")) + &message(error, lang);
    let similar: Vec<String> = [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .filter_map(|kind| error.get(kind))
    .map(|names| t!(lang, "cli-usage-similar", names = quoted(names).join(", ")))
    .collect();
    if !similar.is_empty() {
        out.push('\n');
        for tip in similar {
            out.push_str(&format!("\n  {tip}"));
        }
    }
    if let Some(ContextValue::StyledStr(usage)) = error.get(ContextKind::Usage) {
        // clap titles it "Usage:" itself; the line after it is this language's already.
        let usage = usage.to_string();
        let line = usage
            .split_once(' ')
            .map_or(usage.as_str(), |(_, rest)| rest);
        let heading = label(&t!(lang, "cli-help-usage"));
        out.push_str(&format!("\n\n{heading}{line}"));
    }
    out.push_str(&format!(
        "\n\n{}\n",
        t!(lang, "cli-usage-more", flag = "--help")
    ));
    out
}

/// The first sentence: what was wrong, naming the argument and value as typed.
fn message<F: ErrorFormatter>(error: &Error<F>, lang: Lang) -> String {
    let text = |kind| match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    let arg = text(ContextKind::InvalidArg).unwrap_or_default();
    let value = text(ContextKind::InvalidValue).unwrap_or_default();
    match error.kind() {
        ErrorKind::UnknownArgument => t!(lang, "cli-usage-unknown-argument", arg = arg),
        ErrorKind::InvalidSubcommand => t!(
            lang,
            "cli-usage-unknown-subcommand",
            command = text(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::InvalidValue if value.is_empty() => {
            t!(lang, "cli-usage-value-required", arg = arg)
        }
        ErrorKind::InvalidValue => {
            let mut out = t!(lang, "cli-usage-invalid-value", value = value, arg = arg);
            if let Some(valid) = error.get(ContextKind::ValidValue) {
                let valid = quoted(valid).join(", ");
                out.push_str(&format!(
                    "\n  {}",
                    t!(lang, "cli-usage-possible-values", values = valid)
                ));
            }
            out
        }
        ErrorKind::ValueValidation => match std::error::Error::source(error) {
            Some(reason) => t!(
                lang,
                "cli-usage-invalid-value-because",
                value = value,
                arg = arg,
                reason = reason.to_string()
            ),
            None => t!(lang, "cli-usage-invalid-value", value = value, arg = arg),
        },
        ErrorKind::MissingRequiredArgument => {
            let mut out = t!(lang, "cli-usage-missing");
            if let Some(missing) = error.get(ContextKind::InvalidArg) {
                for name in strings(missing) {
                    out.push_str(&format!("\n  {name}"));
                }
            }
            out
        }
        ErrorKind::ArgumentConflict => match error.get(ContextKind::PriorArg) {
            Some(ContextValue::String(prior)) if *prior == arg => {
                t!(lang, "cli-usage-repeated", arg = arg)
            }
            prior => {
                let prior = prior.map(|p| quoted(p).join(", ")).unwrap_or_default();
                t!(lang, "cli-usage-conflict", arg = arg, other = prior)
            }
        },
        ErrorKind::TooManyValues => {
            t!(lang, "cli-usage-unexpected-value", value = value, arg = arg)
        }
        _ => t!(lang, "cli-usage-other"),
    }
}

fn strings(value: &ContextValue) -> Vec<String> {
    match value {
        ContextValue::String(s) => vec![s.clone()],
        ContextValue::Strings(list) => list.clone(),
        _ => Vec::new(),
    }
}

fn quoted(value: &ContextValue) -> Vec<String> {
    strings(value)
        .into_iter()
        .map(|s| format!("'{s}'"))
        .collect()
}
