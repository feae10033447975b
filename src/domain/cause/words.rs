//! A cause in the reader's language. The stored `Cause` keeps its English summary
//! (the JSON and the database say what they always said); people get the words of
//! the message id for the same thing: the built-in pattern that produced the summary,
//! found again from the stored evidence, with what it captured; else the code's
//! default summary. A summary from the settings file is the owner's own words and is
//! shown as written, in every language.

use std::sync::LazyLock;

use regex::Regex;

use super::{BUILTIN, Cause, CauseCode, default_summary};
use crate::i18n::Lang;
use crate::t;

/// The built-in patterns compiled once, each with its message id
/// (`cause-row-<code>-<n>`, `n` counting that code's rows from 1).
/// A built-in row: its code, its compiled pattern, its English summary, its message id.
type Row = (CauseCode, Option<Regex>, &'static str, String);

static ROWS: LazyLock<Vec<Row>> = LazyLock::new(|| {
    let mut seen: Vec<CauseCode> = Vec::new();
    BUILTIN
        .iter()
        .map(|&(code, pattern, summary)| {
            seen.push(code);
            let n = seen.iter().filter(|c| **c == code).count();
            (code, Regex::new(pattern).ok(), summary, row_id(code, n))
        })
        .collect()
});

/// The message id of a code's `n`th built-in row.
pub fn row_id(code: CauseCode, n: usize) -> String {
    format!("cause-row-{code}-{n}")
}

impl Cause {
    /// The summary for a reader of `lang`. English is the stored summary itself.
    pub fn summary_in(&self, lang: Lang) -> String {
        if lang == Lang::EN {
            return self.summary.clone();
        }
        for (code, regex, summary, id) in ROWS.iter() {
            if *code != self.code {
                continue;
            }
            let Some(captures) = regex.as_ref().and_then(|r| r.captures(&self.evidence)) else {
                continue;
            };
            let arg = captures.get(1).map_or("", |m| m.as_str());
            // Only the row that made this very summary (a settings-file row with the
            // same code may have matched first).
            if summary.replace("{1}", arg) == self.summary {
                return t!(lang, id, arg = arg.to_owned());
            }
        }
        if self.summary == default_summary(self.code) {
            return summary_of(self.code, lang);
        }
        self.summary.clone()
    }
}

/// A code's default summary in `lang`.
pub fn summary_of(code: CauseCode, lang: Lang) -> String {
    t!(lang, &format!("cause-summary-{code}"))
}

/// A code's built-in advice in `lang` (advice from the settings file is the owner's
/// own and is not translated).
pub fn advice_of(code: CauseCode, lang: Lang) -> String {
    t!(lang, &format!("cause-advice-{code}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::default_advice;

    fn zh() -> Lang {
        Lang::exact("zh-CN").unwrap()
    }

    /// Each row's English message says exactly what the table says, so a row added
    /// to the table without its message, or moved, fails here.
    #[test]
    fn every_builtin_row_has_its_message_in_its_words() {
        for (code, _, summary, id) in ROWS.iter() {
            assert_eq!(
                t!(Lang::EN, id, arg = "X"),
                summary.replace("{1}", "X"),
                "{id} ({code})"
            );
            assert!(crate::i18n::has_message(zh(), id), "{id} in zh-CN");
        }
        for code in CauseCode::ALL {
            assert_eq!(summary_of(code, Lang::EN), default_summary(code));
            assert_eq!(advice_of(code, Lang::EN), default_advice(code));
        }
    }

    #[test]
    fn a_stored_summary_reads_in_the_readers_language() {
        let table = crate::domain::CauseTable::default();
        let cause = table
            .classify(crate::domain::CauseInput {
                verdict: crate::domain::Verdict::Down,
                stage: None,
                error: None,
                logs: &["ModuleNotFoundError: No module named 'wandb'".to_owned()],
            })
            .unwrap();
        assert_eq!(
            cause.summary_in(Lang::EN),
            "the module wandb is not installed"
        );
        assert_eq!(cause.summary_in(zh()), "没有安装模块 wandb");
        let default = Cause {
            code: CauseCode::Unknown,
            summary: default_summary(CauseCode::Unknown).to_owned(),
            evidence: "whatever".into(),
        };
        assert_eq!(default.summary_in(zh()), "没有匹配到已知的故障模式");
        // The owner's own words (a settings-file pattern) stay as written.
        let own = Cause {
            code: CauseCode::MissingModule,
            summary: "torch fehlt".into(),
            evidence: "ModuleNotFoundError: No module named 'torch'".into(),
        };
        assert_eq!(own.summary_in(zh()), "torch fehlt");
    }
}
