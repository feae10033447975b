//! Issue 21, the older tools' `.env` files: each alias read, each one ignored beside
//! its native name, and the warnings for the names easily confused.

use secrecy::ExposeSecret;

use super::load;
use crate::config::{AliasUse, Config, WebPassword};

fn watched(config: &Config) -> Vec<String> {
    config.watch.iter().map(ToString::to_string).collect()
}

fn sources(config: &Config) -> Vec<String> {
    config
        .origins
        .watch
        .iter()
        .map(|(target, from)| format!("{target} from {from}"))
        .collect()
}

fn read(config: &Config) -> Vec<String> {
    config
        .origins
        .aliases
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn hf_user_alone_watches_each_of_its_owners_whole() {
    let config = load(&[
        ("HF_USER", "user1:token1,user2:token2,user3:"),
        ("HF_USERNAMES", "user2, team"),
    ])
    .unwrap();
    assert_eq!(
        watched(&config),
        ["user1/*", "user2/*", "user3/*", "team/*"]
    );
    assert_eq!(
        sources(&config),
        [
            "user1/* from HF_USER",
            "user2/* from HF_USER",
            "user3/* from HF_USER",
            "team/* from HF_USERNAMES"
        ]
    );
    assert_eq!(
        read(&config),
        ["read HF_USER as SPACES", "read HF_USERNAMES as SPACES"],
        "each alias once"
    );
    // SPACES, when set, is the list: HF_USER then only gives tokens.
    let config = load(&[("HF_USER", "user1:token1"), ("SPACES", "user1/app")]).unwrap();
    assert_eq!(watched(&config), ["user1/app"]);
    assert!(read(&config).is_empty(), "{:?}", read(&config));
}

#[test]
fn repo_id_adds_one_space_to_spaces() {
    let config = load(&[
        ("SPACES", "alice/app,bob/*"),
        ("REPO_ID", "carol/keep"),
        ("HF_TOKEN", "hf_x"),
    ])
    .unwrap();
    assert_eq!(watched(&config), ["alice/app", "bob/*", "carol/keep"]);
    assert_eq!(read(&config), ["read REPO_ID as SPACES"]);
    assert_eq!(
        config.origins.watch_source(&config.watch[2]),
        Some("REPO_ID")
    );
    let alone = load(&[("REPO_ID", "carol/keep")]).unwrap();
    assert_eq!(watched(&alone), ["carol/keep"]);
    let bad = load(&[("REPO_ID", "carol/*")]).unwrap_err();
    assert_eq!(bad.key, "REPO_ID");
}

#[test]
fn the_python_monitors_space_list_is_read_under_username() {
    let config = load(&[
        ("HF_TOKEN", "hf_x"),
        ("USERNAME", "alice"),
        ("SPACE_LIST", "one, two"),
    ])
    .unwrap();
    assert_eq!(watched(&config), ["alice/one", "alice/two"]);
    assert_eq!(read(&config), ["read SPACE_LIST as SPACES"]);
}

#[test]
fn the_cloudflare_managers_panel_sign_in_is_the_pages() {
    let config = load(&[
        ("SPACES", "a/b"),
        ("HF_USERNAME", "panel"),
        ("HF_PASSWORD", "pw-plain-secret"),
    ])
    .unwrap();
    let sign_in = config.web.sign_in.as_ref().expect("sign-in on");
    assert_eq!(sign_in.username, "panel");
    match &sign_in.password {
        WebPassword::Plain(p) => assert_eq!(p.expose_secret(), "pw-plain-secret"),
        WebPassword::Hash(_) => panic!("a plain password, as the manager took it"),
    }
    assert_eq!(
        read(&config),
        [
            "read HF_USERNAME as WEB_USERNAME",
            "read HF_PASSWORD as WEB_PASSWORD"
        ]
    );
    assert_eq!(config.origins.sign_in, Some(("HF_USERNAME", "HF_PASSWORD")));
    assert!(config.warnings().is_empty(), "{:?}", config.warnings());
    assert!(!format!("{config:?}").contains("pw-plain-secret"));
}

#[test]
fn a_lone_hf_username_warns_naming_hf_usernames_and_signs_in_nobody() {
    let config = load(&[("SPACES", "a/b"), ("HF_USERNAME", "alice")]).unwrap();
    assert!(config.web.sign_in.is_none());
    let warnings = config.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("HF_USERNAME ") && warnings[0].contains("HF_USERNAMES"),
        "{warnings:?}"
    );
    assert_eq!(watched(&config), ["a/b"], "not read as an owner either");
}

#[test]
fn the_native_name_wins_and_the_alias_is_named_ignored() {
    let config = load(&[
        ("HF_TOKEN", "hf_main"),
        ("HF_API_TOKEN", "hf_cloudflare"),
        ("SPACES", "carol/app"),
        ("HF_USERNAMES", "alice"),
        ("WEB_USERNAME", "ops"),
        ("USER_NAME", "admin"),
        ("WEB_PASSWORD", "native-pw"),
        ("USER_PASSWORD", "alias-pw"),
    ])
    .unwrap();
    assert_eq!(
        config
            .hf_token
            .as_ref()
            .map(|t| t.expose_secret().to_owned()),
        Some("hf_main".into())
    );
    assert_eq!(config.origins.hf_token, Some("HF_TOKEN"));
    let sign_in = config.web.sign_in.as_ref().unwrap();
    assert_eq!(sign_in.username, "ops");
    let ignored: Vec<&AliasUse> = config.origins.aliases.iter().collect();
    assert!(ignored.iter().all(|a| a.ignored), "{ignored:?}");
    let warnings = config.warnings();
    for alias in ["HF_API_TOKEN", "HF_USERNAMES", "USER_NAME", "USER_PASSWORD"] {
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with(&format!("{alias} is ignored"))),
            "{alias}: {warnings:?}"
        );
    }
    for secret in ["hf_main", "hf_cloudflare", "native-pw", "alias-pw"] {
        assert!(!warnings.join(" ").contains(secret), "{secret}");
    }
    // A hash beats a plain alias the same way.
    let hashed = load(&[
        ("WEB_USERNAME", "ops"),
        ("WEB_PASSWORD_HASH", HASH),
        ("USER_PASSWORD", "pw"),
    ])
    .unwrap();
    assert!(matches!(
        hashed.web.sign_in.as_ref().unwrap().password,
        WebPassword::Hash(_)
    ));
    assert_eq!(
        hashed.warnings(),
        ["USER_PASSWORD is ignored: WEB_PASSWORD_HASH is set and wins over it"]
    );
}

/// `hunter2`, hashed by `spacewarden hash-password`.
const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$DvNIkc6DtBPt3JzR4EjTYQ$jT49kA6fstnK512fXCPMOxB5K5FshYN5ECmYu1f/Hbw";

#[test]
fn user_password_alone_signs_in_as_admin_with_a_warning_never_a_default_password() {
    let config = load(&[("USER_PASSWORD", "pw")]).unwrap();
    assert_eq!(config.web.sign_in.as_ref().unwrap().username, "admin");
    let warnings = config.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("admin"), "{warnings:?}");
    assert!(!warnings[0].contains("pw"), "{warnings:?}");
    let no_password = load(&[("USER_NAME", "admin")]).unwrap_err();
    assert_eq!(no_password.key, "WEB_PASSWORD_HASH");
    assert!(
        no_password.message().starts_with("USER_NAME is set"),
        "{no_password}"
    );
    // HF_PASSWORD alone has no default user: its tool had none.
    let alone = load(&[("HF_PASSWORD", "pw")]).unwrap_err();
    assert_eq!(alone.key, "WEB_USERNAME");
}

#[test]
fn a_token_is_named_by_the_variable_it_came_from() {
    let config = load(&[
        ("HF_API_TOKEN", "hf_cloudflare"),
        ("HF_USER", "alice:hf_alice,bob:"),
    ])
    .unwrap();
    assert_eq!(config.token_source("Alice"), Some("HF_USER"));
    assert_eq!(config.token_source("bob"), Some("HF_API_TOKEN"));
    assert_eq!(config.token_source("carol"), Some("HF_API_TOKEN"));
    let anonymous = load(&[("HF_USER", "alice:")]).unwrap();
    assert_eq!(anonymous.token_source("alice"), None);
}
