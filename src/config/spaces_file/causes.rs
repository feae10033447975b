//! `[causes]` in `SPACEWARDEN_CONFIG`: extra patterns for the cause table (tried
//! before the built-in ones), advice per code, and ladder overrides per code. Every
//! value is bounded and every error names its key, like the rest of the file.

use std::collections::HashMap;

use serde::Deserialize;

use crate::domain::{
    CauseCode, CausePattern, CauseTable, Ladder, Ladders, PatternError, RepairStep, WhenExhausted,
    default_summary,
};

const MAX_PATTERNS: usize = 100;
const MAX_PATTERN_LEN: usize = 500;
const MAX_TEXT_LEN: usize = 300;
const MAX_STEPS: usize = 4;

/// The cause table and the ladders, as the daemon uses them.
#[derive(Debug, Clone, Default)]
pub struct CauseSettings {
    pub table: CauseTable,
    pub ladders: Ladders,
}

/// What is wrong in `[causes]`, naming the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum CausesError {
    #[error("patterns: at most {MAX_PATTERNS} entries")]
    TooManyPatterns,
    #[error("{key}: unknown cause \"{text}\" (one of {})", known_causes())]
    UnknownCause { key: String, text: String },
    #[error("{key} must be one line of 1 to {MAX_TEXT_LEN} characters")]
    NotOneLine { key: String },
    #[error("{key} must have 1 to {MAX_PATTERN_LEN} characters")]
    PatternLength { key: String },
    #[error("{key}: {error}")]
    Pattern { key: String, error: PatternError },
    #[error("{key}: at most {MAX_STEPS} steps")]
    TooManySteps { key: String },
    #[error("{key}: retry_later must come last")]
    RetryLaterNotLast { key: String },
    #[error("{key}: unknown step \"{step}\" (restart, rebuild, retry_later)")]
    UnknownStep { key: String, step: String },
}

fn known_causes() -> String {
    let known: Vec<&str> = CauseCode::ALL.iter().map(|c| c.as_str()).collect();
    known.join(", ")
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCauses {
    patterns: Option<Vec<RawPattern>>,
    ladder: Option<HashMap<String, Vec<String>>>,
    advice: Option<HashMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPattern {
    code: String,
    pattern: String,
    summary: Option<String>,
}

fn code(key: &str, text: &str) -> Result<CauseCode, CausesError> {
    CauseCode::parse(text).ok_or_else(|| CausesError::UnknownCause {
        key: key.to_owned(),
        text: text.to_owned(),
    })
}

fn text(key: &str, value: &str) -> Result<String, CausesError> {
    if value.trim().is_empty() || value.chars().count() > MAX_TEXT_LEN || value.contains('\n') {
        return Err(CausesError::NotOneLine {
            key: key.to_owned(),
        });
    }
    Ok(value.to_owned())
}

impl RawCauses {
    pub(super) fn apply(self) -> Result<CauseSettings, CausesError> {
        let raw_patterns = self.patterns.unwrap_or_default();
        if raw_patterns.len() > MAX_PATTERNS {
            return Err(CausesError::TooManyPatterns);
        }
        let mut patterns = Vec::new();
        for (i, p) in raw_patterns.into_iter().enumerate() {
            let key = format!("patterns[{i}]");
            let code = code(&format!("{key}.code"), &p.code)?;
            if p.pattern.is_empty() || p.pattern.chars().count() > MAX_PATTERN_LEN {
                return Err(CausesError::PatternLength {
                    key: format!("{key}.pattern"),
                });
            }
            let summary = match &p.summary {
                Some(s) => text(&format!("{key}.summary"), s)?,
                None => default_summary(code).to_owned(),
            };
            patterns.push(
                CausePattern::new(code, &p.pattern, &summary).map_err(|error| {
                    CausesError::Pattern {
                        key: format!("{key}.pattern"),
                        error,
                    }
                })?,
            );
        }
        let mut advice = Vec::new();
        for (name, value) in self.advice.unwrap_or_default() {
            let key = format!("advice.{name}");
            advice.push((code(&key, &name)?, text(&key, &value)?));
        }
        let mut ladders = HashMap::new();
        for (name, steps) in self.ladder.unwrap_or_default() {
            let key = format!("ladder.{name}");
            ladders.insert(code(&key, &name)?, ladder(&key, &steps)?);
        }
        Ok(CauseSettings {
            table: CauseTable::with(patterns, advice),
            ladders: Ladders::with(ladders),
        })
    }
}

/// `["restart", "rebuild"]`, optionally ending in `"retry_later"`; `[]` means no
/// automatic repair.
fn ladder(key: &str, steps: &[String]) -> Result<Ladder, CausesError> {
    let key = || key.to_owned();
    if steps.len() > MAX_STEPS {
        return Err(CausesError::TooManySteps { key: key() });
    }
    let mut out = Ladder {
        steps: Vec::new(),
        then: WhenExhausted::GiveUp,
    };
    for (i, step) in steps.iter().enumerate() {
        match (step.as_str(), RepairStep::parse(step)) {
            ("retry_later", _) if i + 1 == steps.len() => out.then = WhenExhausted::RetryLater,
            ("retry_later", _) => return Err(CausesError::RetryLaterNotLast { key: key() }),
            (_, Some(step)) => out.steps.push(step),
            (other, None) => {
                return Err(CausesError::UnknownStep {
                    key: key(),
                    step: other.to_owned(),
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SpaceSettings;

    #[test]
    fn patterns_advice_and_ladders_from_the_file() {
        let settings = SpaceSettings::from_toml(
            r#"
            [repair]
            platform_incident_min_spaces = 3
            platform_incident_min_owners = 1
            [causes]
            patterns = [{ code = "missing_module", pattern = "libGL\\.so\\.1", summary = "libGL is missing" }]
            [causes.advice]
            missing_module = "add libgl1 to packages.txt"
            [causes.ladder]
            out_of_memory = ["restart", "rebuild"]
            scheduling_failure = ["retry_later"]
            syntax_error = []
            "#,
        )
        .unwrap();
        assert_eq!(settings.repair.platform.min_spaces, 3);
        assert_eq!(settings.repair.platform.min_owners, 1);
        let causes = &settings.causes;
        assert_eq!(
            causes.table.advice(CauseCode::MissingModule),
            "add libgl1 to packages.txt"
        );
        let oom = causes.ladders.for_cause(Some(CauseCode::OutOfMemory));
        assert_eq!(oom.steps, [RepairStep::Restart, RepairStep::FactoryRebuild]);
        let sched = causes.ladders.for_cause(Some(CauseCode::SchedulingFailure));
        assert_eq!(
            (sched.steps.len(), sched.then),
            (0, WhenExhausted::RetryLater)
        );
        let cause = causes
            .table
            .classify(crate::domain::CauseInput {
                verdict: crate::domain::Verdict::Down,
                stage: None,
                error: Some("ImportError: libGL.so.1: cannot open shared object file"),
                logs: &[],
            })
            .unwrap();
        assert_eq!(cause.summary, "libGL is missing");
    }

    #[test]
    fn errors_name_the_key() {
        for (text, needle) in [
            (
                "[causes]\npatterns = [{ code = \"oom\", pattern = \"x\" }]",
                "[causes] patterns[0].code: unknown cause \"oom\"",
            ),
            (
                "[causes]\npatterns = [{ code = \"unknown\", pattern = \"(\" }]",
                "[causes] patterns[0].pattern: invalid pattern",
            ),
            (
                "[causes]\npatterns = [{ code = \"unknown\", pattern = \"\" }]",
                "patterns[0].pattern must have",
            ),
            (
                "[causes]\npatterns = [{ code = \"unknown\", patern = \"x\" }]",
                "patern",
            ),
            (
                "[causes.ladder]\nout_of_memory = [\"reboot\"]",
                "[causes] ladder.out_of_memory: unknown step \"reboot\"",
            ),
            (
                "[causes.ladder]\nout_of_memory = [\"retry_later\", \"restart\"]",
                "retry_later must come last",
            ),
            ("[causes.ladder]\noom = []", "ladder.oom: unknown cause"),
            (
                "[causes.advice]\ndisk_full = \"\"",
                "advice.disk_full must be one line",
            ),
            (
                "[repair]\nplatform_incident_min_spaces = 0",
                "[repair] platform_incident_min_spaces 0 is out of range",
            ),
            (
                "[repair]\nplatform_incident_min_owners = 100000",
                "platform_incident_min_owners 100000 is out of range",
            ),
        ] {
            let err = SpaceSettings::from_toml(text).unwrap_err();
            assert!(err.contains(needle), "{text}: {err}");
            assert!(!err.contains('\n'), "{err}");
        }
    }
}
