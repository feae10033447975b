//! Typed settings from the environment (and `.env`), validated once at startup.
//!
//! Every variable name here is part of the public interface (DESIGN.md,
//! "Configuration"). Every error names the variable and the bad entry. Tokens are
//! `SecretString`s: `Debug` shows `[REDACTED]`, and nothing here prints them.

mod locale;
mod sanity;
mod schedule;
mod spaces_file;
mod web;

use std::collections::BTreeMap;

use secrecy::SecretString;
use url::Url;

use crate::domain::{SpaceId, WatchTarget};

pub use locale::Locale;
pub use schedule::{CheckSchedule, ScheduleError, WeekdayError};
pub use spaces_file::{
    CauseSettings, HistorySettings, MaintenanceWindow, ProbeSettings, RepairSettings, SpacePolicy,
    SpaceSettings,
};
pub use web::{MAX_VERIFY_MEMORY_KIB, ProxyNet, SignIn, WebPassword, WebSettings};

/// A bad configuration value; `Display` is the one line shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {message}")]
pub struct ConfigError {
    pub key: &'static str,
    pub message: String,
}

/// A Hub request that takes longer than this is not coming back; it also bounds how
/// long a cycle waits on one owner.
const MAX_HF_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);
/// The longest a one-shot `check --repair` may wait (a scheduled job's limit is hours).
pub const MAX_RUN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

fn err(key: &'static str, message: impl std::fmt::Display) -> ConfigError {
    ConfigError {
        key,
        message: message.to_string(),
    }
}

/// Why `HF_APP_URL_TEMPLATE` is not usable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TemplateError {
    #[error("\"{0}\" has no {{subdomain}} placeholder")]
    NoPlaceholder(String),
    #[error("\"{0}\" is not a URL ({1})")]
    NotAUrl(String, url::ParseError),
    #[error("\"{0}\" must be http or https")]
    Scheme(String),
}

/// Where a Space's app answers: a URL with a `{subdomain}` placeholder.
#[derive(Debug, Clone)]
pub struct AppUrlTemplate(String);

impl AppUrlTemplate {
    pub fn parse(text: &str) -> Result<AppUrlTemplate, TemplateError> {
        let text_of = || text.to_owned();
        if !text.contains("{subdomain}") {
            return Err(TemplateError::NoPlaceholder(text_of()));
        }
        let sample = text.replace("{subdomain}", "x");
        let url = Url::parse(&sample).map_err(|e| TemplateError::NotAUrl(text_of(), e))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(TemplateError::Scheme(text_of()));
        }
        Ok(AppUrlTemplate(text.trim_end_matches('/').to_owned()))
    }

    /// The app's base URL, without a trailing `/`.
    pub fn url_for(&self, subdomain: &str) -> String {
        self.0.replace("{subdomain}", subdomain)
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Used for every owner without a token of its own.
    pub hf_token: Option<SecretString>,
    /// `HF_USER` entries, keyed by lowercased owner; `None` means "use `HF_TOKEN`".
    pub owner_tokens: BTreeMap<String, Option<SecretString>>,
    /// `SPACES` plus the migrated `SPACE_LIST`, deduplicated, in order.
    pub watch: Vec<WatchTarget>,
    pub hf_endpoint: Url,
    pub hf_spaces_api_url: Url,
    /// Timeout of each Hub request (`HF_TIMEOUT`, an extension of the table).
    pub hf_timeout: std::time::Duration,
    /// The Python monitor's `GLOBAL_TIMEOUT_SECONDS`: the default `--timeout` of
    /// `check --repair` when set.
    pub run_timeout: Option<std::time::Duration>,
    pub app_url_template: AppUrlTemplate,
    pub check_schedule: CheckSchedule,
    pub database_url: String,
    pub space_settings: SpaceSettings,
    pub telegram: Option<Telegram>,
    pub discord: Option<Discord>,
    pub alert_webhook_url: Option<Url>,
    pub api_key: Option<SecretString>,
    /// `API_READ_KEY`: a second key for the API that may read but not act.
    pub api_read_key: Option<SecretString>,
    pub port: u16,
    /// Set by Hugging Face when spacewarden itself runs on a Space: its own host name,
    /// kept awake by the keep-alive.
    pub space_host: Option<String>,
    /// The page: sign-in, trusted proxies, live-metrics streams.
    pub web: WebSettings,
    /// `SPACEWARDEN_LANG` (or the POSIX locale) and `TZ`.
    pub locale: Locale,
}

#[derive(Debug, Clone)]
pub struct Telegram {
    pub token: SecretString,
    pub api_url: Url,
    pub admin_ids: Vec<i64>,
    pub chat_ids: Vec<i64>,
}

#[derive(Debug, Clone)]
pub struct Discord {
    pub token: SecretString,
    pub api_url: Url,
    pub guild_id: Option<u64>,
    pub admin_ids: Vec<u64>,
    pub channel_ids: Vec<u64>,
}

impl Config {
    /// Reads the process environment (after `.env` was loaded by the caller), and logs
    /// a warning for each setting that is accepted but probably a mistake.
    pub fn from_env() -> Result<Config, ConfigError> {
        let config = Config::from_lookup(|key| std::env::var(key).ok())?;
        for warning in config.warnings() {
            tracing::warn!("{warning}");
        }
        Ok(config)
    }

    /// Reads settings through `lookup`, so tests need no process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let var = |key: &str| value(lookup(key));
        let secret = |key: &str| var(key).map(SecretString::from);
        let url = |key: &'static str, default: &str| -> Result<Url, ConfigError> {
            let text = var(key).unwrap_or_else(|| default.to_owned());
            let parsed = Url::parse(text.trim_end_matches('/'))
                .map_err(|e| err(key, format!("\"{text}\" is not a URL ({e})")))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(err(key, format!("\"{text}\" must be http or https")));
            }
            Ok(parsed)
        };

        // The Cloudflare manager's `HF_USERNAMES` (owners, each watched whole) stands
        // in for `SPACES` only when that is unset: it is a migration name, not a second
        // list to merge.
        let spaces = var("SPACES").or_else(|| {
            var("HF_USERNAMES").map(|owners| {
                split_list(Some(&owners))
                    .map(|owner| format!("{owner}/*"))
                    .collect::<Vec<_>>()
                    .join(",")
            })
        });
        let spaces_key = if var("SPACES").is_some() {
            "SPACES"
        } else {
            "HF_USERNAMES"
        };
        let watch = watch_list(spaces, spaces_key, var("SPACE_LIST"), var("USERNAME"))?;
        let space_settings = match var("SPACEWARDEN_CONFIG") {
            None => SpaceSettings::default(),
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| err("SPACEWARDEN_CONFIG", format!("cannot read {path}: {e}")))?;
                SpaceSettings::from_toml(&text)
                    .map_err(|e| err("SPACEWARDEN_CONFIG", format!("{path}: {e}")))?
            }
        };
        let schedule_text = var("CHECK_SCHEDULE").unwrap_or_else(|| "*/5 * * * *".into());
        let telegram = match secret("TELEGRAM_BOT_TOKEN") {
            None => None,
            Some(token) => Some(Telegram {
                token,
                api_url: url("TELEGRAM_API_URL", "https://api.telegram.org")?,
                admin_ids: id_list("TELEGRAM_ADMIN_IDS", var("TELEGRAM_ADMIN_IDS"))?,
                chat_ids: id_list("TELEGRAM_CHAT_IDS", var("TELEGRAM_CHAT_IDS"))?,
            }),
        };
        let discord = match secret("DISCORD_BOT_TOKEN") {
            None => None,
            Some(token) => Some(Discord {
                token,
                api_url: url("DISCORD_API_URL", "https://discord.com")?,
                guild_id: id_list("DISCORD_GUILD_ID", var("DISCORD_GUILD_ID"))?
                    .first()
                    .copied(),
                admin_ids: id_list("DISCORD_ADMIN_IDS", var("DISCORD_ADMIN_IDS"))?,
                channel_ids: id_list("DISCORD_CHANNEL_IDS", var("DISCORD_CHANNEL_IDS"))?,
            }),
        };
        Ok(Config {
            // `HF_API_TOKEN` is the Cloudflare manager's name for the same token.
            hf_token: secret("HF_TOKEN").or_else(|| secret("HF_API_TOKEN")),
            owner_tokens: owner_tokens(var("HF_USER"))?,
            watch,
            hf_endpoint: url("HF_ENDPOINT", "https://huggingface.co")?,
            hf_spaces_api_url: url("HF_SPACES_API_URL", "https://api.hf.space")?,
            hf_timeout: match var("HF_TIMEOUT") {
                None => std::time::Duration::from_secs(15),
                Some(text) => crate::domain::parse_duration(&text)
                    .ok()
                    .filter(|d| !d.is_zero() && *d <= MAX_HF_TIMEOUT)
                    .ok_or_else(|| {
                        err(
                            "HF_TIMEOUT",
                            format!("\"{text}\" is not a duration from 1s to 5m (e.g. 15s)"),
                        )
                    })?,
            },
            run_timeout: var("GLOBAL_TIMEOUT_SECONDS")
                .map(|text| {
                    crate::domain::parse_duration(&text)
                        .ok()
                        .filter(|d| !d.is_zero() && *d <= MAX_RUN_TIMEOUT)
                        .ok_or_else(|| {
                            err(
                                "GLOBAL_TIMEOUT_SECONDS",
                                format!("\"{text}\" is not a number of seconds from 1 to 86400"),
                            )
                        })
                })
                .transpose()?,
            app_url_template: AppUrlTemplate::parse(
                &var("HF_APP_URL_TEMPLATE")
                    .unwrap_or_else(|| "https://{subdomain}.hf.space".into()),
            )
            .map_err(|e| err("HF_APP_URL_TEMPLATE", e))?,
            check_schedule: CheckSchedule::parse(&schedule_text)
                .map_err(|e| err("CHECK_SCHEDULE", e))?,
            database_url: sanity::database_url(
                var("DATABASE_URL").unwrap_or_else(|| "sqlite://spacewarden.db".into()),
            )?,
            space_settings,
            telegram,
            discord,
            alert_webhook_url: var("ALERT_WEBHOOK_URL")
                .map(|_| url("ALERT_WEBHOOK_URL", ""))
                .transpose()?,
            api_key: secret("API_KEY"),
            api_read_key: secret("API_READ_KEY"),
            space_host: var("SPACE_HOST"),
            web: web::web_settings(var)?,
            locale: locale::locale(var)?,
            port: match var("PORT") {
                None => 7860,
                Some(p) => p
                    .parse()
                    .map_err(|_| err("PORT", format!("\"{p}\" is not a port number (0-65535)")))?,
            },
        })
    }

    /// Whether `id` is on the watch list: named, or covered by `owner/*`.
    pub fn watches(&self, id: &SpaceId) -> bool {
        self.watch.iter().any(|target| target.matches(id))
    }

    /// The token to use for `owner`: its own from `HF_USER`, else `HF_TOKEN`, else none
    /// (anonymous, enough for public Spaces).
    pub fn token_for(&self, owner: &str) -> Option<&SecretString> {
        match self.owner_tokens.get(&owner.to_ascii_lowercase()) {
            Some(Some(own)) => Some(own),
            _ => self.hf_token.as_ref(),
        }
    }
}

/// A variable's value as every key reads it: trimmed, and empty is unset.
pub(crate) fn value(raw: Option<String>) -> Option<String> {
    raw.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// `SPACES` (owner/name or owner/*; `spaces_key` names where it came from) plus
/// `SPACE_LIST` whose bare names get `USERNAME`.
pub(crate) fn watch_list(
    spaces: Option<String>,
    spaces_key: &'static str,
    space_list: Option<String>,
    username: Option<String>,
) -> Result<Vec<WatchTarget>, ConfigError> {
    let mut out: Vec<WatchTarget> = Vec::new();
    let mut push = |target: WatchTarget| {
        if !out.contains(&target) {
            out.push(target);
        }
    };
    for entry in split_list(spaces.as_deref()) {
        push(WatchTarget::parse(entry).map_err(|e| err(spaces_key, e.to_string()))?);
    }
    for entry in split_list(space_list.as_deref()) {
        let full = if entry.contains('/') {
            entry.to_owned()
        } else {
            let owner = username.as_deref().ok_or_else(|| {
                err(
                    "SPACE_LIST",
                    format!("\"{entry}\" has no owner and USERNAME is not set"),
                )
            })?;
            format!("{owner}/{entry}")
        };
        push(WatchTarget::parse(&full).map_err(|e| err("SPACE_LIST", e.to_string()))?);
    }
    Ok(out)
}

/// `HF_USER`: `owner:token,owner2:token2`; an empty token means "use `HF_TOKEN`".
pub(crate) fn owner_tokens(
    text: Option<String>,
) -> Result<BTreeMap<String, Option<SecretString>>, ConfigError> {
    let mut out = BTreeMap::new();
    for (index, entry) in split_list(text.as_deref()).enumerate() {
        // Never quote the entry: without its ':' it may be a bare token.
        let Some((owner, token)) = entry.split_once(':') else {
            return Err(err(
                "HF_USER",
                format!("entry {} has no ':' (expected owner:token)", index + 1),
            ));
        };
        let owner = owner.trim();
        SpaceId::parse(&format!("{owner}/x"))
            .map_err(|_| err("HF_USER", format!("\"{owner}\" is not a valid owner name")))?;
        let token = Some(token.trim())
            .filter(|t| !t.is_empty())
            .map(|t| SecretString::from(t.to_owned()));
        out.insert(owner.to_ascii_lowercase(), token);
    }
    Ok(out)
}

fn id_list<T: std::str::FromStr>(
    key: &'static str,
    text: Option<String>,
) -> Result<Vec<T>, ConfigError> {
    split_list(text.as_deref())
        .map(|entry| {
            entry
                .parse()
                .map_err(|_| err(key, format!("\"{entry}\" is not a numeric id")))
        })
        .collect()
}

fn split_list(text: Option<&str>) -> impl Iterator<Item = &str> {
    text.unwrap_or("")
        .split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests;
