//! SIGHUP, the daemon convention: read `SPACEWARDEN_CONFIG` and `.env` again without a
//! restart, log what changed, keep running. A file that no longer parses is refused
//! with a log line and the settings in force stay.
//!
//! What applies at once is the settings file (`[defaults]`, every `[spaces."…"]` block,
//! thresholds, awake and maintenance windows, causes, prices, memory, history): each
//! step of the daemon reads it whole when it starts (`Monitor::settings`). The
//! variables (tokens, the watch list, `CHECK_SCHEDULE`, chat, HTTP) are wired into
//! clients, bots and the listener at start: a change is named in the log as taking
//! effect after a restart, and its value is never printed. The process environment
//! itself cannot change, so a variable it set wins over `.env` as at start.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Debug;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use secrecy::{ExposeSecret, SecretString};

use super::DotenvError;
use crate::config::{Config, ConfigError, WebPassword};
use crate::monitor::Monitor;

/// The variables `.env` gave the process at start (the environment did not set them):
/// these are read from the file again on reload; every other one is the environment's.
static FROM_DOTENV: OnceLock<HashSet<String>> = OnceLock::new();

/// Records which variables of `.env` the environment does not set (before loading it).
pub(super) fn note_dotenv(path: &Path) {
    let keys = dotenvy::from_path_iter(path)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|(key, _)| key)
        .filter(|key| std::env::var_os(key).is_none())
        .collect();
    FROM_DOTENV.set(keys).ok();
}

/// Reloads on request; holds what is in force.
pub(super) struct Reloader {
    monitor: Monitor,
    /// The configuration at start: what the variables that need a restart still are.
    started: Arc<Config>,
    /// The settings file's text in force (empty without one), to name what changed.
    settings_text: Mutex<String>,
}

impl Reloader {
    pub(super) fn new(monitor: Monitor, started: Arc<Config>) -> Reloader {
        let text = settings_text(std::env::var("SPACEWARDEN_CONFIG").ok().as_deref());
        Reloader {
            monitor,
            started,
            settings_text: Mutex::new(text.unwrap_or_default()),
        }
    }

    /// One SIGHUP: read, compare, apply what can be applied, log.
    pub(super) fn reload(&self) {
        let (config, text) = match reread() {
            Ok(read) => read,
            Err(why) => {
                tracing::error!("configuration reload refused: {why}; the settings in force stay");
                return;
            }
        };
        let mut in_force = self.settings_text.lock().unwrap_or_else(|p| p.into_inner());
        let sections = changed_sections(&in_force, &text);
        let mut restart = needs_restart(&self.started, &config);
        if config.space_settings.repair.max_in_flight
            != self.started.space_settings.repair.max_in_flight
        {
            // The cap is a semaphore sized at start.
            restart.push("[repair] max_in_flight");
        }
        if !sections.is_empty() {
            self.monitor.reload_settings(config.space_settings);
            *in_force = text;
            tracing::info!(
                changed = %sections.join(", "),
                "configuration reloaded: SPACEWARDEN_CONFIG applied from the next step"
            );
        }
        if !restart.is_empty() {
            tracing::warn!(
                changed = %restart.join(", "),
                "configuration reloaded: these differ from the running ones and take effect \
                 after a restart"
            );
        }
        if sections.is_empty() && restart.is_empty() {
            tracing::info!("configuration reloaded: nothing changed");
        }
    }
}

/// Why a reload was refused (the settings in force stay).
#[derive(Debug, thiserror::Error)]
enum ReloadError {
    #[error("{0}")]
    Dotenv(#[from] DotenvError),
    #[error("{0}")]
    Config(#[from] ConfigError),
    #[error("SPACEWARDEN_CONFIG: {0}")]
    SettingsFile(std::io::Error),
}

/// The configuration as a start now would read it, and the settings file's text.
fn reread() -> Result<(Config, String), ReloadError> {
    let path = Path::new(".env");
    let file: BTreeMap<String, String> = if path.exists() {
        dotenvy::from_path_iter(path)
            .and_then(|lines| lines.collect())
            .map_err(DotenvError::from)?
    } else {
        BTreeMap::new()
    };
    let from_dotenv = FROM_DOTENV.get();
    let lookup = |key: &str| match std::env::var(key) {
        Ok(value) if !from_dotenv.is_some_and(|keys| keys.contains(key)) => Some(value),
        _ => file.get(key).cloned(),
    };
    let config = Config::from_lookup(lookup)?;
    let text = settings_text(lookup("SPACEWARDEN_CONFIG").as_deref())
        .map_err(ReloadError::SettingsFile)?;
    Ok((config, text))
}

fn settings_text(path: Option<&str>) -> Result<String, std::io::Error> {
    match path.map(str::trim).filter(|p| !p.is_empty()) {
        None => Ok(String::new()),
        Some(path) => std::fs::read_to_string(path),
    }
}

/// The sections of the settings file that differ: `[memory]`, `[spaces."a/b"]`, …
fn changed_sections(old: &str, new: &str) -> Vec<String> {
    if old == new {
        return Vec::new();
    }
    let table = |text: &str| text.parse::<toml::Table>().unwrap_or_default();
    let (old, new) = (table(old), table(new));
    let mut out = Vec::new();
    for key in old
        .keys()
        .chain(new.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let (a, b) = (old.get(key), new.get(key));
        if a == b {
            continue;
        }
        match (a.and_then(|v| v.as_table()), b.and_then(|v| v.as_table())) {
            (Some(a), Some(b)) if key == "spaces" => {
                for space in a
                    .keys()
                    .chain(b.keys())
                    .collect::<std::collections::BTreeSet<_>>()
                {
                    if a.get(space) != b.get(space) {
                        out.push(format!("[spaces.{}]", quoted(space)));
                    }
                }
            }
            _ => out.push(format!("[{}]", quoted(key))),
        }
    }
    if out.is_empty() {
        // Only comments or layout: applied all the same.
        out.push("the file's text".to_owned());
    }
    out
}

/// A key as TOML prints it, quoted unless bare; never more than a line's worth.
fn quoted(key: &str) -> String {
    let bare = key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let key: String = key.chars().filter(|c| !c.is_control()).take(100).collect();
    if bare { key } else { format!("{key:?}") }
}

/// Whether two secrets differ, by their value.
fn oauth_secret(c: &Config) -> Option<&SecretString> {
    c.web_access.oauth.as_ref().map(|o| &o.client_secret)
}

fn secret(a: Option<&SecretString>, b: Option<&SecretString>) -> bool {
    a.map(ExposeSecret::expose_secret) != b.map(ExposeSecret::expose_secret)
}

/// Whether two values print differently (a secret inside prints as "[REDACTED]").
fn shown(a: &impl Debug, b: &impl Debug) -> bool {
    format!("{a:?}") != format!("{b:?}")
}

/// The page's password, by value and kind: its `Debug` hides it.
fn password(c: &Config) -> Option<(bool, String)> {
    c.web.sign_in.as_ref().map(|s| match &s.password {
        WebPassword::Hash(phc) => (true, phc.expose_secret().to_owned()),
        WebPassword::Plain(plain) => (false, plain.expose_secret().to_owned()),
    })
}

/// The variables whose value differs from the running one, by name only.
fn needs_restart(old: &Config, new: &Config) -> Vec<&'static str> {
    hub_and_store(old, new)
        .into_iter()
        .chain(fronts(old, new))
        .filter_map(|(name, changed)| changed.then_some(name))
        .chain(old.channels.differs(&new.channels))
        .collect()
}

/// What the checks read: the Hub, its tokens, the watch list, the schedule, the store.
fn hub_and_store(old: &Config, new: &Config) -> [(&'static str, bool); 10] {
    let owners = |c: &Config| -> Vec<(String, Option<String>)> {
        let token = |t: &Option<SecretString>| t.as_ref().map(|t| t.expose_secret().to_owned());
        c.owner_tokens
            .iter()
            .map(|(owner, t)| (owner.clone(), token(t)))
            .collect()
    };
    [
        (
            "HF_TOKEN",
            secret(old.hf_token.as_ref(), new.hf_token.as_ref()),
        ),
        ("HF_USER", owners(old) != owners(new)),
        ("SPACES", old.watch != new.watch),
        ("HF_ENDPOINT", old.hf_endpoint != new.hf_endpoint),
        (
            "HF_SPACES_API_URL",
            old.hf_spaces_api_url != new.hf_spaces_api_url,
        ),
        ("HF_TIMEOUT", old.hf_timeout != new.hf_timeout),
        ("GLOBAL_TIMEOUT_SECONDS", old.run_timeout != new.run_timeout),
        (
            "HF_APP_URL_TEMPLATE",
            shown(&old.app_url_template, &new.app_url_template),
        ),
        (
            "CHECK_SCHEDULE",
            old.check_schedule.as_str() != new.check_schedule.as_str(),
        ),
        ("DATABASE_URL", old.database_url != new.database_url),
    ]
}

/// The entrances and the built-in destinations: chat bots, webhook, API, the page.
fn fronts(old: &Config, new: &Config) -> [(&'static str, bool); 9] {
    let telegram = |c: &Config| c.telegram.as_ref().map(|t| t.token.clone());
    let discord = |c: &Config| c.discord.as_ref().map(|d| d.token.clone());
    // WEB_ADMINS, WEB_VIEWERS, WEB_PRIVATE, PUBLIC_URL: the page's roles (OAUTH_* below).
    let access = |c: &Config| {
        let a = &c.web_access;
        let roles = (a.admins.clone(), a.viewers.clone());
        (roles, a.private, a.public_url.clone())
    };
    [
        (
            "TELEGRAM_*",
            shown(&old.telegram, &new.telegram)
                || secret(telegram(old).as_ref(), telegram(new).as_ref()),
        ),
        (
            "DISCORD_*",
            shown(&old.discord, &new.discord)
                || secret(discord(old).as_ref(), discord(new).as_ref()),
        ),
        (
            "ALERT_WEBHOOK_URL",
            old.alert_webhook_url != new.alert_webhook_url,
        ),
        (
            "API_KEY",
            secret(old.api_key.as_ref(), new.api_key.as_ref()),
        ),
        (
            "API_READ_KEY",
            secret(old.api_read_key.as_ref(), new.api_read_key.as_ref()),
        ),
        ("PORT", old.port != new.port),
        ("SPACE_HOST", old.space_host != new.space_host),
        (
            "WEB_*",
            shown(&old.web, &new.web)
                || password(old) != password(new)
                || shown(&access(old), &access(new)),
        ),
        (
            "OAUTH_*",
            shown(&old.web_access.oauth, &new.web_access.oauth)
                || secret(oauth_secret(old), oauth_secret(new)),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sections_that_changed_are_named() {
        let old = "[memory]\nstreams = 2\n[spaces.\"a/b\"]\nkeyword = \"x\"\n";
        let new = "[memory]\nstreams = 2\n[spaces.\"a/b\"]\nkeyword = \"y\"\n[repair]\ntimeout = \"1m\"\n";
        assert_eq!(changed_sections(old, new), ["[repair]", "[spaces.\"a/b\"]"]);
        assert_eq!(changed_sections(old, old), Vec::<String>::new());
        assert_eq!(
            changed_sections(old, &format!("# note\n{old}")),
            ["the file's text"]
        );
    }

    #[test]
    fn a_changed_token_is_named_and_never_shown() {
        let config = |token: &str| {
            Config::from_lookup(|key| match key {
                "HF_TOKEN" => Some(token.to_owned()),
                "PORT" => Some("8000".to_owned()),
                _ => None,
            })
            .unwrap()
        };
        assert_eq!(
            needs_restart(&config("hf_a"), &config("hf_a")),
            Vec::<&str>::new()
        );
        assert_eq!(
            needs_restart(&config("hf_a"), &config("hf_b")),
            ["HF_TOKEN"]
        );
    }

    #[test]
    fn a_changed_page_password_is_named_and_never_shown() {
        // argon2id of "a" and of "b" (spacewarden hash-password), m=19456 t=2 p=1.
        const HASH_A: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$yKxX5WnBiGr0wdEKMfrwtDwwTBuxZTzWhXf9ySrApLE";
        const HASH_B: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$RrQ6UK7EBJs1hPUWg9P1m7E4v1Wll3+Qpm3x1zJm3lY";
        let config = |key: &'static str, password: &'static str| {
            Config::from_lookup(move |name| match name {
                "WEB_USERNAME" => Some("ops".to_owned()),
                "PORT" => Some("8000".to_owned()),
                _ if name == key => Some(password.to_owned()),
                _ => None,
            })
            .unwrap()
        };
        let plain = |p| config("WEB_PASSWORD", p);
        let hashed = |h| config("WEB_PASSWORD_HASH", h);
        assert_eq!(needs_restart(&plain("a"), &plain("a")), Vec::<&str>::new());
        assert_eq!(needs_restart(&plain("a"), &plain("b")), ["WEB_*"]);
        assert_eq!(
            needs_restart(&hashed(HASH_A), &hashed(HASH_A)),
            Vec::<&str>::new()
        );
        assert_eq!(needs_restart(&hashed(HASH_A), &hashed(HASH_B)), ["WEB_*"]);
    }

    #[test]
    fn changed_page_roles_and_oauth_secret_are_named() {
        let config = |admins: &'static str, secret: &'static str| {
            Config::from_lookup(move |name| match name {
                "SPACES" => Some("alice/*".to_owned()),
                "OAUTH_CLIENT_ID" => Some("client".to_owned()),
                "OAUTH_CLIENT_SECRET" => Some(secret.to_owned()),
                "WEB_ADMINS" => Some(admins.to_owned()),
                _ => None,
            })
            .unwrap()
        };
        let before = config("alice", "s1");
        assert_eq!(
            needs_restart(&before, &config("alice", "s1")),
            Vec::<&str>::new()
        );
        assert_eq!(needs_restart(&before, &config("bob", "s1")), ["WEB_*"]);
        assert_eq!(needs_restart(&before, &config("alice", "s2")), ["OAUTH_*"]);
    }

    #[test]
    fn a_changed_alert_channel_is_named() {
        let config = |url: &'static str| {
            Config::from_lookup(move |name| match name {
                "SPACES" => Some("alice/*".to_owned()),
                "NTFY_URL" => Some(url.to_owned()),
                _ => None,
            })
            .unwrap()
        };
        let before = config("https://ntfy.example/alerts");
        assert_eq!(needs_restart(&before, &before.clone()), Vec::<&str>::new());
        assert_eq!(
            needs_restart(&before, &config("https://ntfy.example/other")),
            ["NTFY_URL"]
        );
    }
}
