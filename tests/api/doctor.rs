//! Issue 21, `spacewarden doctor`: the real binary against the fake Hub, Telegram and
//! Discord. It says what it understood and where each part came from, checks tokens,
//! bots, reachability and the store, acts on no Space, never prints a secret, and
//! exits 1 for what would fail (a configuration `run` refuses included).

use std::time::Duration;

use crate::support::app::{App, Run};
use crate::support::fake_discord::FakeDiscord;
use crate::support::fake_hub::{FakeHub, SpaceSpec, TokenRole};
use crate::support::fake_telegram::FakeTelegram;
use crate::support::process::eventually;
use crate::support::webhook::WebhookSink;

const TG_TOKEN: &str = "123456789:AAdoctor-telegram-secret";
const DC_TOKEN: &str = "discord-doctor-secret-token";

fn all_output(run: &Run) -> String {
    format!("{}\n{}", run.stdout, run.stderr)
}

/// Fails naming the secret if any output holds it.
fn assert_no_leak(run: &Run, secrets: &[&str]) {
    let out = all_output(run);
    for secret in secrets {
        assert!(!out.contains(secret), "doctor printed {secret}:\n{out}");
    }
}

#[tokio::test]
async fn doctor_reports_what_it_understood_and_checks_it_without_acting() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice_write_secret")
        .add_token("hf_bob_read_secret", "bob", TokenRole::Read)
        .add_user("carol", "hf_carol_secret")
        .add_user("erin", "hf_fallback_secret")
        .add_org("team", &["carol"]);
    hub.add_space(SpaceSpec::new("alice/app"))
        .add_space(SpaceSpec::new("team/app"));
    let telegram = FakeTelegram::start(TG_TOKEN).await;
    let discord = FakeDiscord::start(DC_TOKEN).await;
    let webhook = WebhookSink::start().await;
    let hook = format!("{}?key=webhook-query-secret", webhook.url());
    let app = App::new(&hub)
        .settings("[spaces.\"alice/app\"]\nauto_repair = false\n")
        .env(
            "HF_USER",
            "alice:hf_alice_write_secret,bob:hf_bob_read_secret,team:hf_carol_secret,dave:",
        )
        .env("REPO_ID", "erin/keep")
        .env("HF_API_TOKEN", "hf_fallback_secret")
        .env("USER_PASSWORD", "node-dashboard-password")
        .env("HF_USERS", "typo")
        .env("TELEGRAM_BOT_TOKEN", TG_TOKEN)
        .env("TELEGRAM_API_URL", &telegram.url())
        .env("DISCORD_BOT_TOKEN", DC_TOKEN)
        .env("DISCORD_API_URL", &discord.url())
        .env("ALERT_WEBHOOK_URL", &hook)
        .env("API_KEY", "api-key-secret-0123456789");
    let run = app.run(&["doctor"]).await;
    let out = &run.stdout;
    assert_no_leak(
        &run,
        &[
            "hf_alice_write_secret",
            "hf_bob_read_secret",
            "hf_carol_secret",
            "hf_fallback_secret",
            "node-dashboard-password",
            "AAdoctor-telegram-secret",
            DC_TOKEN,
            "webhook-query-secret",
            "/hook",
            "api-key-secret",
        ],
    );
    // Understood: the watch list and each entry's variable, the aliases, the warnings.
    for line in [
        "alice/*  (every Space of the owner, from HF_USER)",
        "dave/*  (every Space of the owner, from HF_USER)",
        "erin/keep  (one Space, from REPO_ID)",
        "read HF_USER as SPACES",
        "spacewarden.toml read, 1 [spaces.\"…\"] block",
        "read REPO_ID as SPACES",
        "read HF_API_TOKEN as HF_TOKEN",
        "read USER_PASSWORD as WEB_PASSWORD",
        "HF_USERS is not a variable spacewarden reads; did you mean HF_USER?",
        "the page's user is admin",
        "user \"admin\" from USER_PASSWORD, password from USER_PASSWORD",
    ] {
        assert!(out.contains(line), "no \"{line}\" in:\n{out}");
    }
    // Tokens: the variable, whoami's answer, whether it can restart.
    for line in [
        "alice: token from HF_USER; whoami: alice (user), role write: can restart alice's Spaces",
        "team: token from HF_USER; whoami: carol (user), role write: can restart team's Spaces (a member",
        "erin: token from HF_API_TOKEN; whoami: erin (user), role write: can restart erin's",
    ] {
        assert!(out.contains(line), "no \"{line}\" in:\n{out}");
    }
    assert!(
        out.lines()
            .any(|l| l.contains("FAIL") && l.contains("bob:") && l.contains("read-only")),
        "{out}"
    );
    assert!(
        out.lines().any(
            |l| l.contains("FAIL  dave: token from HF_API_TOKEN; whoami: erin")
                && l.contains("erin is neither dave nor in that organization")
        ),
        "the fallback token is someone else's: {out}"
    );
    // Bots and reachability, hosts only.
    assert!(out.contains("Telegram getMe: the bot is @"), "{out}");
    assert!(out.contains("Discord /users/@me: the bot is "), "{out}");
    assert!(
        out.contains("ALERT_WEBHOOK_URL: 127.0.0.1:")
            && out.contains("reachable (connect only, nothing sent)"),
        "{out}"
    );
    assert!(
        out.contains("no schema yet") || out.contains("not there yet"),
        "{out}"
    );
    assert_eq!(
        run.code, 1,
        "bob's read token and dave's borrowed one fail:\n{out}"
    );
    // Nothing acted: no Hub write, no message, no webhook POST.
    let writes = hub
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .count();
    assert_eq!(writes, 0, "doctor acts on no Space");
    assert!(telegram.all_sent().is_empty());
    assert!(webhook.received().is_empty());
    assert_eq!(webhook.refused(), 0);
}

#[tokio::test]
async fn a_configuration_run_refuses_is_reported_with_exit_1() {
    let hub = FakeHub::start().await;
    // Nothing to watch: run exits 2; doctor says why and exits 1.
    let app = App::new(&hub).env("HF_TOKEN", "hf_lonely_secret");
    let run = app.run(&["doctor"]).await;
    assert_eq!(run.code, 1, "{}", all_output(&run));
    assert!(
        run.stdout.contains("FAIL  nothing to watch"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("would refuse to start (exit 2)"),
        "{}",
        run.stdout
    );
    assert_eq!(app.run(&["run"]).await.code, 2, "run refuses the same");
    // A malformed value: the variable, the reason, and no quote of the token.
    let app = App::new(&hub)
        .env("SPACES", "alice/app")
        .env("HF_USER", "alice-hf_bare_token_secret")
        .env("SPACES_LIST", "demo");
    let run = app.run(&["doctor"]).await;
    assert_eq!(run.code, 1, "{}", all_output(&run));
    assert!(
        run.stdout.contains(
            "warn  SPACES_LIST is not a variable spacewarden reads; did you mean SPACE_LIST?"
        ),
        "typos are named even when the rest cannot be read: {}",
        run.stdout
    );
    assert!(
        run.stdout.contains("HF_USER: entry 1 has no ':'"),
        "{}",
        run.stdout
    );
    assert_no_leak(&run, &["hf_bare_token_secret"]);
    // A well-formed, reachable configuration: 0, an owner without a token included
    // (the Node dashboard's `user3:`, public data only), named a read-only fallback.
    hub.add_user("alice", "hf_alice_ok_secret");
    hub.add_space(SpaceSpec::new("alice/app"));
    let app = App::new(&hub)
        .env("SPACES", "alice/app,bob/*")
        .env("HF_USER", "alice:hf_alice_ok_secret,bob:");
    let run = app.run(&["doctor"]).await;
    assert_eq!(run.code, 0, "{}", all_output(&run));
    assert!(
        run.stdout.contains("Nothing would fail (1 warning)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("warn  bob: no token, a read-only fallback"),
        "{}",
        run.stdout
    );
    // The store, once a check made it, and its lock holder while a daemon runs.
    assert_ne!(app.run(&["check"]).await.code, 2);
    let run = app.run(&["doctor"]).await;
    assert!(run.stdout.contains(", this release's"), "{}", run.stdout);
    assert!(
        run.stdout.contains("spacewarden.db: writable, "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("no spacewarden holds it now"),
        "{}",
        run.stdout
    );
    let daemon = app.spawn(&["run"]);
    let lock = format!(
        "{}.lock",
        app.database_url().trim_start_matches("sqlite://")
    );
    let held = eventually(Duration::from_secs(20), async || {
        std::fs::read_to_string(&lock).is_ok_and(|t| t.contains("pid"))
    })
    .await;
    assert!(held, "the daemon took its lock: {}", daemon.output());
    let run = app.run(&["doctor"]).await;
    assert!(
        run.stdout.contains(&format!(
            "in use by a running spacewarden (pid {}",
            daemon.pid()
        )),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.code, 0,
        "a daemon beside it is no problem: {}",
        run.stdout
    );
    assert_no_leak(&run, &["hf_alice_ok_secret"]);
}

#[tokio::test]
async fn an_unreachable_webhook_or_a_refused_bot_fails() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice_ok_secret");
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let telegram = FakeTelegram::start(TG_TOKEN).await;
    let app = App::new(&hub)
        .env("SPACES", "alice/app")
        .env("HF_TOKEN", "hf_alice_ok_secret")
        .env(
            "ALERT_WEBHOOK_URL",
            &format!("http://127.0.0.1:{closed}/hooks/path-secret?token=query-secret"),
        )
        // An https URL on a port that speaks plain HTTP: the handshake fails.
        .env(
            "HF_SPACES_API_URL",
            &hub.metrics_url().replace("http://", "https://"),
        )
        .env("TELEGRAM_BOT_TOKEN", "987654321:AAwrong-telegram-secret")
        .env("TELEGRAM_API_URL", &telegram.url());
    let run = app.run(&["doctor"]).await;
    assert_eq!(run.code, 1, "{}", all_output(&run));
    let out = &run.stdout;
    assert!(
        out.contains(&format!(
            "FAIL  ALERT_WEBHOOK_URL: cannot connect to 127.0.0.1:{closed}"
        )),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("  FAIL  HF_SPACES_API_URL: 127.0.0.1:")
                && l.contains("the TLS handshake failed")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.contains("FAIL  Telegram getMe: TELEGRAM_BOT_TOKEN is refused")),
        "{out}"
    );
    assert_no_leak(
        &run,
        &[
            "path-secret",
            "query-secret",
            "AAwrong-telegram-secret",
            "hf_alice_ok_secret",
        ],
    );
}

#[tokio::test]
async fn on_postgres_the_schema_is_read_and_the_password_never_printed() {
    let Some(url) = crate::support::postgres::fresh_database().await else {
        return;
    };
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice_ok_secret");
    hub.add_space(SpaceSpec::new("alice/app"));
    let app = App::new(&hub)
        .env("SPACES", "alice/app")
        .env("HF_TOKEN", "hf_alice_ok_secret")
        .env("DATABASE_URL", &url);
    let fresh = app.run(&["doctor"]).await;
    assert_eq!(fresh.code, 0, "{}", all_output(&fresh));
    assert!(fresh.stdout.contains("Postgres at "), "{}", fresh.stdout);
    assert!(fresh.stdout.contains("no schema yet"), "{}", fresh.stdout);
    assert_ne!(app.run(&["check"]).await.code, 2, "check migrates it");
    let run = app.run(&["doctor"]).await;
    assert!(run.stdout.contains(", this release's"), "{}", run.stdout);
    let password = url::Url::parse(&url)
        .ok()
        .and_then(|u| u.password().map(str::to_owned));
    if let Some(password) = password.filter(|p| !p.is_empty()) {
        assert_no_leak(&run, &[password.as_str()]);
    }
}

#[tokio::test]
async fn sign_in_with_hugging_face_is_reported_and_its_provider_discovered() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice_ok_secret");
    let provider = crate::support::fake_oidc::FakeOidc::start("client_secret_basic").await;
    let app = |provider_url: &str| {
        App::new(&hub)
            .env("SPACES", "alice/app")
            .env("HF_TOKEN", "hf_alice_ok_secret")
            .env("OAUTH_CLIENT_ID", "spacewarden-client")
            .env("OAUTH_CLIENT_SECRET", "oauth-client-secret-value")
            .env("OPENID_PROVIDER_URL", provider_url)
            .env("WEB_ADMINS", "alice")
    };
    let run = app(&provider.url()).run(&["doctor"]).await;
    assert_eq!(run.code, 0, "{}", all_output(&run));
    assert!(
        run.stdout
            .contains("the provider's discovery document was read"),
        "{}",
        run.stdout
    );
    assert_no_leak(&run, &["oauth-client-secret-value", "hf_alice_ok_secret"]);

    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let run = app(&format!("http://127.0.0.1:{closed}"))
        .run(&["doctor"])
        .await;
    assert_eq!(run.code, 1, "{}", all_output(&run));
    assert!(
        run.stdout
            .lines()
            .any(|l| l.contains("FAIL  OPENID_PROVIDER_URL:") && l.contains("cannot be reached")),
        "{}",
        run.stdout
    );
    assert_no_leak(&run, &["oauth-client-secret-value", "hf_alice_ok_secret"]);
}

#[tokio::test]
async fn the_mail_server_is_reached_by_a_connect_and_its_password_never_printed() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice_ok_secret");
    let open = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let open_port = open.local_addr().unwrap().port();
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let app = |port: u16| {
        App::new(&hub)
            .env("SPACES", "alice/app")
            .env("HF_TOKEN", "hf_alice_ok_secret")
            .env(
                "SMTP_URL",
                &format!("smtp://mailer:smtp-pass-secret@127.0.0.1:{port}?tls=none"),
            )
            .env("ALERT_EMAIL_FROM", "spacewarden@example.com")
            .env("ALERT_EMAIL_TO", "ops@example.com")
    };
    let run = app(open_port).run(&["doctor"]).await;
    assert_eq!(run.code, 0, "{}", all_output(&run));
    assert!(
        run.stdout.contains(&format!(
            "SMTP_URL: 127.0.0.1:{open_port} reachable (connect only, nothing sent)"
        )),
        "{}",
        run.stdout
    );
    assert_no_leak(&run, &["smtp-pass-secret", "hf_alice_ok_secret"]);

    let run = app(closed).run(&["doctor"]).await;
    assert_eq!(run.code, 1, "{}", all_output(&run));
    assert!(
        run.stdout.contains(&format!(
            "FAIL  SMTP_URL: cannot connect to 127.0.0.1:{closed}"
        )),
        "{}",
        run.stdout
    );
    assert_no_leak(&run, &["smtp-pass-secret", "hf_alice_ok_secret"]);
    drop(open);
}
