//! Why a probe or a repair attempt failed, as stored and as a person reads it. The
//! stored text is English (`app answered HTTP 503`, `not back within 10m: RUNNING but
//! app answered HTTP 503`): the words every earlier version wrote into checks, actions
//! and alerts, and what `/api/v1`, `check --json` and the webhook return. It is made
//! here ([`Reason`]'s `Display`, used by `hub::probe` and `monitor::attempt`) and read
//! back here ([`Reason::parse`]), so the two cannot drift; a person reads it through
//! [`reason_in`] (or [`reason_pieces`] where outside text must be marked, as on the
//! page). Text another version stored, and anything that does not parse, is shown as
//! it is.
//!
//! Outside text inside a reason (the Hub's `errorMessage`, the Hub's reply in an
//! error, a configured keyword) stays as it came; the destination escapes it.

use std::fmt;

use crate::i18n::Lang;
use crate::t;

/// Where outside text starts and ends in a rendered sentence (Unicode private use:
/// never in a message, and removed from outside text before it is wrapped).
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// What went wrong talking to the Hub, in our words (`HubError::summary`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HubTrouble {
    Unknown,
    TokenRefused,
    NotAllowed,
    Rejected,
    /// Retry in this many seconds.
    RateLimited(u64),
    Unavailable,
    Unreadable,
}

/// The fixed summaries, as `HubError::summary` writes them, and their message ids.
const TROUBLES: &[(HubTrouble, &str, &str)] = &[
    (
        HubTrouble::Unknown,
        "the Hub does not know this Space",
        "reason-hub-unknown",
    ),
    (
        HubTrouble::TokenRefused,
        "the Hub refused the token",
        "reason-hub-token-refused",
    ),
    (
        HubTrouble::NotAllowed,
        "the token may not do this on the Hub",
        "reason-hub-not-allowed",
    ),
    (
        HubTrouble::Rejected,
        "the Hub rejected the request",
        "reason-hub-rejected",
    ),
    (
        HubTrouble::Unavailable,
        "the Hub is unavailable right now",
        "reason-hub-unavailable",
    ),
    (
        HubTrouble::Unreadable,
        "the Hub sent a reply we could not read",
        "reason-hub-unreadable",
    ),
];

/// `HubError`'s own text (`not found on the Hub: …`), stored for a Space that could
/// not be read: our words before the colon, the Hub's after it.
const HUB_SAID: &[(&str, &str)] = &[
    ("not found on the Hub: ", "reason-hub-said-not-found"),
    ("the Hub refused the token: ", "reason-hub-said-token"),
    ("the Hub refused the request: ", "reason-hub-said-forbidden"),
    ("the Hub rejected the request: ", "reason-hub-said-rejected"),
    ("the Hub is unavailable: ", "reason-hub-said-unavailable"),
    (
        "unexpected reply from the Hub: ",
        "reason-hub-said-unreadable",
    ),
];

/// The probe's and the ladder's reasons, with their arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The app did not answer within this many seconds (`2.5`, as written).
    NoAnswerWithin(String),
    ConnectionFailed,
    RequestFailed,
    BodyLate,
    BodyReadFailed,
    Status(u16),
    KeywordMissing(String),
    /// A visit got no answer and the probe said nothing more.
    NoAnswer,
    /// The app does not answer (a probe without a reason).
    AppSilent,
    NoRuntimeYet,
    /// Still in an intermediate stage.
    Still(String),
    /// Settled in a stage that does not serve, with the Hub's `errorMessage`.
    Now {
        stage: String,
        error: Option<String>,
    },
    /// Serving, but the app failed its probe.
    ServingBut {
        stage: String,
        probe: Box<Reason>,
    },
    /// The repair's timeout (`format_duration`'s words) and the last thing seen.
    NotBackWithin {
        within: String,
        last: Box<Reason>,
    },
    Hub(HubTrouble),
    /// A failed Hub call: the summary and the reference of the log line.
    HubCall {
        trouble: HubTrouble,
        reference: String,
    },
    /// `HubError`'s text: which (an index into `HUB_SAID`) and the Hub's words.
    HubSaid(usize, String),
    /// Rate limited while reading a Space (`HubError::RateLimited`'s text).
    HubPaced(u64),
    /// Words this version does not make (another version's, or outside text).
    Other(String),
}

impl fmt::Display for HubTrouble {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HubTrouble::RateLimited(secs) => {
                write!(f, "the Hub is rate limiting us; retry in {secs}s")
            }
            trouble => {
                let (_, words, _) = TROUBLES
                    .iter()
                    .find(|(t, ..)| t == trouble)
                    .ok_or(fmt::Error)?;
                f.write_str(words)
            }
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NoAnswerWithin(secs) => write!(f, "no answer within {secs}s"),
            Reason::ConnectionFailed => f.write_str("connection failed"),
            Reason::RequestFailed => f.write_str("request failed"),
            Reason::BodyLate => f.write_str("body not received in time"),
            Reason::BodyReadFailed => f.write_str("body read failed"),
            Reason::Status(status) => write!(f, "app answered HTTP {status}"),
            Reason::KeywordMissing(keyword) => write!(f, "keyword \"{keyword}\" not in the reply"),
            Reason::NoAnswer => f.write_str("no answer"),
            Reason::AppSilent => f.write_str("the app does not answer"),
            Reason::NoRuntimeYet => f.write_str("no runtime read yet"),
            Reason::Still(stage) => write!(f, "still {stage}"),
            Reason::Now { stage, error: None } => write!(f, "now {stage}"),
            Reason::Now {
                stage,
                error: Some(error),
            } => write!(f, "now {stage}: {error}"),
            Reason::ServingBut { stage, probe } => write!(f, "{stage} but {probe}"),
            Reason::NotBackWithin { within, last } => write!(f, "not back within {within}: {last}"),
            Reason::Hub(trouble) => write!(f, "{trouble}"),
            Reason::HubCall { trouble, reference } => write!(f, "{trouble} (ref {reference})"),
            Reason::HubSaid(which, said) => {
                let (prefix, _) = HUB_SAID.get(*which).ok_or(fmt::Error)?;
                write!(f, "{prefix}{said}")
            }
            Reason::HubPaced(secs) => write!(f, "rate limited by the Hub; retry in {secs}s"),
            Reason::Other(text) => f.write_str(text),
        }
    }
}

impl HubTrouble {
    fn words_in(self, lang: Lang) -> String {
        match self {
            HubTrouble::RateLimited(secs) => t!(lang, "reason-hub-rate-limited", secs = secs),
            trouble => TROUBLES
                .iter()
                .find(|(t, ..)| *t == trouble)
                .map_or_else(String::new, |(_, _, id)| t!(lang, id)),
        }
    }
}

impl Reason {
    /// The stored words read back; [`Reason::Other`] for anything this version does
    /// not write. Exact: a parsed reason writes the same text again.
    pub fn parse(stored: &str) -> Reason {
        // Text carrying our marks is not ours: shown as it is, byte for byte.
        if stored.contains([OPEN, CLOSE]) {
            return Reason::Other(stored.to_owned());
        }
        match parse::parse_known(stored) {
            Some(reason) if reason.to_string() == stored => reason,
            _ => Reason::Other(stored.to_owned()),
        }
    }

    /// The sentence in `lang`, outside text between `OPEN` and `CLOSE`.
    fn marked_in(&self, lang: Lang) -> String {
        match self {
            Reason::NoAnswerWithin(secs) => {
                t!(lang, "reason-no-answer-within", secs = secs.as_str())
            }
            Reason::ConnectionFailed => t!(lang, "reason-connection-failed"),
            Reason::RequestFailed => t!(lang, "reason-request-failed"),
            Reason::BodyLate => t!(lang, "reason-body-late"),
            Reason::BodyReadFailed => t!(lang, "reason-body-read-failed"),
            Reason::Status(status) => t!(lang, "reason-status", status = status.to_string()),
            Reason::KeywordMissing(keyword) => {
                t!(lang, "reason-keyword-missing", keyword = outside(keyword))
            }
            Reason::NoAnswer => t!(lang, "reason-no-answer"),
            Reason::AppSilent => t!(lang, "reason-app-silent"),
            Reason::NoRuntimeYet => t!(lang, "reason-no-runtime"),
            Reason::Still(stage) => t!(lang, "reason-still", stage = stage.as_str()),
            Reason::Now { stage, error: None } => t!(lang, "reason-now", stage = stage.as_str()),
            Reason::Now {
                stage,
                error: Some(error),
            } => t!(
                lang,
                "reason-now-said",
                stage = stage.as_str(),
                error = outside(error)
            ),
            Reason::ServingBut { stage, probe } => t!(
                lang,
                "reason-serving-but",
                stage = stage.as_str(),
                probe = probe.marked_in(lang)
            ),
            Reason::NotBackWithin { within, last } => t!(
                lang,
                "reason-not-back",
                within = span_in(within, lang),
                last = last.marked_in(lang)
            ),
            Reason::Hub(trouble) => trouble.words_in(lang),
            Reason::HubCall { trouble, reference } => t!(
                lang,
                "reason-with-ref",
                summary = trouble.words_in(lang),
                reference = reference.as_str()
            ),
            Reason::HubSaid(which, said) => HUB_SAID
                .get(*which)
                .map_or_else(String::new, |(_, id)| t!(lang, id, said = outside(said))),
            Reason::HubPaced(secs) => t!(lang, "reason-hub-paced", secs = secs),
            Reason::Other(text) => outside(text),
        }
    }
}

/// One piece of a rendered reason: our words, or outside text (`outside`), which a
/// page marks as not its own to translate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub outside: bool,
}

/// A stored reason in `lang`: `应用返回 HTTP 503`. Unknown words as they are.
pub fn reason_in(lang: Lang, stored: &str) -> String {
    let reason = Reason::parse(stored);
    if let Reason::Other(text) = reason {
        return text;
    }
    reason
        .marked_in(lang)
        .chars()
        .filter(|c| *c != OPEN && *c != CLOSE)
        .collect()
}

/// [`reason_in`] in pieces, the outside text apart from our words.
pub fn reason_pieces(lang: Lang, stored: &str) -> Vec<Piece> {
    let marked = match Reason::parse(stored) {
        Reason::Other(text) if !text.is_empty() => {
            return vec![Piece {
                text,
                outside: true,
            }];
        }
        reason => reason.marked_in(lang),
    };
    let mut pieces = Vec::new();
    let mut rest = marked.as_str();
    while !rest.is_empty() {
        let (ours, after) = rest.split_once(OPEN).unwrap_or((rest, ""));
        let (theirs, after) = after.split_once(CLOSE).unwrap_or((after, ""));
        for (text, outside) in [(ours, false), (theirs, true)] {
            if !text.is_empty() {
                pieces.push(Piece {
                    text: text.to_owned(),
                    outside,
                });
            }
        }
        rest = after;
    }
    pieces
}

/// Outside text, marked (our marks removed from it first: it is hostile).
fn outside(text: &str) -> String {
    let clean: String = text.chars().filter(|c| *c != OPEN && *c != CLOSE).collect();
    format!("{OPEN}{clean}{CLOSE}")
}

/// `format_duration`'s words (`1h 5m`) in `lang` (`1 小时 5 分钟`), part by part.
fn span_in(words: &str, lang: Lang) -> String {
    let parts: Vec<String> = words
        .split(' ')
        .map(|part| {
            let (n, unit) = part.split_at(part.len().saturating_sub(1));
            t!(
                lang,
                "alert-span-part",
                n = n.to_owned(),
                unit = unit.to_owned()
            )
        })
        .collect();
    parts.join(&t!(lang, "alert-span-join"))
}

mod parse;

#[cfg(test)]
mod tests;
