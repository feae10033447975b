//! Typed settings from the environment (and `.env`), validated once at startup.
//!
//! Every variable name here is part of the public interface (DESIGN.md,
//! "Configuration"). Every error names the variable and the bad entry. Tokens are
//! `SecretString`s: `Debug` shows `[REDACTED]`, and nothing here prints them.

pub mod channels;
mod destinations;
mod known;
mod locale;
mod oauth;
mod origins;
mod sanity;
mod schedule;
mod sentence;
mod spaces_file;
mod watch;
mod web;

use std::collections::BTreeMap;

use secrecy::SecretString;
use url::Url;

use crate::domain::{SpaceId, WatchList};
use origins::Reader;

pub use known::{KNOWN, typo_warnings};
pub use origins::{AliasUse, Origins};
pub(crate) use watch::{owner_tokens, watch_list};

pub use locale::Locale;
pub use oauth::{OAuthSettings, OrgMembership, RoleList, WebAccess, WebRole};
pub use schedule::{CheckSchedule, ScheduleError, WeekdayError};
pub use sentence::{Sentence, without_controls};
pub use spaces_file::{
    CauseSettings, HistorySettings, MaintenanceWindow, MemorySettings, ProbeSettings,
    RepairSettings, SpacePolicy, SpaceSettings,
};
pub use web::{MAX_VERIFY_MEMORY_KIB, ProxyNet, SignIn, WebPassword, WebSettings};

/// A bad configuration value: the variable (`key`, the same in every language: the
/// README and scripts look for it) and why. `Display` is the English line (logs,
/// tests); [`ConfigError::line_in`] is the line a person reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {why}")]
pub struct ConfigError {
    pub key: &'static str,
    pub why: Sentence,
}

impl ConfigError {
    /// `KEY: why` with the why in `lang`.
    pub fn line_in(&self, lang: crate::i18n::Lang) -> String {
        format!("{}: {}", self.key, self.why.in_lang(lang))
    }

    /// The why in English (what `Display` shows after the key).
    pub fn message(&self) -> String {
        self.why.to_string()
    }
}

/// A Hub request that takes longer than this is not coming back; it also bounds how
/// long a cycle waits on one owner.
const MAX_HF_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);
/// The longest a one-shot `check --repair` may wait (a scheduled job's limit is hours).
pub const MAX_RUN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

fn err(key: &'static str, why: Sentence) -> ConfigError {
    ConfigError { key, why }
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

impl TemplateError {
    /// The why, for a person in any language.
    pub fn sentence(&self) -> Sentence {
        match self {
            TemplateError::NoPlaceholder(text) => {
                Sentence::new("config-template-no-placeholder").text("value", text)
            }
            TemplateError::NotAUrl(text, e) => not_a_url(text, e),
            TemplateError::Scheme(text) => Sentence::new("config-not-http").text("value", text),
        }
    }
}

/// `"value" is not a URL (why)`: url's words as they are.
fn not_a_url(text: &str, why: impl std::fmt::Display) -> Sentence {
    Sentence::new("config-not-a-url")
        .text("value", text)
        .text("why", why)
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
    /// `SPACES` (else the owners of `HF_USER` and `HF_USERNAMES`) plus `SPACE_LIST`
    /// and `REPO_ID`, deduplicated, in order (with an index: `Config::watches`).
    pub watch: WatchList,
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
    /// DingTalk, Feishu/Lark, WeCom, ServerChan, PushPlus, Bark, ntfy, Gotify (`channels.rs`).
    pub channels: channels::Channels,
    pub api_key: Option<SecretString>,
    /// `API_READ_KEY`: a second key for the API that may read but not act.
    pub api_read_key: Option<SecretString>,
    pub port: u16,
    /// Set by Hugging Face when spacewarden itself runs on a Space: its own host name,
    /// kept awake by the keep-alive.
    pub space_host: Option<String>,
    /// The page: sign-in, trusted proxies, live-metrics streams.
    pub web: WebSettings,
    /// Where each setting came from: aliases, watch-list sources, reading's warnings.
    pub origins: Origins,
    /// Sign in with Hugging Face, the page's roles, `WEB_PRIVATE` (`oauth.rs`).
    pub web_access: WebAccess,
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
    /// each alias read ("read X as Y") and a warning for each setting that is accepted
    /// but probably a mistake, a variable that looks like a typo of a known one included.
    pub fn from_env() -> Result<Config, ConfigError> {
        let config = Config::from_process()?;
        for alias in config.origins.aliases.iter().filter(|a| !a.ignored) {
            tracing::info!("{alias}");
        }
        for warning in config.warnings() {
            tracing::warn!("{warning}");
        }
        Ok(config)
    }

    /// Like `from_env`, without logging: for `doctor`, which prints what it found.
    pub fn from_process() -> Result<Config, ConfigError> {
        let mut config = Config::from_lookup(|key| std::env::var(key).ok())?;
        config.origins.notes.extend(process_typo_warnings());
        Ok(config)
    }

    /// Reads settings through `lookup`, so tests need no process environment. One step
    /// per group of settings, each naming its variables in its errors.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let r = Reader::new(&lookup);
        let url = |key: &'static str, default: &str| http_url(&r, key, default);
        let hf_token = r
            .aliased("HF_TOKEN", &["HF_API_TOKEN"])
            .map(|(token, from)| {
                r.with(|o| o.hf_token = Some(from));
                SecretString::from(token)
            });
        // Before the watch list: an HF_USER entry without ':' may be a bare token,
        // and this step's error never quotes it.
        let owner_tokens = owner_tokens(r.var("HF_USER"))?;
        let watch = watch::read_watch(&r)?;
        let schedule_text = r
            .var("CHECK_SCHEDULE")
            .unwrap_or_else(|| "*/5 * * * *".into());
        let mut config = Config {
            hf_token,
            owner_tokens,
            watch: WatchList::new(watch),
            hf_endpoint: url("HF_ENDPOINT", "https://huggingface.co")?,
            hf_spaces_api_url: url("HF_SPACES_API_URL", "https://api.hf.space")?,
            hf_timeout: hf_timeout(r.var("HF_TIMEOUT"))?,
            run_timeout: run_timeout(r.var("GLOBAL_TIMEOUT_SECONDS"))?,
            app_url_template: AppUrlTemplate::parse(
                &r.var("HF_APP_URL_TEMPLATE")
                    .unwrap_or_else(|| "https://{subdomain}.hf.space".into()),
            )
            .map_err(|e| err("HF_APP_URL_TEMPLATE", e.sentence()))?,
            check_schedule: CheckSchedule::parse(&schedule_text)
                .map_err(|e| err("CHECK_SCHEDULE", e.sentence()))?,
            database_url: sanity::database_url(
                r.var("DATABASE_URL")
                    .unwrap_or_else(|| "sqlite://spacewarden.db".into()),
            )?,
            space_settings: space_settings(r.var("SPACEWARDEN_CONFIG"))?,
            telegram: telegram(&r)?,
            discord: discord(&r)?,
            alert_webhook_url: r
                .var("ALERT_WEBHOOK_URL")
                .map(|_| url("ALERT_WEBHOOK_URL", ""))
                .transpose()?,
            channels: channels::Channels::from_vars(|key| r.var(key))?,
            api_key: r.secret("API_KEY"),
            api_read_key: r.secret("API_READ_KEY"),
            space_host: r.var("SPACE_HOST"),
            web: web::web_settings(&r)?,
            web_access: oauth::web_access(|key| r.var(key))?,
            locale: locale::locale(|key| r.var(key))?,
            port: port(r.var("PORT"))?,
            origins: Origins::default(),
        };
        config.origins = r.finish();
        Ok(config)
    }

    /// Whether `id` is on the watch list: named, or covered by `owner/*`.
    pub fn watches(&self, id: &SpaceId) -> bool {
        self.watch.watches(id)
    }

    /// The token to use for `owner`: its own from `HF_USER`, else `HF_TOKEN`, else none
    /// (anonymous, enough for public Spaces).
    pub fn token_for(&self, owner: &str) -> Option<&SecretString> {
        match self.owner_tokens.get(&owner.to_ascii_lowercase()) {
            Some(Some(own)) => Some(own),
            _ => self.hf_token.as_ref(),
        }
    }

    /// The variable `token_for(owner)` comes from (never the token): `HF_USER`, else
    /// `HF_TOKEN` or its alias, else `None` (anonymous: read-only).
    pub fn token_source(&self, owner: &str) -> Option<&'static str> {
        match self.owner_tokens.get(&owner.to_ascii_lowercase()) {
            Some(Some(_)) => Some("HF_USER"),
            _ => self
                .hf_token
                .as_ref()
                .map(|_| self.origins.hf_token.unwrap_or("HF_TOKEN")),
        }
    }
}

/// The process's variables (`.env`'s included, once loaded) that look like a typo of a
/// known name, one warning each.
pub fn process_typo_warnings() -> Vec<Sentence> {
    let names: Vec<String> = std::env::vars_os()
        .filter_map(|(key, _)| key.into_string().ok())
        .collect();
    known::typo_sentences(names.iter().map(String::as_str))
}

/// A variable's value as every key reads it: trimmed, and empty is unset.
pub(crate) fn value(raw: Option<String>) -> Option<String> {
    raw.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// `key` as an http(s) URL, `default` when unset; a trailing `/` is dropped.
fn http_url(r: &Reader, key: &'static str, default: &str) -> Result<Url, ConfigError> {
    let text = r.var(key).unwrap_or_else(|| default.to_owned());
    let parsed =
        Url::parse(text.trim_end_matches('/')).map_err(|e| err(key, not_a_url(&text, e)))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(err(
            key,
            Sentence::new("config-not-http").text("value", &text),
        ));
    }
    Ok(parsed)
}

fn hf_timeout(text: Option<String>) -> Result<std::time::Duration, ConfigError> {
    let Some(text) = text else {
        return Ok(std::time::Duration::from_secs(15));
    };
    crate::domain::parse_duration(&text)
        .ok()
        .filter(|d| !d.is_zero() && *d <= MAX_HF_TIMEOUT)
        .ok_or_else(|| {
            err(
                "HF_TIMEOUT",
                Sentence::new("config-hf-timeout").text("value", &text),
            )
        })
}

/// The Python monitor's `GLOBAL_TIMEOUT_SECONDS`.
fn run_timeout(text: Option<String>) -> Result<Option<std::time::Duration>, ConfigError> {
    text.map(|text| {
        crate::domain::parse_duration(&text)
            .ok()
            .filter(|d| !d.is_zero() && *d <= MAX_RUN_TIMEOUT)
            .ok_or_else(|| {
                err(
                    "GLOBAL_TIMEOUT_SECONDS",
                    Sentence::new("config-run-timeout").text("value", &text),
                )
            })
    })
    .transpose()
}

fn space_settings(path: Option<String>) -> Result<SpaceSettings, ConfigError> {
    let Some(path) = path else {
        return Ok(SpaceSettings::default());
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        let why = Sentence::new("config-file-unreadable").text("path", &path);
        err("SPACEWARDEN_CONFIG", why.text("why", e))
    })?;
    // The file's own problem stays in English: it quotes TOML and the file's keys.
    SpaceSettings::from_toml(&text).map_err(|e| {
        let why = Sentence::new("config-file-invalid").text("path", &path);
        err("SPACEWARDEN_CONFIG", why.text("why", e))
    })
}

fn telegram(r: &Reader) -> Result<Option<Telegram>, ConfigError> {
    let Some(token) = r.secret("TELEGRAM_BOT_TOKEN") else {
        return Ok(None);
    };
    Ok(Some(Telegram {
        token,
        api_url: http_url(r, "TELEGRAM_API_URL", "https://api.telegram.org")?,
        admin_ids: id_list("TELEGRAM_ADMIN_IDS", r.var("TELEGRAM_ADMIN_IDS"))?,
        chat_ids: id_list("TELEGRAM_CHAT_IDS", r.var("TELEGRAM_CHAT_IDS"))?,
    }))
}

fn discord(r: &Reader) -> Result<Option<Discord>, ConfigError> {
    let Some(token) = r.secret("DISCORD_BOT_TOKEN") else {
        return Ok(None);
    };
    Ok(Some(Discord {
        token,
        api_url: http_url(r, "DISCORD_API_URL", "https://discord.com")?,
        guild_id: id_list("DISCORD_GUILD_ID", r.var("DISCORD_GUILD_ID"))?
            .first()
            .copied(),
        admin_ids: id_list("DISCORD_ADMIN_IDS", r.var("DISCORD_ADMIN_IDS"))?,
        channel_ids: id_list("DISCORD_CHANNEL_IDS", r.var("DISCORD_CHANNEL_IDS"))?,
    }))
}

fn port(text: Option<String>) -> Result<u16, ConfigError> {
    match text {
        None => Ok(7860),
        Some(p) => p
            .parse()
            .map_err(|_| err("PORT", Sentence::new("config-not-a-port").text("value", &p))),
    }
}

fn id_list<T: std::str::FromStr>(
    key: &'static str,
    text: Option<String>,
) -> Result<Vec<T>, ConfigError> {
    split_list(text.as_deref())
        .map(|entry| {
            entry
                .parse()
                .map_err(|_| err(key, Sentence::new("config-not-an-id").text("value", entry)))
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
