use std::collections::HashMap;

use secrecy::ExposeSecret;

use super::*;

fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_lookup(|key| map.get(key).cloned())
}

#[test]
fn defaults_match_the_design_table() {
    let config = load(&[]).unwrap();
    assert_eq!(config.hf_endpoint.as_str(), "https://huggingface.co/");
    assert_eq!(config.hf_spaces_api_url.as_str(), "https://api.hf.space/");
    assert_eq!(
        config.app_url_template.url_for("a-b"),
        "https://a-b.hf.space"
    );
    assert_eq!(config.check_schedule.as_str(), "*/5 * * * *");
    assert_eq!(config.database_url, "sqlite://spacewarden.db");
    assert_eq!(config.port, 7860);
    assert!(config.telegram.is_none() && config.discord.is_none());
}

#[test]
fn watch_list_merges_spaces_and_space_list() {
    let config = load(&[
        ("SPACES", "alice/app, bob/*,alice/app"),
        ("SPACE_LIST", "demo,carol/x"),
        ("USERNAME", "alice"),
    ])
    .unwrap();
    let names: Vec<String> = config.watch.iter().map(ToString::to_string).collect();
    assert_eq!(names, ["alice/app", "bob/*", "alice/demo", "carol/x"]);
}

#[test]
fn tokens_per_owner_with_fallback() {
    let config = load(&[
        ("HF_TOKEN", "hf_default"),
        ("HF_USER", "Alice:hf_alice, bob:"),
    ])
    .unwrap();
    let token = |owner: &str| {
        config
            .token_for(owner)
            .map(|t| t.expose_secret().to_owned())
    };
    assert_eq!(token("alice").as_deref(), Some("hf_alice"));
    assert_eq!(token("ALICE").as_deref(), Some("hf_alice"));
    assert_eq!(token("bob").as_deref(), Some("hf_default"));
    assert_eq!(token("carol").as_deref(), Some("hf_default"));
    assert!(load(&[]).unwrap().token_for("x").is_none());
}

#[test]
fn each_bad_value_names_its_variable_in_one_line() {
    let cases: &[(&str, &str, &str)] = &[
        ("SPACES", "alice/ok,not a space", "not a space"),
        ("CHECK_SCHEDULE", "every five minutes", "every five minutes"),
        ("HF_USER", "alice-hf_secret_token_value", "no ':'"),
        ("HF_ENDPOINT", "not a url", "not a URL"),
        ("HF_APP_URL_TEMPLATE", "https://example.com", "{subdomain}"),
        ("PORT", "78600", "not a port"),
        ("SPACE_LIST", "demo", "USERNAME"),
    ];
    for (key, value, needle) in cases {
        let err = load(&[(key, value)]).unwrap_err();
        assert_eq!(err.key, *key);
        let line = err.to_string();
        assert!(line.starts_with(&format!("{key}: ")), "{line}");
        assert!(line.contains(needle), "{line}");
        assert!(!line.contains('\n'), "{line}");
    }
}

#[test]
fn hf_user_error_does_not_echo_the_token() {
    let err = load(&[("HF_USER", "alice-hf_secret_token_value")]).unwrap_err();
    assert!(!err.to_string().contains("secret_token"), "{err}");
}

#[test]
fn debug_output_hides_tokens() {
    let config = load(&[
        ("HF_TOKEN", "hf_topsecret1"),
        ("HF_USER", "alice:hf_topsecret2"),
        ("TELEGRAM_BOT_TOKEN", "123:topsecret3"),
        ("API_KEY", "topsecret4"),
    ])
    .unwrap();
    let debug = format!("{config:?}");
    assert!(!debug.contains("topsecret"), "{debug}");
}

#[test]
fn reads_the_per_space_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spaces.toml");
    std::fs::write(&path, "[spaces.\"a/b\"]\nhealth_path = \"/health\"\n").unwrap();
    let config = load(&[("SPACEWARDEN_CONFIG", path.to_str().unwrap())]).unwrap();
    let probe = config.space_settings.probe(&SpaceId::parse("a/b").unwrap());
    assert_eq!(probe.health_path, "/health");

    std::fs::write(&path, "[spaces.\"a/b\"]\nhealth_pth = \"/health\"\n").unwrap();
    let err = load(&[("SPACEWARDEN_CONFIG", path.to_str().unwrap())]).unwrap_err();
    assert_eq!(err.key, "SPACEWARDEN_CONFIG");
    assert!(err.to_string().contains("health_pth"), "{err}");
    let err = load(&[("SPACEWARDEN_CONFIG", "/nonexistent/x.toml")]).unwrap_err();
    assert!(err.to_string().contains("cannot read"), "{err}");
}

#[test]
fn the_cloudflare_managers_names_are_aliases() {
    let config = load(&[
        ("HF_API_TOKEN", "hf_cloudflare"),
        ("HF_USERNAMES", "alice, bob"),
    ])
    .unwrap();
    let names: Vec<String> = config.watch.iter().map(ToString::to_string).collect();
    assert_eq!(names, ["alice/*", "bob/*"]);
    assert_eq!(
        config
            .token_for("alice")
            .map(|t| t.expose_secret().to_owned()),
        Some("hf_cloudflare".to_owned())
    );

    // The usual names win: HF_USERNAMES stands in for SPACES only when it is unset.
    let config = load(&[
        ("HF_TOKEN", "hf_main"),
        ("HF_API_TOKEN", "hf_cloudflare"),
        ("SPACES", "carol/app"),
        ("HF_USERNAMES", "alice"),
    ])
    .unwrap();
    let names: Vec<String> = config.watch.iter().map(ToString::to_string).collect();
    assert_eq!(names, ["carol/app"]);
    assert_eq!(
        config
            .token_for("carol")
            .map(|t| t.expose_secret().to_owned()),
        Some("hf_main".to_owned())
    );

    let error = load(&[("HF_USERNAMES", "alice, not an owner")]).unwrap_err();
    assert_eq!(error.key, "HF_USERNAMES");
}

#[test]
fn the_python_monitors_timeout_is_the_default_run_timeout() {
    assert_eq!(load(&[]).unwrap().run_timeout, None);
    let config = load(&[("GLOBAL_TIMEOUT_SECONDS", "1800")]).unwrap();
    assert_eq!(
        config.run_timeout,
        Some(std::time::Duration::from_secs(1800))
    );
    for bad in ["soon", "0", "100000"] {
        let error = load(&[("GLOBAL_TIMEOUT_SECONDS", bad)]).unwrap_err();
        assert_eq!(error.key, "GLOBAL_TIMEOUT_SECONDS", "{bad}");
    }
}

mod aliases;
