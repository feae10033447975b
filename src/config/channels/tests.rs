//! `config::channels`: the services' variables read, checked and never shown.

use std::collections::HashMap;

use super::*;

fn read(vars: &[(&str, &str)]) -> Result<Channels, ConfigError> {
    let map: HashMap<&str, &str> = vars.iter().copied().collect();
    Channels::from_vars(|k| map.get(k).map(|v| v.to_string()))
}

#[test]
fn a_serverchan_key_picks_its_server() {
    let turbo = serverchan_url("SCT12345abcdef").unwrap();
    assert_eq!(
        turbo.expose().as_str(),
        "https://sctapi.ftqq.com/SCT12345abcdef.send"
    );
    let sc3 = serverchan_url("sctp42tAbCd").unwrap();
    assert_eq!(
        sc3.expose().as_str(),
        "https://42.push.ft07.com/send/sctp42tAbCd.send"
    );
    assert_eq!(sc3.host(), "https://42.push.ft07.com");
    assert!(serverchan_url("sctpXYZ").is_err());
    assert!(serverchan_url("SCT/../evil").is_err());
}

#[test]
fn a_bad_url_names_the_variable_and_never_the_value() {
    let e = read(&[("WECOM_WEBHOOK_URL", "qyapi/send?key=s3cr3t-key")]).unwrap_err();
    assert_eq!(e.key, "WECOM_WEBHOOK_URL");
    assert!(!e.to_string().contains("s3cr3t"), "{e}");
    let e = read(&[("DINGTALK_WEBHOOK_URL", "ftp://x/robot?access_token=s3cr3t")]).unwrap_err();
    assert_eq!(e.key, "DINGTALK_WEBHOOK_URL");
    assert!(!e.to_string().contains("s3cr3t"), "{e}");
}

#[test]
fn debug_shows_the_host_only() {
    let channels = read(&[
        (
            "DINGTALK_WEBHOOK_URL",
            "https://oapi.dingtalk.com/robot/send?access_token=tok3n",
        ),
        ("DINGTALK_SECRET", "SECs3cr3t"),
        (
            "FEISHU_WEBHOOK_URL",
            "https://open.feishu.cn/open-apis/bot/v2/hook/h00k",
        ),
        ("PUSHPLUS_TOKEN", "pptok3n"),
    ])
    .unwrap();
    let shown = format!("{channels:?}");
    for secret in ["tok3n", "s3cr3t", "h00k", "pptok3n"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(
        shown.contains("https://oapi.dingtalk.com/[REDACTED]"),
        "{shown}"
    );
    let other = read(&[("PUSHPLUS_TOKEN", "other")]).unwrap();
    assert_eq!(
        channels.differs(&other),
        [
            "DINGTALK_WEBHOOK_URL",
            "DINGTALK_SECRET",
            "FEISHU_WEBHOOK_URL",
            "PUSHPLUS_TOKEN"
        ]
    );
    assert!(channels.differs(&channels.clone()).is_empty());
}

#[test]
fn keyed_urls_split_into_server_and_key() {
    let channels = read(&[
        ("BARK_URL", "https://bark.example.com/base/k3y/"),
        ("NTFY_URL", "https://ntfy.sh/t0pic"),
        ("GOTIFY_URL", "https://gotify.example.com"),
        ("GOTIFY_TOKEN", "AbCd"),
    ])
    .unwrap();
    let bark = channels.bark.unwrap();
    assert_eq!(bark.last_segment().as_deref(), Some("k3y"));
    assert_eq!(bark.parent().as_str(), "https://bark.example.com/base");
    let ntfy = channels.ntfy.unwrap().url;
    assert_eq!(ntfy.last_segment().as_deref(), Some("t0pic"));
    assert_eq!(ntfy.parent().as_str(), "https://ntfy.sh/");
    assert_eq!(
        read(&[("NTFY_URL", "https://ntfy.sh/")]).unwrap_err().key,
        "NTFY_URL"
    );
    assert_eq!(
        read(&[("GOTIFY_URL", "https://g.example")])
            .unwrap_err()
            .key,
        "GOTIFY_TOKEN"
    );
}
