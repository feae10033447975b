//! The variables of the alert destinations that live in the users' team chats and phone
//! pushes: DingTalk, Feishu/Lark, WeCom, ServerChan, PushPlus, Bark, ntfy and Gotify. Read and checked here
//! once at startup, like every other variable; each destination file in
//! `alerts/destinations/` turns its part into a notifier.
//!
//! Each of these services hands its user a URL or key that *is* the credential
//! (`access_token=`, `key=`, a hook id, a SendKey, a Bark device key, an ntfy topic):
//! anyone holding it can post into the group or onto the phone. So every one of them is a secret here: a [`SecretUrl`] prints its host only,
//! and an error about a bad value names the variable, never the value.

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::{ConfigError, Sentence, err};

mod email;
pub use email::{Email, SmtpTls};

/// A URL that carries a credential. `Debug` and `Display` show the scheme and host only.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretUrl(Url);

impl SecretUrl {
    /// The whole URL, credential included: for the request, never for a log line.
    pub fn expose(&self) -> &Url {
        &self.0
    }

    /// The last segment of the path, when there is a non-empty one (Bark's device key,
    /// ntfy's topic).
    pub fn last_segment(&self) -> Option<String> {
        self.0
            .path_segments()
            .and_then(|mut s| s.next_back())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }

    /// The URL without its last path segment: the server a keyed URL points into.
    pub fn parent(&self) -> Url {
        let mut url = self.0.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop();
        }
        url.set_query(None);
        url
    }

    /// What may be shown: `https://oapi.dingtalk.com`.
    pub fn host(&self) -> String {
        let port = self.0.port().map(|p| format!(":{p}")).unwrap_or_default();
        format!(
            "{}://{}{port}",
            self.0.scheme(),
            self.0.host_str().unwrap_or("?")
        )
    }
}

impl std::fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/[REDACTED]", self.host())
    }
}

/// `DINGTALK_*`: the robot's webhook, and what its security settings ask for.
#[derive(Debug, Clone)]
pub struct DingTalk {
    pub url: SecretUrl,
    /// `DINGTALK_SECRET` (`SEC…`): the robot signs with it ("加签").
    pub secret: Option<SecretString>,
    /// `DINGTALK_KEYWORD`: a robot secured by keyword drops messages without it.
    pub keyword: Option<String>,
}

/// `FEISHU_*`: the custom bot's webhook (Feishu or Lark) and its signing secret.
#[derive(Debug, Clone)]
pub struct Feishu {
    pub url: SecretUrl,
    pub secret: Option<SecretString>,
}

/// `PUSHPLUS_*`: the token goes in the body, the URL has none.
#[derive(Debug, Clone)]
pub struct PushPlus {
    pub token: SecretString,
    pub url: Url,
}

/// `GOTIFY_URL` (the server) and `GOTIFY_TOKEN` (an application's token).
#[derive(Debug, Clone)]
pub struct Gotify {
    pub url: Url,
    pub token: SecretString,
}

/// `NTFY_URL` (`https://ntfy.sh/<topic>`: the topic is the password) and `NTFY_TOKEN`.
#[derive(Debug, Clone)]
pub struct Ntfy {
    pub url: SecretUrl,
    pub token: Option<SecretString>,
}

/// The configured robots and pushes; `None` where a variable is unset.
#[derive(Debug, Clone, Default)]
pub struct Channels {
    pub dingtalk: Option<DingTalk>,
    pub feishu: Option<Feishu>,
    /// `WECOM_WEBHOOK_URL`.
    pub wecom: Option<SecretUrl>,
    /// `SERVERCHAN_URL`, or the URL `SERVERCHAN_SENDKEY` implies.
    pub serverchan: Option<SecretUrl>,
    pub pushplus: Option<PushPlus>,
    /// `BARK_URL`: `https://api.day.app/<device key>` or a self-hosted server.
    pub bark: Option<SecretUrl>,
    pub ntfy: Option<Ntfy>,
    pub gotify: Option<Gotify>,
    /// `SLACK_WEBHOOK_URL` (`https://hooks.slack.com/services/T…/B…/…`).
    pub slack: Option<SecretUrl>,
    /// `SMTP_URL` and the addresses.
    pub email: Option<Email>,
}

impl Channels {
    /// Every URL these destinations send to, named by its variable, for `doctor`'s
    /// reachability check (a connect only): print `host_str()` only.
    pub fn urls(&self) -> Vec<(&'static str, &Url)> {
        let keyed = [
            (
                "DINGTALK_WEBHOOK_URL",
                self.dingtalk.as_ref().map(|d| &d.url),
            ),
            ("FEISHU_WEBHOOK_URL", self.feishu.as_ref().map(|f| &f.url)),
            ("WECOM_WEBHOOK_URL", self.wecom.as_ref()),
            ("SERVERCHAN_URL", self.serverchan.as_ref()),
            ("BARK_URL", self.bark.as_ref()),
            ("NTFY_URL", self.ntfy.as_ref().map(|n| &n.url)),
            ("SLACK_WEBHOOK_URL", self.slack.as_ref()),
        ];
        let plain = [
            ("PUSHPLUS_URL", self.pushplus.as_ref().map(|p| &p.url)),
            ("GOTIFY_URL", self.gotify.as_ref().map(|g| &g.url)),
        ];
        keyed
            .into_iter()
            .filter_map(|(name, url)| Some((name, url?.expose())))
            .chain(
                plain
                    .into_iter()
                    .filter_map(|(name, url)| Some((name, url?))),
            )
            .collect()
    }

    /// Reads the variables through `var` (trimmed, empty is unset).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Channels, ConfigError> {
        let secret = |key: &str| var(key).map(SecretString::from);
        let dingtalk = match var("DINGTALK_WEBHOOK_URL") {
            None => None,
            Some(text) => Some(DingTalk {
                url: secret_url("DINGTALK_WEBHOOK_URL", &text)?,
                secret: secret("DINGTALK_SECRET"),
                keyword: var("DINGTALK_KEYWORD"),
            }),
        };
        let feishu = match var("FEISHU_WEBHOOK_URL") {
            None => None,
            Some(text) => Some(Feishu {
                url: secret_url("FEISHU_WEBHOOK_URL", &text)?,
                secret: secret("FEISHU_SECRET"),
            }),
        };
        let wecom = var("WECOM_WEBHOOK_URL")
            .map(|text| secret_url("WECOM_WEBHOOK_URL", &text))
            .transpose()?;
        let serverchan = match (var("SERVERCHAN_URL"), var("SERVERCHAN_SENDKEY")) {
            (Some(text), _) => Some(secret_url("SERVERCHAN_URL", &text)?),
            (None, Some(key)) => Some(serverchan_url(&key)?),
            (None, None) => None,
        };
        let pushplus = match secret("PUSHPLUS_TOKEN") {
            None => None,
            Some(token) => Some(PushPlus {
                token,
                url: plain_url(
                    "PUSHPLUS_URL",
                    &var("PUSHPLUS_URL").unwrap_or_else(|| "https://www.pushplus.plus/send".into()),
                )?,
            }),
        };
        let bark = var("BARK_URL")
            .map(|text| keyed_url("BARK_URL", &text))
            .transpose()?;
        let ntfy = match var("NTFY_URL") {
            None => None,
            Some(text) => Some(Ntfy {
                url: keyed_url("NTFY_URL", &text)?,
                token: secret("NTFY_TOKEN"),
            }),
        };
        let gotify = match (var("GOTIFY_URL"), secret("GOTIFY_TOKEN")) {
            (None, None) => None,
            (Some(text), Some(token)) => Some(Gotify {
                url: plain_url("GOTIFY_URL", &text)?,
                token,
            }),
            (Some(_), None) => return Err(err("GOTIFY_TOKEN", needed_with("GOTIFY_URL"))),
            (None, Some(_)) => return Err(err("GOTIFY_URL", needed_with("GOTIFY_TOKEN"))),
        };
        let slack = var("SLACK_WEBHOOK_URL")
            .map(|text| secret_url("SLACK_WEBHOOK_URL", &text))
            .transpose()?;
        let email = email::from_vars(&var)?;
        Ok(Channels {
            slack,
            email,
            dingtalk,
            feishu,
            wecom,
            serverchan,
            pushplus,
            bark,
            ntfy,
            gotify,
        })
    }

    /// The variables whose value differs between `self` and `new` (a reload names them
    /// as needing a restart), compared without printing any of them.
    pub fn differs(&self, new: &Channels) -> Vec<&'static str> {
        let url = |u: Option<&SecretUrl>| u.map(|u| u.expose().as_str().to_owned());
        let key = |s: Option<&SecretString>| s.map(|s| s.expose_secret().to_owned());
        let (a, b) = (self, new);
        let pairs = [
            (
                "DINGTALK_WEBHOOK_URL",
                url(a.dingtalk.as_ref().map(|d| &d.url))
                    != url(b.dingtalk.as_ref().map(|d| &d.url)),
            ),
            (
                "DINGTALK_SECRET",
                key(a.dingtalk.as_ref().and_then(|d| d.secret.as_ref()))
                    != key(b.dingtalk.as_ref().and_then(|d| d.secret.as_ref())),
            ),
            (
                "DINGTALK_KEYWORD",
                a.dingtalk.as_ref().and_then(|d| d.keyword.as_ref())
                    != b.dingtalk.as_ref().and_then(|d| d.keyword.as_ref()),
            ),
            (
                "FEISHU_WEBHOOK_URL",
                url(a.feishu.as_ref().map(|f| &f.url)) != url(b.feishu.as_ref().map(|f| &f.url)),
            ),
            (
                "FEISHU_SECRET",
                key(a.feishu.as_ref().and_then(|f| f.secret.as_ref()))
                    != key(b.feishu.as_ref().and_then(|f| f.secret.as_ref())),
            ),
            (
                "WECOM_WEBHOOK_URL",
                url(a.wecom.as_ref()) != url(b.wecom.as_ref()),
            ),
            (
                "SERVERCHAN_SENDKEY/SERVERCHAN_URL",
                url(a.serverchan.as_ref()) != url(b.serverchan.as_ref()),
            ),
            (
                "PUSHPLUS_TOKEN",
                key(a.pushplus.as_ref().map(|p| &p.token))
                    != key(b.pushplus.as_ref().map(|p| &p.token)),
            ),
            (
                "PUSHPLUS_URL",
                a.pushplus.as_ref().map(|p| &p.url) != b.pushplus.as_ref().map(|p| &p.url),
            ),
            ("BARK_URL", url(a.bark.as_ref()) != url(b.bark.as_ref())),
            (
                "NTFY_URL",
                url(a.ntfy.as_ref().map(|n| &n.url)) != url(b.ntfy.as_ref().map(|n| &n.url)),
            ),
            (
                "NTFY_TOKEN",
                key(a.ntfy.as_ref().and_then(|n| n.token.as_ref()))
                    != key(b.ntfy.as_ref().and_then(|n| n.token.as_ref())),
            ),
            (
                "GOTIFY_URL",
                a.gotify.as_ref().map(|g| &g.url) != b.gotify.as_ref().map(|g| &g.url),
            ),
            (
                "GOTIFY_TOKEN",
                key(a.gotify.as_ref().map(|g| &g.token))
                    != key(b.gotify.as_ref().map(|g| &g.token)),
            ),
            (
                "SLACK_WEBHOOK_URL",
                url(a.slack.as_ref()) != url(b.slack.as_ref()),
            ),
            (
                "SMTP_URL/ALERT_EMAIL_FROM/ALERT_EMAIL_TO/SMTP_CA_FILE",
                email_key(a.email.as_ref()) != email_key(b.email.as_ref()),
            ),
        ];
        pairs
            .into_iter()
            .filter(|(_, changed)| *changed)
            .map(|(name, _)| name)
            .collect()
    }
}

/// What of the e-mail settings a reload compares (the URL compared as text, unprinted).
fn email_key(e: Option<&Email>) -> Option<(String, &str, &[String], Option<&std::path::Path>)> {
    e.map(|e| {
        (
            e.url_text.expose_secret().to_owned(),
            e.from.as_str(),
            e.to.as_slice(),
            e.ca_file.as_deref(),
        )
    })
}

/// An http(s) URL whose text is a secret: the error says what is wrong, not what it was.
/// `is needed with OTHER`: a variable its partner needs.
fn needed_with(other: &'static str) -> Sentence {
    Sentence::new("config-needed-with").text("other", other)
}

/// `is not a URL (why)`, for a URL whose text is a secret and is not quoted.
fn unparsed_url(why: url::ParseError) -> Sentence {
    Sentence::new("config-url-unparsed").text("why", why)
}

fn secret_url(key: &'static str, text: &str) -> Result<SecretUrl, ConfigError> {
    let url = Url::parse(text).map_err(|e| err(key, unparsed_url(e)))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(err(key, Sentence::new("config-url-not-http")));
    }
    if url.host_str().is_none() {
        return Err(err(key, Sentence::new("config-url-no-host")));
    }
    Ok(SecretUrl(url))
}

/// A secret URL whose last path segment is the credential (Bark's device key, ntfy's
/// topic): it must have one.
fn keyed_url(key: &'static str, text: &str) -> Result<SecretUrl, ConfigError> {
    let url = secret_url(key, text.trim_end_matches('/'))?;
    match url.last_segment() {
        Some(_) => Ok(url),
        None => Err(err(key, Sentence::new("config-url-no-key"))),
    }
}

fn plain_url(key: &'static str, text: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(text).map_err(|e| {
        let why = Sentence::new("config-not-a-url").text("value", text);
        err(key, why.text("why", e))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(err(
            key,
            Sentence::new("config-not-http").text("value", text),
        ));
    }
    Ok(url)
}

/// The send URL a ServerChan SendKey implies: `sctp<uid>t…` keys are Server酱³'s
/// (`https://<uid>.push.ft07.com/send/<key>.send`), the rest Turbo's
/// (`https://sctapi.ftqq.com/<key>.send`). See docs/reference/alert-channels.md.
pub fn serverchan_url(key: &str) -> Result<SecretUrl, ConfigError> {
    const KEY: &str = "SERVERCHAN_SENDKEY";
    if !key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(err(KEY, Sentence::new("config-sendkey-characters")));
    }
    let text = match key.strip_prefix("sctp") {
        Some(rest) => {
            let uid: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if uid.is_empty() || !rest[uid.len()..].starts_with('t') {
                return Err(err(KEY, Sentence::new("config-sendkey-sctp")));
            }
            format!("https://{uid}.push.ft07.com/send/{key}.send")
        }
        None => format!("https://sctapi.ftqq.com/{key}.send"),
    };
    secret_url(KEY, &text)
}

#[cfg(test)]
mod tests;
