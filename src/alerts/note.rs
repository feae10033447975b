//! What an event's `detail` says, as data, so that each reader gets it in their
//! language. The monitor builds a [`Note`]; [`AlertEvent::with_note`] keeps it beside
//! the English `detail` made from it (the webhook's and the database's text, as it
//! always was), and every destination renders the note in its own language
//! (`render::note_text`). Rows written before notes existed carry only `detail`,
//! which is then shown as stored.
//!
//! [`AlertEvent::with_note`]: super::AlertEvent::with_note

use serde::{Deserialize, Serialize};

use crate::domain::{CauseCode, CauseTable, RepairStep, default_advice};

/// What to do about a cause: the built-in advice (translated), or the settings
/// file's own words (shown as written).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Advice {
    Builtin(CauseCode),
    Own(String),
}

impl Advice {
    /// The advice `table` gives for `code`.
    pub fn of(table: &CauseTable, code: CauseCode) -> Advice {
        match table.own_advice(code) {
            Some(own) => Advice::Own(own.to_owned()),
            None => Advice::Builtin(code),
        }
    }

    /// The advice whose English words are `words`: the built-in one when they are its
    /// words, else the settings file's own.
    pub fn from_words(code: CauseCode, words: &str) -> Advice {
        if words == default_advice(code) {
            Advice::Builtin(code)
        } else {
            Advice::Own(words.to_owned())
        }
    }
}

/// One detail of an event, language-neutral: codes, names and numbers. The `code`
/// names are part of the webhook JSON (`events[].note`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Note {
    /// A person asked for this repair (`telegram:alice`, `web:bob`).
    RequestedBy { actor: String },
    /// What would fix it, when no repair can (code that does not parse).
    Advice { advice: Advice },
    /// The cap on automatic repairs in a window was reached.
    RepairsCapped { repairs: u32, window_secs: u64 },
    /// A repair step or a wake did not work. `why` is the check's own account (it
    /// quotes the Hub); `tried` the whole ladder once it is exhausted.
    Failed {
        why: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tried: Option<Vec<RepairStep>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        advice: Option<Advice>,
    },
    /// Runs on other hardware than it asked for, since `secs`.
    HardwareDrift {
        requested: String,
        current: String,
        secs: u64,
    },
    /// Memory near the limit in consecutive samples.
    MemoryHigh {
        percent: f64,
        used_bytes: u64,
        total_bytes: u64,
        samples: u32,
    },
    /// Paused outside its awake windows for `hours` today; what that saved, when the
    /// hardware and its price are known.
    Saved {
        hours: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        saved_usd: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hardware: Option<String>,
    },
}
