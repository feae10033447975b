//! Settings that are accepted but are probably a mistake get a warning (one sentence
//! naming the variable or the block), and a `DATABASE_URL` no backend reads is an
//! error. Pure: the caller logs. No warning ever quotes a secret.
//!
//! A `[spaces."owner/name"]` block under `owner/*` cannot be judged at startup (the
//! owner's Spaces are known only once listed): the cycle asks
//! [`Config::blocks_not_listed`] after the first listing of that owner.

use secrecy::ExposeSecret;

use super::{Config, ConfigError, Sentence, err};
use crate::domain::{SpaceId, WatchTarget};

/// Shorter API keys can be guessed by anyone who reaches the port.
pub const MIN_API_KEY_CHARS: usize = 16;

impl Config {
    /// Everything worth a startup warning, one sentence each, in English (the log).
    pub fn warnings(&self) -> Vec<String> {
        self.warning_sentences()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// The warnings as sentences, for a person in any language (doctor).
    pub fn warning_sentences(&self) -> Vec<Sentence> {
        // What reading found first: an alias the native name overrode, a lone
        // HF_USERNAME, USER_PASSWORD's default user, a name that looks misspelt.
        let ignored = self.origins.aliases.iter().filter(|a| a.ignored);
        let mut out: Vec<Sentence> = ignored.map(super::AliasUse::sentence).collect();
        out.extend(self.origins.notes.iter().cloned());
        for (key, secret) in [
            ("API_KEY", &self.api_key),
            ("API_READ_KEY", &self.api_read_key),
        ] {
            let short = secret
                .as_ref()
                .is_some_and(|s| s.expose_secret().chars().count() < MIN_API_KEY_CHARS);
            if short {
                out.push(
                    Sentence::new("config-warn-short-key")
                        .text("key", key)
                        .number("min", MIN_API_KEY_CHARS as i64),
                );
            }
        }
        for id in &self.space_settings.blocks {
            if !self.watches_by_name(id) && !self.watches_by_owner(id) {
                out.push(Sentence::new("config-warn-block-unwatched").text("space", id));
            }
        }
        for flavor in &self.space_settings.unknown_flavors {
            out.push(Sentence::new("config-warn-unknown-flavor").text("flavor", flavor));
        }
        out
    }

    /// The blocks that only `owner/*` would cover and that `owner`'s listing lacks:
    /// one warning each, for the cycle to log after the owner's first listing.
    pub fn blocks_not_listed(&self, owner: &str, listed: &[SpaceId]) -> Vec<String> {
        self.space_settings
            .blocks
            .iter()
            .filter(|id| id.owner().eq_ignore_ascii_case(owner))
            .filter(|id| self.watches_by_owner(id) && !self.watches_by_name(id))
            .filter(|id| !listed.iter().any(|l| l.key() == id.key()))
            .map(|id| {
                format!(
                    "[spaces.\"{id}\"] in SPACEWARDEN_CONFIG: {owner}/* is watched but its list \
                     has no {id}, so these settings do nothing"
                )
            })
            .collect()
    }

    fn watches_by_name(&self, id: &SpaceId) -> bool {
        self.watch
            .iter()
            .any(|t| matches!(t, WatchTarget::Space(_)) && t.matches(id))
    }

    fn watches_by_owner(&self, id: &SpaceId) -> bool {
        self.watch
            .iter()
            .any(|t| matches!(t, WatchTarget::Owner(_)) && t.matches(id))
    }
}

/// `DATABASE_URL` must name a backend spacewarden has: `sqlite:` or `postgres://`
/// (`postgresql://`). Anything else used to be taken for a SQLite path. The error
/// names the scheme only: the rest of the URL may hold a password.
pub(super) fn database_url(text: String) -> Result<String, ConfigError> {
    const KNOWN: [&str; 3] = ["sqlite:", "postgres://", "postgresql://"];
    if KNOWN.iter().any(|k| text.starts_with(k)) {
        return Ok(text);
    }
    let scheme = text.split_once(':').map(|(scheme, _)| scheme).filter(|s| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    let why = match scheme {
        Some(scheme) => Sentence::new("config-db-scheme").text("scheme", scheme),
        None => Sentence::new("config-db-no-scheme"),
    };
    Err(err(
        "DATABASE_URL",
        Sentence::new("config-db-url").part("why", why),
    ))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn load(vars: &[(&str, &str)], toml: &str) -> Config {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spacewarden.toml");
        std::fs::write(&path, toml).unwrap();
        let mut map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        map.insert("SPACEWARDEN_CONFIG".into(), path.display().to_string());
        Config::from_lookup(|key| map.get(key).cloned()).unwrap()
    }

    fn id(text: &str) -> SpaceId {
        SpaceId::parse(text).unwrap()
    }

    #[test]
    fn a_short_api_key_is_named_never_printed() {
        let config = load(
            &[
                ("API_KEY", "hunter2"),
                ("API_READ_KEY", "r".repeat(16).as_str()),
            ],
            "",
        );
        let warnings = config.warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("API_KEY is shorter than 16"),
            "{warnings:?}"
        );
        assert!(!warnings[0].contains("hunter2"));
        let long = load(&[("API_KEY", "0123456789abcdef")], "");
        assert!(long.warnings().is_empty());
    }

    #[test]
    fn a_block_for_an_unwatched_space_is_named() {
        let toml = "[spaces.\"alice/typo\"]\nauto_repair = false\n\
                    [spaces.\"alice/app\"]\nauto_repair = false\n\
                    [spaces.\"bob/later\"]\nauto_repair = false\n";
        let config = load(&[("SPACES", "alice/app,bob/*")], toml);
        assert_eq!(
            config.warnings(),
            [
                "[spaces.\"alice/typo\"] in SPACEWARDEN_CONFIG: alice/typo is not on the watch \
              list (SPACES), so these settings do nothing"
            ]
        );
        // `bob/*` decides after its first listing.
        assert!(
            config
                .blocks_not_listed("bob", &[id("bob/later")])
                .is_empty()
        );
        let missing = config.blocks_not_listed("Bob", &[id("bob/other")]);
        assert_eq!(missing.len(), 1);
        assert!(
            missing[0].starts_with("[spaces.\"bob/later\"]"),
            "{missing:?}"
        );
        assert!(config.blocks_not_listed("alice", &[]).is_empty());
    }

    #[test]
    fn an_unknown_price_flavor_is_named() {
        let config = load(
            &[("SPACES", "alice/app")],
            "[prices]\n\"a100-larg\" = 4.0\n\"cpu-upgrade\" = 0.05\n",
        );
        let warnings = config.warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("[prices]") && warnings[0].contains("\"a100-larg\""));
    }

    #[test]
    fn database_urls_of_other_backends_are_refused_by_scheme() {
        for ok in [
            "sqlite://x.db",
            "sqlite::memory:",
            "postgres://u@h/db",
            "postgresql://h/db",
        ] {
            assert_eq!(database_url(ok.into()).unwrap(), ok);
        }
        let mysql = database_url("mysql://user:pw@host/db".into()).unwrap_err();
        assert_eq!(mysql.key, "DATABASE_URL");
        assert!(mysql.message().contains("\"mysql:\""), "{mysql}");
        assert!(!mysql.message().contains("pw"), "{mysql}");
        let bare = database_url("/data/x.db".into()).unwrap_err();
        assert!(bare.message().contains("has no scheme"), "{bare}");
    }
}
