//! Reading stored reasons back: the inverse of `Reason`'s and `HubTrouble`'s
//! `Display`, strict (stage names in capitals, `format_duration`'s words) so that
//! anything else falls to `Reason::Other` and is shown as it is.

use super::{HUB_SAID, HubTrouble, Reason, TROUBLES};

impl HubTrouble {
    pub(super) fn parse(text: &str) -> Option<HubTrouble> {
        if let Some(secs) = text
            .strip_prefix("the Hub is rate limiting us; retry in ")
            .and_then(|rest| rest.strip_suffix('s'))
        {
            return number(secs).map(HubTrouble::RateLimited);
        }
        TROUBLES
            .iter()
            .find(|(_, words, _)| *words == text)
            .map(|(trouble, ..)| *trouble)
    }
}

fn number(text: &str) -> Option<u64> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// A Hub stage as the ladder writes it: capitals and underscores.
fn stage(text: &str) -> Option<String> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'))
        .then(|| text.to_owned())
}

/// `format_duration`'s words: one or two parts such as `10m`, `1h 5m`.
fn duration_words(text: &str) -> bool {
    let parts: Vec<&str> = text.split(' ').collect();
    parts.len() <= 2
        && parts.iter().all(|part| {
            let (n, unit) = part.split_at(part.len().saturating_sub(1));
            number(n).is_some() && matches!(unit, "d" | "h" | "m" | "s")
        })
}

pub(super) fn parse_known(stored: &str) -> Option<Reason> {
    let fixed = [
        Reason::ConnectionFailed,
        Reason::RequestFailed,
        Reason::BodyLate,
        Reason::BodyReadFailed,
        Reason::NoAnswer,
        Reason::AppSilent,
        Reason::NoRuntimeYet,
    ];
    if let Some(reason) = fixed.into_iter().find(|r| r.to_string() == stored) {
        return Some(reason);
    }
    if let Some(trouble) = HubTrouble::parse(stored) {
        return Some(Reason::Hub(trouble));
    }
    if let Some(rest) = stored.strip_prefix("not back within ") {
        let (within, last) = rest.split_once(": ")?;
        return duration_words(within).then(|| Reason::NotBackWithin {
            within: within.to_owned(),
            last: Box::new(Reason::parse(last)),
        });
    }
    if let Some(secs) = stored
        .strip_prefix("no answer within ")
        .and_then(|rest| rest.strip_suffix('s'))
    {
        let digits = secs.replacen('.', "", 1);
        return number(&digits).map(|_| Reason::NoAnswerWithin(secs.to_owned()));
    }
    if let Some(status) = stored.strip_prefix("app answered HTTP ") {
        return number(status)
            .and_then(|n| u16::try_from(n).ok())
            .map(Reason::Status);
    }
    if let Some(keyword) = stored
        .strip_prefix("keyword \"")
        .and_then(|rest| rest.strip_suffix("\" not in the reply"))
    {
        return Some(Reason::KeywordMissing(keyword.to_owned()));
    }
    if let Some(stage_name) = stored.strip_prefix("still ") {
        return stage(stage_name).map(Reason::Still);
    }
    if let Some(rest) = stored.strip_prefix("now ") {
        let (stage_name, error) = match rest.split_once(": ") {
            Some((stage_name, error)) => (stage_name, Some(error.to_owned())),
            None => (rest, None),
        };
        return stage(stage_name).map(|stage| Reason::Now { stage, error });
    }
    if let Some(secs) = stored
        .strip_prefix("rate limited by the Hub; retry in ")
        .and_then(|rest| rest.strip_suffix('s'))
    {
        return number(secs).map(Reason::HubPaced);
    }
    if let Some((which, said)) = HUB_SAID
        .iter()
        .enumerate()
        .find_map(|(i, (prefix, _))| stored.strip_prefix(prefix).map(|said| (i, said)))
    {
        return Some(Reason::HubSaid(which, said.to_owned()));
    }
    if let Some((summary, reference)) = stored
        .strip_suffix(')')
        .and_then(|rest| rest.rsplit_once(" (ref "))
    {
        return HubTrouble::parse(summary).map(|trouble| Reason::HubCall {
            trouble,
            reference: reference.to_owned(),
        });
    }
    let (stage_name, probe) = stored.split_once(" but ")?;
    stage(stage_name).map(|stage| Reason::ServingBut {
        stage,
        probe: Box::new(Reason::parse(probe)),
    })
}
