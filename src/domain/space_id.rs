//! `SpaceId` and `WatchTarget`: the validated names of what spacewarden watches.
//!
//! The rules follow the Hub's repo-id validation (huggingface_hub `validate_repo_id`):
//! `owner/name`, each part made of ASCII letters, digits, `_`, `-` and `.`, starting and
//! ending with a letter, digit or `_`, no `--` or `..`, no trailing `.git`, at most 96
//! characters per part. `SpaceId::parse` is the only way to build one.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::config::Sentence;

/// Longest part the Hub accepts (`[\w\-.]{1,96}` in its validator).
const MAX_PART_LEN: usize = 96;

/// A Space on the Hub, `owner/name`, validated like the Hub's repo ids.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpaceId {
    owner: String,
    name: String,
}

/// Why a string is not a valid Space id, for people: `Display` is English (the JSON
/// API's `message`), [`SpaceIdError::sentence`] renders in the reader's language (a
/// chat reply, the command line, a startup error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SpaceIdError(Sentence);

impl SpaceIdError {
    /// The sentence, quoting the input (control characters removed when rendered).
    pub fn sentence(&self) -> &Sentence {
        &self.0
    }

    fn new(id: &'static str, input: &str) -> Self {
        SpaceIdError(Sentence::new(id).text("input", input))
    }

    fn part(id: &'static str, input: &str, part: &'static str) -> Self {
        SpaceIdError(
            Sentence::new(id)
                .text("input", input)
                .part("part", part_word(part)),
        )
    }
}

/// `owner` or `name`, as the reader's language calls it.
fn part_word(what: &str) -> Sentence {
    match what {
        "owner" => Sentence::new("space-id-owner"),
        _ => Sentence::new("space-id-name"),
    }
}

impl SpaceId {
    /// Parses `owner/name`. Surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<SpaceId, SpaceIdError> {
        let input = input.trim();
        let Some((owner, name)) = input.split_once('/') else {
            return Err(SpaceIdError::new("space-id-not-owner-name", input));
        };
        validate_part(input, owner, "owner")?;
        validate_part(input, name, "name")?;
        if name.ends_with(".git") {
            return Err(SpaceIdError::new("space-id-dot-git", input));
        }
        Ok(SpaceId {
            owner: owner.to_owned(),
            name: name.to_owned(),
        })
    }

    pub fn owner(&self) -> &str {
        &self.owner
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The Hub treats ids case-insensitively when resolving them; this key lets two
    /// spellings of one Space meet.
    pub fn key(&self) -> String {
        format!("{}/{}", self.owner, self.name).to_ascii_lowercase()
    }

    /// The `*.hf.space` subdomain derived as in reference §8, used only when the Hub
    /// did not send one: lowercase, `owner-name`, every run of characters outside
    /// `[a-z0-9-]` collapsed into one `-`.
    pub fn derived_subdomain(&self) -> String {
        let joined = format!("{}-{}", self.owner, self.name).to_ascii_lowercase();
        let mut out = String::with_capacity(joined.len());
        let mut in_run = false;
        for c in joined.chars() {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' {
                out.push(c);
                in_run = false;
            } else if !in_run {
                out.push('-');
                in_run = true;
            }
        }
        out
    }
}

/// Checks one part; `what` is `owner` or `name` (the messages select their word by it).
fn validate_part(input: &str, part: &str, what: &'static str) -> Result<(), SpaceIdError> {
    let err = |id: &'static str| Err(SpaceIdError::part(id, input, what));
    if part.is_empty() {
        return err("space-id-part-empty");
    }
    if part.len() > MAX_PART_LEN {
        return err("space-id-part-too-long");
    }
    if let Some(bad) = part
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        return Err(SpaceIdError(
            Sentence::new("space-id-part-bad-character")
                .text("input", input)
                .part("part", part_word(what))
                .text("bad", bad),
        ));
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    if !word(part.chars().next()) || !word(part.chars().last()) {
        return err("space-id-part-edges");
    }
    if part.contains("--") || part.contains("..") {
        return err("space-id-part-doubled");
    }
    Ok(())
}

impl fmt::Display for SpaceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

impl Serialize for SpaceId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Read back through `parse`, so a stored alert can never hold an invalid id.
impl<'de> serde::Deserialize<'de> for SpaceId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        SpaceId::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// One entry of the watch list: a single Space or every Space of an owner.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WatchTarget {
    Space(SpaceId),
    /// `owner/*`: every Space the owner's token can list, rediscovered each cycle.
    Owner(String),
}

impl WatchTarget {
    pub fn parse(input: &str) -> Result<WatchTarget, SpaceIdError> {
        let input = input.trim();
        match input.strip_suffix("/*") {
            Some(owner) => {
                // Validate the owner with the same rules by pairing it with a dummy name.
                SpaceId::parse(&format!("{owner}/x")).map_err(|_| {
                    SpaceIdError(
                        Sentence::new("space-id-bad-owner")
                            .text("input", input)
                            .text("owner", owner),
                    )
                })?;
                Ok(WatchTarget::Owner(owner.to_owned()))
            }
            None => SpaceId::parse(input).map(WatchTarget::Space),
        }
    }

    pub fn owner(&self) -> &str {
        match self {
            WatchTarget::Space(id) => id.owner(),
            WatchTarget::Owner(owner) => owner,
        }
    }

    /// Whether this entry covers `id`: the same Space, or any Space of the owner for
    /// `owner/*`. Case-insensitive, as the Hub resolves ids.
    pub fn matches(&self, id: &SpaceId) -> bool {
        match self {
            WatchTarget::Space(watched) => {
                watched.owner.eq_ignore_ascii_case(&id.owner)
                    && watched.name.eq_ignore_ascii_case(&id.name)
            }
            WatchTarget::Owner(owner) => owner.eq_ignore_ascii_case(id.owner()),
        }
    }
}

impl fmt::Display for WatchTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WatchTarget::Space(id) => id.fmt(f),
            WatchTarget::Owner(owner) => write!(f, "{owner}/*"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_ids() {
        for id in [
            "black-forest-labs/FLUX.1-schnell",
            "user/tmp_test_space",
            "microsoft/visual_chatgpt",
            "a/b",
            "_x/_y_",
        ] {
            assert_eq!(SpaceId::parse(id).unwrap().to_string(), id);
        }
    }

    #[test]
    fn rejects_what_the_hub_rejects() {
        for bad in [
            "",
            "noslash",
            "/name",
            "owner/",
            "a/b/c",
            "own er/name",
            "owner/na--me",
            "owner/na..me",
            "owner/-name",
            "owner/name.",
            "owner/name.git",
            "owner/<b>",
            "owner/é",
        ] {
            assert!(SpaceId::parse(bad).is_err(), "{bad} should be rejected");
        }
        let long = format!("o/{}", "a".repeat(97));
        assert!(SpaceId::parse(&long).is_err());
        assert!(SpaceId::parse(&format!("o/{}", "a".repeat(96))).is_ok());
    }

    #[test]
    fn error_names_the_input() {
        let err = SpaceId::parse("owner/bad name").unwrap_err().to_string();
        assert!(
            err.contains("owner/bad name") && err.contains("' '"),
            "{err}"
        );
    }

    /// English is what the JSON API's `message` always said; Chinese keeps the input
    /// and leaves no English word of ours.
    #[test]
    fn why_an_id_is_refused_reads_in_every_language() {
        let long = format!("o/{}", "a".repeat(97));
        let cases = [
            (
                "noslash",
                "\"noslash\" is not of the form owner/name".to_owned(),
            ),
            (
                "a/b.git",
                "\"a/b.git\": a Space name cannot end with .git".into(),
            ),
            ("/name", "\"/name\": the owner is empty".into()),
            (
                &long,
                format!("\"{long}\": the name is longer than 96 characters"),
            ),
            (
                "o/b c",
                "\"o/b c\": the name contains ' ' (allowed: letters, digits, _ - .)".into(),
            ),
            (
                "o/-b",
                "\"o/-b\": the name must start and end with a letter, digit or _".into(),
            ),
            (
                "o/b--c",
                "\"o/b--c\": the name cannot contain -- or ..".into(),
            ),
        ];
        let zh = crate::i18n::Lang::all().nth(1).expect("a second language");
        let ours = [
            "the", "owner", "name", "is", "empty", "contains", "must", "cannot",
        ];
        for (input, english) in &cases {
            let error = SpaceId::parse(input).unwrap_err();
            assert_eq!(&error.to_string(), english);
            let chinese = error.sentence().in_lang(zh);
            let rest = chinese.replace(input, "");
            assert!(chinese.contains(input), "{chinese}");
            assert!(
                !rest
                    .split(|c: char| !c.is_ascii_alphabetic())
                    .any(|w| ours.contains(&w)),
                "{chinese}"
            );
        }
        let owner = WatchTarget::parse("-x/*").unwrap_err();
        assert_eq!(owner.to_string(), "\"-x/*\": invalid owner \"-x\"");
        assert!(owner.sentence().in_lang(zh).contains("所有者"));
    }

    #[test]
    fn derives_subdomains_like_reference_section_8() {
        let cases = [
            ("NimaBoscarino/hotdog-gradio", "nimaboscarino-hotdog-gradio"),
            ("user/tmp_test_space", "user-tmp-test-space"),
            (
                "black-forest-labs/FLUX.1-schnell",
                "black-forest-labs-flux-1-schnell",
            ),
            ("a/x._y", "a-x-y"),
        ];
        for (id, sub) in cases {
            assert_eq!(SpaceId::parse(id).unwrap().derived_subdomain(), sub);
        }
    }

    #[test]
    fn watch_targets() {
        assert_eq!(
            WatchTarget::parse("alice/*").unwrap(),
            WatchTarget::Owner("alice".into())
        );
        assert!(matches!(
            WatchTarget::parse(" alice/app ").unwrap(),
            WatchTarget::Space(_)
        ));
        assert!(WatchTarget::parse("bad owner/*").is_err());
        assert_eq!(WatchTarget::Owner("o".into()).to_string(), "o/*");
    }
}
