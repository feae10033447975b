//! Bad configuration stops the binary with one line naming the variable, exit 2;
//! help explains every option; tokens never show up in anything printed.

use crate::support::app::App;
use crate::support::fake_hub::{FakeHub, SpaceSpec};

#[tokio::test]
async fn bad_values_stop_startup_with_one_line_naming_the_variable() {
    let hub = FakeHub::start().await;
    let cases = [
        ("SPACES", "alice/ok,alice/not valid", "alice/not valid"),
        ("CHECK_SCHEDULE", "*/5 * * *", "4 fields"),
        ("CHECK_SCHEDULE", "0 9 * * 8", "out of range"),
        ("HF_USER", "alice-hf_abcdef", "no ':'"),
        ("HF_TIMEOUT", "soon", "soon"),
        ("DATABASE_URL", "postgres://nope", "DATABASE_URL"),
        // Once taken for a SQLite file named "mysql://x".
        ("DATABASE_URL", "mysql://x", "\"mysql:\" is not supported"),
    ];
    for (key, value, needle) in cases {
        let app = App::new(&hub).env("SPACES", "alice/app").env(key, value);
        let run = app.run(&["check"]).await;
        assert_eq!(run.code, 2, "{key}={value}: {}", run.stderr);
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{key}: one line, got:\n{}", run.stderr);
        assert!(lines[0].contains(&format!("{key}: ")), "{}", lines[0]);
        assert!(lines[0].contains(needle), "{}", lines[0]);
        assert!(run.stdout.is_empty());
    }
}

#[tokio::test]
async fn hf_user_error_never_echoes_the_token() {
    let hub = FakeHub::start().await;
    let app = App::new(&hub)
        .env("SPACES", "a/b")
        .env("HF_USER", "hf_SecretValue123");
    let run = app.run(&["check"]).await;
    assert_eq!(run.code, 2);
    assert!(!run.stderr.contains("SecretValue123"), "{}", run.stderr);
}

#[tokio::test]
async fn nothing_to_watch_is_a_configuration_error() {
    let hub = FakeHub::start().await;
    let run = App::new(&hub).run(&["check"]).await;
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("SPACES"), "{}", run.stderr);
}

#[tokio::test]
async fn dotenv_in_the_working_directory_is_read() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/from-dotenv"));
    let app = App::new(&hub);
    std::fs::write(app.dir().join(".env"), "SPACES=alice/from-dotenv\n").unwrap();
    let run = app.check_json().await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()[0]["space"], "alice/from-dotenv");
}

#[tokio::test]
async fn help_documents_every_option() {
    let hub = FakeHub::start().await;
    let app = App::new(&hub);
    let top = app.run(&["--help"]).await;
    assert_eq!(top.code, 0);
    for needle in [
        "check",
        "SPACES",
        "HF_TOKEN",
        "HF_USER",
        "CHECK_SCHEDULE",
        "DATABASE_URL",
    ] {
        assert!(
            top.stdout.contains(needle),
            "--help lacks {needle}:\n{}",
            top.stdout
        );
    }
    let check = app.run(&["check", "--help"]).await;
    assert_eq!(check.code, 0);
    // clap wraps lines to the terminal width; compare words, not layout.
    let words = check
        .stdout
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for needle in [
        "--json",
        "--space",
        "OWNER/NAME",
        "exit",
        "0 all fine",
        "3 some Space",
    ] {
        assert!(
            words.contains(needle),
            "check --help lacks {needle}:\n{}",
            check.stdout
        );
    }
}

#[tokio::test]
async fn tokens_never_appear_in_trace_output() {
    let hub = FakeHub::start().await;
    let tokens = [
        "hf_AliceSecret0001",
        "hf_DefaultSecret0002",
        "hf_RevokedSecret0003",
    ];
    hub.add_user("alice", tokens[0])
        .add_user("bob", tokens[1])
        .add_space(
            SpaceSpec::new("alice/private-a")
                .private(true)
                .stage("RUNTIME_ERROR"),
        )
        .add_space(SpaceSpec::new("bob/private-b").private(true))
        .add_space(SpaceSpec::new("bob/broken").private(true).app(500, "boom"));
    let app = App::new(&hub)
        .env("RUST_LOG", "trace")
        .env("SPACES", "alice/private-a,bob/*,carol/x")
        .env(
            "HF_USER",
            &format!("alice:{},carol:{}", tokens[0], tokens[2]),
        )
        .env("HF_TOKEN", tokens[1]);
    let mut printed = String::new();
    for args in [&["check"][..], &["check", "--json"]] {
        let run = app.run(args).await;
        assert!(
            run.stderr.contains("TRACE") || run.stderr.contains("DEBUG"),
            "trace logging is on"
        );
        printed.push_str(&run.stdout);
        printed.push_str(&run.stderr);
    }
    // The tokens did reach the fake Hub, so they were in play.
    assert!(
        hub.requests()
            .iter()
            .any(|r| r.authorization.as_deref() == Some("Bearer hf_AliceSecret0001"))
    );
    for token in tokens {
        let secret_part = token.trim_start_matches("hf_");
        assert!(!printed.contains(secret_part), "{token} leaked:\n{printed}");
        let hex: String = token.bytes().map(|b| format!("{b:02x}")).collect();
        assert!(!printed.contains(&hex), "{token} leaked as hex");
        let decimal: String = token
            .bytes()
            .map(|b| b.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        assert!(!printed.contains(&decimal), "{token} leaked as bytes");
    }
}

#[tokio::test]
async fn dangerous_settings_warn_naming_the_variable_or_block() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice")
        .add_user("bob", "hf_bob")
        .add_space(SpaceSpec::new("alice/app"))
        .add_space(SpaceSpec::new("bob/real"));
    let app = App::new(&hub)
        .env("SPACES", "alice/app,bob/*")
        .env("HF_TOKEN", "hf_alice")
        .env("API_KEY", "hunter2-short")
        .settings(
            "[spaces.\"alice/typo\"]\nauto_repair = false\n\
             [spaces.\"bob/gone\"]\nauto_repair = false\n\
             [spaces.\"bob/real\"]\nauto_repair = false\n\
             [prices]\n\"a100-larg\" = 4.0\n",
        );
    let run = app.run(&["check"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings: Vec<&str> = run.stderr.lines().filter(|l| l.contains("WARN")).collect();
    let has = |needle: &str| warnings.iter().any(|w| w.contains(needle));
    assert!(
        has("API_KEY is shorter than 16 characters"),
        "{warnings:#?}"
    );
    assert!(
        !run.stderr.contains("hunter2"),
        "the key itself never prints"
    );
    assert!(
        has("[spaces.\"alice/typo\"] in SPACEWARDEN_CONFIG: alice/typo is not on the watch list"),
        "{warnings:#?}"
    );
    assert!(
        has("[prices] in SPACEWARDEN_CONFIG: \"a100-larg\""),
        "{warnings:#?}"
    );
    // Under bob/*, only once bob's list is known: bob/gone is not in it, bob/real is.
    assert!(
        has(
            "[spaces.\"bob/gone\"] in SPACEWARDEN_CONFIG: bob/* is watched but its list has no bob/gone"
        ),
        "{warnings:#?}"
    );
    assert!(!has("bob/real"), "{warnings:#?}");
    assert_eq!(warnings.len(), 4, "{warnings:#?}");
}
