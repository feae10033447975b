//! Sign in with Hugging Face and the page's roles (issue 24): the OAuth app Hugging
//! Face injects into a Space with `hf_oauth: true` (`OAUTH_CLIENT_ID`,
//! `OAUTH_CLIENT_SECRET`, `OAUTH_SCOPES`, `OPENID_PROVIDER_URL`), where the callback
//! lives (`PUBLIC_URL`, else `https://$SPACE_HOST`), who is an admin (`WEB_ADMINS`) or a
//! viewer (`WEB_VIEWERS`), and whether anonymous visitors see anything (`WEB_PRIVATE`).
//!
//! The role rule is a pure function here (`WebAccess::role_of`), decided once at
//! sign-in from the user name and the organizations the provider reported. The client
//! secret stays a `SecretString`; no error quotes it.

use secrecy::SecretString;
use url::Url;

use super::{ConfigError, Sentence, err, split_list};

/// The scopes asked for when `OAUTH_SCOPES` is unset: what Hugging Face always grants.
const DEFAULT_SCOPES: &str = "openid profile";
const DEFAULT_PROVIDER: &str = "https://huggingface.co";

/// The OAuth app spacewarden signs people in with.
#[derive(Debug, Clone)]
pub struct OAuthSettings {
    pub client_id: String,
    pub client_secret: SecretString,
    /// Space-separated, as `OAUTH_SCOPES` has them.
    pub scopes: String,
    /// `OPENID_PROVIDER_URL`; discovery is under `/.well-known/openid-configuration`.
    pub provider_url: Url,
}

/// A page role given at sign-in with Hugging Face.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebRole {
    /// Does what a chat admin can.
    Admin,
    /// Sees the page; every action is refused.
    Viewer,
}

impl WebRole {
    pub fn as_str(self) -> &'static str {
        match self {
            WebRole::Admin => "admin",
            WebRole::Viewer => "viewer",
        }
    }

    pub fn parse(text: &str) -> Option<WebRole> {
        match text {
            "admin" => Some(WebRole::Admin),
            "viewer" => Some(WebRole::Viewer),
            _ => None,
        }
    }
}

/// One organization of a signed-in user, as the provider's userinfo reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgMembership {
    pub name: String,
    /// `admin`, `write`, `contributor` or `read` (anything else counts as `read`).
    pub role_in_org: String,
}

/// A `WEB_ADMINS` or `WEB_VIEWERS` list: user names, `@org` entries, or (viewers only)
/// `*`. Stored lowercased: Hugging Face names compare case-insensitively.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleList {
    pub anyone: bool,
    pub users: Vec<String>,
    pub orgs: Vec<String>,
}

impl RoleList {
    fn parse(key: &'static str, text: Option<&str>, star: bool) -> Result<RoleList, ConfigError> {
        let mut list = RoleList::default();
        for entry in split_list(text) {
            if entry == "*" {
                if !star {
                    return Err(err(key, Sentence::new("config-admins-star")));
                }
                list.anyone = true;
            } else if let Some(org) = entry.strip_prefix('@') {
                list.orgs.push(checked_name(key, org)?);
            } else {
                list.users.push(checked_name(key, entry)?);
            }
        }
        Ok(list)
    }

    /// Whether `user` (with `orgs`) is on the list. An `@org` entry admits members
    /// whose role there is `admin` or `write`: a `contributor` or `read` member cannot
    /// change the org's Spaces on the Hub either.
    pub fn admits(&self, user: &str, orgs: &[OrgMembership]) -> bool {
        let user = user.to_ascii_lowercase();
        self.anyone
            || self.users.contains(&user)
            || orgs.iter().any(|org| {
                matches!(org.role_in_org.as_str(), "admin" | "write")
                    && self.orgs.contains(&org.name.to_ascii_lowercase())
            })
    }

    /// The list in one canonical line (a session's fingerprint covers it).
    pub fn canonical(&self) -> String {
        let mut entries: Vec<String> = self.users.clone();
        entries.extend(self.orgs.iter().map(|org| format!("@{org}")));
        if self.anyone {
            entries.push("*".into());
        }
        entries.sort();
        entries.join(",")
    }
}

/// A Hugging Face name: letters, digits, `-`, `_`, `.`; lowercased.
fn checked_name(key: &'static str, name: &str) -> Result<String, ConfigError> {
    let fine = !name.is_empty()
        && name.len() <= 96
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if fine {
        Ok(name.to_ascii_lowercase())
    } else {
        Err(err(
            key,
            Sentence::new("config-not-a-hub-name").text("value", name),
        ))
    }
}

/// Who may use the page beyond the password user, and what anonymous visitors see.
#[derive(Debug, Clone, Default)]
pub struct WebAccess {
    /// `None`: no "Sign in with Hugging Face".
    pub oauth: Option<OAuthSettings>,
    pub admins: RoleList,
    pub viewers: RoleList,
    /// `WEB_PRIVATE=true`: anonymous visitors get the sign-in page and health only.
    pub private: bool,
    /// `PUBLIC_URL`: where the page is reached (the OAuth callback is built on it).
    pub public_url: Option<Url>,
}

impl WebAccess {
    /// The role of a signed-in Hugging Face user; `None`: neither list names them.
    pub fn role_of(&self, user: &str, orgs: &[OrgMembership]) -> Option<WebRole> {
        if self.admins.admits(user, orgs) {
            Some(WebRole::Admin)
        } else if self.viewers.admits(user, orgs) {
            Some(WebRole::Viewer)
        } else {
            None
        }
    }
}

/// Reads the variables through `var` (trimmed, empty as unset).
pub(super) fn web_access(var: impl Fn(&str) -> Option<String>) -> Result<WebAccess, ConfigError> {
    let oauth = match var("OAUTH_CLIENT_ID") {
        None => None,
        Some(client_id) => {
            let client_secret = var("OAUTH_CLIENT_SECRET").ok_or_else(|| {
                err(
                    "OAUTH_CLIENT_SECRET",
                    Sentence::new("config-oauth-no-secret"),
                )
            })?;
            Some(OAuthSettings {
                client_id,
                client_secret: SecretString::from(client_secret),
                scopes: var("OAUTH_SCOPES").unwrap_or_else(|| DEFAULT_SCOPES.into()),
                provider_url: http_url(
                    "OPENID_PROVIDER_URL",
                    &var("OPENID_PROVIDER_URL").unwrap_or_else(|| DEFAULT_PROVIDER.into()),
                )?,
            })
        }
    };
    let private = match var("WEB_PRIVATE").as_deref() {
        None | Some("false" | "0" | "no") => false,
        Some("true" | "1" | "yes") => true,
        Some(other) => {
            return Err(err(
                "WEB_PRIVATE",
                Sentence::new("config-not-a-bool").text("value", other),
            ));
        }
    };
    Ok(WebAccess {
        oauth,
        admins: RoleList::parse("WEB_ADMINS", var("WEB_ADMINS").as_deref(), false)?,
        viewers: RoleList::parse("WEB_VIEWERS", var("WEB_VIEWERS").as_deref(), true)?,
        private,
        public_url: var("PUBLIC_URL")
            .map(|text| http_url("PUBLIC_URL", &text))
            .transpose()?,
    })
}

fn http_url(key: &'static str, text: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(text.trim_end_matches('/')).map_err(|e| {
        let why = Sentence::new("config-not-a-url").text("value", text);
        err(key, why.text("why", e))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(err(
            key,
            Sentence::new("config-not-an-http-url").text("value", text),
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn load(vars: &[(&str, &str)]) -> Result<WebAccess, ConfigError> {
        let map: HashMap<&str, &str> = vars.iter().copied().collect();
        web_access(|key| map.get(key).map(|v| v.to_string()))
    }

    fn org(name: &str, role: &str) -> OrgMembership {
        OrgMembership {
            name: name.into(),
            role_in_org: role.into(),
        }
    }

    #[test]
    fn roles_by_name_and_by_org_role() {
        let access = load(&[("WEB_ADMINS", "Alice, @Acme"), ("WEB_VIEWERS", "bob")]).unwrap();
        assert_eq!(access.role_of("alice", &[]), Some(WebRole::Admin));
        assert_eq!(access.role_of("ALICE", &[]), Some(WebRole::Admin));
        for (role, expected) in [
            ("admin", Some(WebRole::Admin)),
            ("write", Some(WebRole::Admin)),
            ("contributor", None),
            ("read", None),
            ("owner?", None),
        ] {
            assert_eq!(
                access.role_of("carol", &[org("acme", role)]),
                expected,
                "{role}"
            );
        }
        assert_eq!(access.role_of("bob", &[]), Some(WebRole::Viewer));
        assert_eq!(access.role_of("mallory", &[org("other", "admin")]), None);
        let anyone = load(&[("WEB_VIEWERS", "*")]).unwrap();
        assert_eq!(anyone.role_of("mallory", &[]), Some(WebRole::Viewer));
    }

    #[test]
    fn errors_name_the_variable() {
        let star = load(&[("WEB_ADMINS", "alice,*")]).unwrap_err();
        assert_eq!(star.key, "WEB_ADMINS");
        let secretless = load(&[("OAUTH_CLIENT_ID", "id")]).unwrap_err();
        assert_eq!(secretless.key, "OAUTH_CLIENT_SECRET");
        let bad = load(&[("WEB_VIEWERS", "a b")]).unwrap_err();
        assert_eq!(bad.key, "WEB_VIEWERS");
        assert_eq!(
            load(&[("WEB_PRIVATE", "maybe")]).unwrap_err().key,
            "WEB_PRIVATE"
        );
        let provider = load(&[
            ("OAUTH_CLIENT_ID", "id"),
            ("OAUTH_CLIENT_SECRET", "s3cret"),
            ("OPENID_PROVIDER_URL", "ftp://x"),
        ])
        .unwrap_err();
        assert_eq!(provider.key, "OPENID_PROVIDER_URL");
        assert!(!provider.to_string().contains("s3cret"));
    }

    #[test]
    fn defaults() {
        let none = load(&[]).unwrap();
        assert!(none.oauth.is_none() && !none.private);
        let on = load(&[("OAUTH_CLIENT_ID", "id"), ("OAUTH_CLIENT_SECRET", "s")]).unwrap();
        let oauth = on.oauth.unwrap();
        assert_eq!(oauth.scopes, "openid profile");
        assert_eq!(oauth.provider_url.as_str(), "https://huggingface.co/");
        let lists = load(&[("WEB_ADMINS", "b,@x,a")]).unwrap();
        assert_eq!(lists.admins.canonical(), "@x,a,b");
    }
}
