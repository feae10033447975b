//! Issue 23: alerts where the users already read. The real daemon, a crashed Space on
//! the fake Hub, and DingTalk, Feishu, WeCom, ServerChan, PushPlus, Bark, ntfy and
//! Gotify each pointed at its fake (tests/api/support/fake_channels/), which checks signatures, keys and
//! keywords as the service does. A down alert arrives once at each, signed where the
//! service signs; a rate-limit answer delays it but never loses or doubles it; a wrong
//! credential drops it once, logged, without retries; and no key, secret or URL token
//! shows in the output, `/metrics` or `/readyz`.

use std::time::Duration;

use spacewarden::store::Store;

use crate::support::app::App;
use crate::support::fake_channels::{
    Fake, bark, dingtalk, feishu, gotify, ntfy, pushplus, serverchan, slack, wecom,
};
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::process::{Running, all_sent, eventually, outbox_until};
use crate::web_process::listening_port;

const DING_TOKEN: &str = "d1ngAccessT0ken5f3a9c";
const DING_SECRET: &str = "SECd1ngS1gnS3cret0123456789abcdef";
const DING_KEYWORD: &str = "spacewarden";
const FEISHU_HOOK: &str = "f31shu-h00k-8c2e-4b1a";
const FEISHU_SECRET: &str = "f31shuS1gnS3cret";
const WECOM_KEY: &str = "w3c0m-k3y-693a-4bc4";
const SC_KEY: &str = "SCTs3ndK3y12345";
const PP_TOKEN: &str = "pushpl5t0k3n0123456789";
const BARK_KEY: &str = "b4rkD3v1ceK3yZz";
const NTFY_TOPIC: &str = "sp4cewarden-t0pic-x81";
const NTFY_TOKEN: &str = "tk_n7fyT0k3nAbCdEf";
const GOTIFY_TOKEN: &str = "G0t1fyAppT0k3n";
const SLACK_SECRET: &str = "sl4ckH00kS3cr3tXyZ";

/// Every credential a test gives the daemon: none may show anywhere.
const SECRETS: [&str; 13] = [
    DING_TOKEN,
    DING_SECRET,
    FEISHU_HOOK,
    FEISHU_SECRET,
    WECOM_KEY,
    SC_KEY,
    PP_TOKEN,
    BARK_KEY,
    NTFY_TOPIC,
    NTFY_TOKEN,
    GOTIFY_TOKEN,
    SLACK_SECRET,
    "wr0ng",
];

/// Hub text that would format, link or ping in a Markdown robot.
const HOSTILE: &str = "<at id=all></at> <@all> @all [click](http://evil.example) **x**";

struct Fakes {
    dingtalk: Fake,
    feishu: Fake,
    wecom: Fake,
    serverchan: Fake,
    pushplus: Fake,
    bark: Fake,
    ntfy: Fake,
    gotify: Fake,
    slack: Fake,
}

impl Fakes {
    async fn start() -> Fakes {
        Fakes {
            dingtalk: dingtalk::start(dingtalk::Setup {
                token: DING_TOKEN,
                secret: Some(DING_SECRET),
                keyword: Some(DING_KEYWORD),
            })
            .await,
            feishu: feishu::start(feishu::Setup {
                hook: FEISHU_HOOK,
                secret: Some(FEISHU_SECRET),
            })
            .await,
            wecom: wecom::start(WECOM_KEY).await,
            serverchan: serverchan::start(SC_KEY).await,
            pushplus: pushplus::start(PP_TOKEN).await,
            bark: bark::start(BARK_KEY).await,
            ntfy: ntfy::start(NTFY_TOPIC, Some(NTFY_TOKEN)).await,
            gotify: gotify::start(GOTIFY_TOKEN).await,
            slack: slack::start(SLACK_SECRET).await,
        }
    }

    /// `(destination, fake)` in the order the daemon builds them.
    fn all(&self) -> [(&'static str, &Fake); 9] {
        [
            ("dingtalk", &self.dingtalk),
            ("feishu", &self.feishu),
            ("wecom", &self.wecom),
            ("serverchan", &self.serverchan),
            ("pushplus", &self.pushplus),
            ("bark", &self.bark),
            ("ntfy", &self.ntfy),
            ("gotify", &self.gotify),
            ("slack", &self.slack),
        ]
    }

    /// The daemon's variables for these fakes; `secret` replaces every credential when
    /// it is `Some` (a user who copied the wrong one).
    fn env(&self, app: App, wrong: Option<&str>) -> App {
        let pick = |right: &'static str| wrong.unwrap_or(right).to_owned();
        app.env(
            "DINGTALK_WEBHOOK_URL",
            &dingtalk::url(&self.dingtalk, DING_TOKEN),
        )
        .env("DINGTALK_SECRET", &pick(DING_SECRET))
        .env("DINGTALK_KEYWORD", DING_KEYWORD)
        .env(
            "FEISHU_WEBHOOK_URL",
            &feishu::url(&self.feishu, FEISHU_HOOK),
        )
        .env("FEISHU_SECRET", &pick(FEISHU_SECRET))
        .env(
            "WECOM_WEBHOOK_URL",
            &wecom::url(&self.wecom, &pick(WECOM_KEY)),
        )
        .env(
            "SERVERCHAN_URL",
            &serverchan::url(&self.serverchan, &pick(SC_KEY)),
        )
        .env("PUSHPLUS_TOKEN", &pick(PP_TOKEN))
        .env("PUSHPLUS_URL", &pushplus::url(&self.pushplus))
        .env("BARK_URL", &bark::url(&self.bark, &pick(BARK_KEY)))
        .env("NTFY_URL", &ntfy::url(&self.ntfy, NTFY_TOPIC))
        .env("NTFY_TOKEN", &pick(NTFY_TOKEN))
        .env("GOTIFY_URL", &gotify::url(&self.gotify))
        .env("GOTIFY_TOKEN", &pick(GOTIFY_TOKEN))
        .env(
            "SLACK_WEBHOOK_URL",
            &slack::url(&self.slack, &pick(SLACK_SECRET)),
        )
    }
}

fn daemon_app(hub: &FakeHub) -> App {
    hub.add_user("alice", "hf_alice");
    hub.add_space(
        SpaceSpec::new("alice/app")
            .stage("CONFIG_ERROR")
            .error_message(HOSTILE),
    );
    App::new(hub)
        .env("SPACES", "alice/app,alice/b")
        .env("HF_TOKEN", "hf_alice")
        .env("CHECK_SCHEDULE", "* * * * * *")
        .env("RUST_LOG", "info")
}

/// The one alert each destination accepted, as the text a reader sees.
fn shown(destination: &str, body: &serde_json::Value) -> String {
    let pointer = match destination {
        "dingtalk" => "/markdown/text",
        "feishu" => "/card/elements/0/text/content",
        "wecom" => "/markdown/content",
        "serverchan" => "/desp",
        "pushplus" => "/content",
        "bark" => "/body",
        "slack" => "/blocks/0/text/text",
        _ => "/message",
    };
    body.pointer(pointer)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned()
}

/// What `GET path` on the daemon answers (status and body).
async fn get(port: u16, path: &str) -> (u16, String) {
    let response = reqwest::get(format!("http://127.0.0.1:{port}{path}"))
        .await
        .expect("the daemon answers");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

fn assert_no_secret(place: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{place} leaks {secret}:\n{text}");
    }
}

/// The test does not wait out a service's throttle window: it makes the row due now,
/// which is what the clock would do at the end of the window.
async fn end_throttle(store: &Store, destination: &str, at_least: Duration) {
    // The fake records its refusal before the daemon has written the retry down.
    let tried = |rows: &[spacewarden::store::OutboxRow]| rows.len() == 1 && rows[0].attempts >= 1;
    outbox_until(store, destination, Duration::from_secs(10), tried).await;
    let rows = store.outbox(destination).await.unwrap();
    assert_eq!(rows.len(), 1, "{destination}: {rows:?}");
    let row = &rows[0];
    assert_eq!(row.state, "pending", "{destination}: kept queued");
    let wait = row.next_attempt_ms - chrono::Utc::now().timestamp_millis();
    assert!(
        wait >= at_least.as_millis() as i64 - 5_000,
        "{destination} retries after {wait} ms, not after the throttle's {at_least:?}"
    );
    store
        .mark_retry(
            row.id,
            chrono::Utc::now(),
            "test: the throttle window is over",
        )
        .await
        .unwrap();
}

async fn stop(mut daemon: Running) -> String {
    daemon.terminate(Duration::from_secs(10)).await;
    daemon.output()
}

#[tokio::test]
async fn a_down_alert_reaches_each_robot_once_even_through_its_rate_limit() {
    let hub = FakeHub::start().await;
    let fakes = Fakes::start().await;
    for (_, fake) in fakes.all() {
        fake.throttle_next(1);
    }
    let app = fakes.env(daemon_app(&hub), None);
    let daemon = app.spawn(&["run"]);
    let store = app.store().await;

    // Each service refuses the first try with its rate-limit (or busy) answer.
    let refused = eventually(Duration::from_secs(20), async || {
        fakes.all().iter().all(|(_, f)| f.refused().len() == 1)
    })
    .await;
    let codes: Vec<_> = fakes.all().iter().map(|(d, f)| (*d, f.refused())).collect();
    assert!(refused, "{codes:?}\n{}", daemon.output());
    assert_eq!(
        codes,
        [
            ("dingtalk", vec![130101]),
            ("feishu", vec![11232]),
            ("wecom", vec![45009]),
            ("serverchan", vec![503]),
            ("pushplus", vec![500]),
            ("bark", vec![500]),
            ("ntfy", vec![42901]),
            ("gotify", vec![503]),
            ("slack", vec![429]),
        ]
    );
    // DingTalk throttles the robot for 10 minutes, Feishu and WeCom count per minute:
    // the alert waits queued that long.
    end_throttle(&store, "dingtalk", Duration::from_secs(600)).await;
    end_throttle(&store, "feishu", Duration::from_secs(60)).await;
    end_throttle(&store, "wecom", Duration::from_secs(60)).await;
    // Slack's 429 said when to come back (`Retry-After`): the retry waits that long.
    end_throttle(
        &store,
        "slack",
        Duration::from_secs(slack::RETRY_AFTER_SECS),
    )
    .await;

    for (destination, fake) in fakes.all() {
        let sent = outbox_until(&store, destination, Duration::from_secs(30), all_sent(1)).await;
        assert!(
            sent,
            "{destination}: {:?}\n{}",
            fake.refused(),
            daemon.output()
        );
        let accepted = fake.accepted();
        assert_eq!(accepted.len(), 1, "{destination}: exactly once");
        let text = shown(destination, &accepted[0]);
        assert!(
            text.contains("alice/app is broken"),
            "{destination}: {text}"
        );
        if matches!(destination, "bark" | "ntfy") {
            // Plain text on a phone: nothing renders it, it shows as typed.
            assert!(text.contains(HOSTILE), "{destination}: {text}");
            continue;
        }
        if destination == "slack" {
            // Escaped as Slack requires: no `<!…>` mention, `<@…>` or `<url|text>` link.
            assert!(
                text.contains("&lt;at id=all&gt;&lt;/at&gt; &lt;@"),
                "{text}"
            );
            assert!(!text.contains('<'), "{text}");
            assert!(text.contains("@\u{200B}all"), "{destination}: {text}");
            assert_eq!(accepted[0]["text"].as_str(), Some(text.as_str()));
            continue;
        }
        // Hub text neither pings, links nor formats.
        assert!(text.contains("&lt;at id=all&gt;"), "{destination}: {text}");
        assert!(text.contains("\\[click\\]"), "{destination}: {text}");
        assert!(text.contains("@\u{200B}all"), "{destination}: {text}");
        assert!(!text.contains("<@all>"), "{destination}: {text}");
    }
    assert_eq!(fakes.dingtalk.accepted()[0]["at"]["isAtAll"], false);
    assert_eq!(
        fakes.feishu.accepted()[0]["card"]["header"]["template"],
        "red"
    );
    let page = format!("{}/spaces/alice/app", hub.hub_url());
    assert_eq!(fakes.bark.accepted()[0]["url"], page.as_str());
    assert_eq!(fakes.bark.accepted()[0]["group"], "spacewarden");
    assert_eq!(fakes.ntfy.accepted()[0]["click"], page.as_str());
    assert_eq!(fakes.ntfy.accepted()[0]["priority"], 4);
    assert_eq!(fakes.gotify.accepted()[0]["priority"], 8);

    let port = listening_port(&daemon).await;
    let (status, metrics) = get(port, "/metrics").await;
    assert_eq!(status, 200);
    for (destination, _) in fakes.all() {
        let line = format!("spacewarden_alerts{{destination=\"{destination}\",state=\"sent\"}} 1");
        assert!(metrics.contains(&line), "no {line} in:\n{metrics}");
    }
    let (status, readyz) = get(port, "/readyz").await;
    assert_eq!(status, 200, "{readyz}");
    let listed: serde_json::Value = serde_json::from_str(&readyz).unwrap();
    for (destination, _) in fakes.all() {
        let entry = listed["destinations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == destination)
            .unwrap_or_else(|| panic!("/readyz does not list {destination}: {readyz}"));
        assert_eq!(entry["state"], "ok", "{readyz}");
        assert_eq!(entry["sent"], 1, "{readyz}");
    }

    let output = stop(daemon).await;
    assert!(output.contains("dingtalk said 130101"), "{output}");
    for (place, text) in [
        ("the output", &output),
        ("/metrics", &metrics),
        ("/readyz", &readyz),
    ] {
        assert_no_secret(place, text);
    }
}

#[tokio::test]
async fn a_wrong_credential_drops_each_alert_once_without_retrying() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/b"));
    let fakes = Fakes::start().await;
    let app = fakes.env(daemon_app(&hub), Some("wr0ng"));
    let daemon = app.spawn(&["run"]);
    let store = app.store().await;

    let dead = |n: usize| {
        move |rows: &[spacewarden::store::OutboxRow]| {
            rows.len() == n && rows.iter().all(|r| r.state == "dead" && r.attempts == 1)
        }
    };
    for (destination, _) in fakes.all() {
        let dropped = outbox_until(&store, destination, Duration::from_secs(20), dead(1)).await;
        assert!(
            dropped,
            "{destination}: {:?}",
            store.outbox(destination).await
        );
    }
    // A second alert: if the first were being retried, it would be refused again first.
    hub.set_stage("alice/b", "CONFIG_ERROR");
    for (destination, _) in fakes.all() {
        let dropped = outbox_until(&store, destination, Duration::from_secs(20), dead(2)).await;
        assert!(
            dropped,
            "{destination}: {:?}",
            store.outbox(destination).await
        );
    }
    let codes: Vec<_> = fakes.all().iter().map(|(d, f)| (*d, f.refused())).collect();
    assert_eq!(
        codes,
        [
            ("dingtalk", vec![310000, 310000]),
            ("feishu", vec![19021, 19021]),
            ("wecom", vec![93000, 93000]),
            ("serverchan", vec![40001, 40001]),
            ("pushplus", vec![401, 401]),
            ("bark", vec![400, 400]),
            ("ntfy", vec![40101, 40101]),
            ("gotify", vec![401, 401]),
            ("slack", vec![404, 404]),
        ],
        "one refusal per alert, no retry storm"
    );
    assert!(fakes.all().iter().all(|(_, f)| f.accepted().is_empty()));
    // Every destination is failing, and the process is still ready: /readyz lists
    // each one with what it dropped and answers 200.
    let port = listening_port(&daemon).await;
    let (status, readyz) = get(port, "/readyz").await;
    assert_eq!(status, 200, "{readyz}");
    let listed: serde_json::Value = serde_json::from_str(&readyz).unwrap();
    for (destination, _) in fakes.all() {
        let entry = listed["destinations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == destination)
            .unwrap_or_else(|| panic!("/readyz does not list {destination}: {readyz}"));
        assert_eq!(entry["dropped"], 2, "{readyz}");
    }
    assert_no_secret("/readyz", &readyz);

    let output = stop(daemon).await;
    assert!(
        output.contains("alert dropped for good: dingtalk said 310000: sign not match"),
        "{output}"
    );
    assert!(output.contains("feishu said 19021"), "{output}");
    assert!(
        output.contains("slack answered HTTP 404: no_service"),
        "{output}"
    );
    assert_no_secret("the output", &output);
}

#[tokio::test]
async fn a_bad_robot_url_stops_startup_naming_the_variable_only() {
    let hub = FakeHub::start().await;
    for (key, value) in [
        (
            "DINGTALK_WEBHOOK_URL",
            "oapi.dingtalk.com/robot/send?access_token=wr0ng",
        ),
        (
            "FEISHU_WEBHOOK_URL",
            "ftp://open.feishu.cn/open-apis/bot/v2/hook/wr0ng",
        ),
        (
            "WECOM_WEBHOOK_URL",
            "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wr0ng",
        ),
        ("SERVERCHAN_SENDKEY", "sctpwr0ng"),
        ("SLACK_WEBHOOK_URL", "hooks.slack.com/services/T/B/wr0ng"),
        // Plain text is for a loopback mail server only; the password is not shown.
        ("SMTP_URL", "smtp://bot:wr0ng@mail.example.com:25?tls=none"),
    ] {
        let app = App::new(&hub).env("SPACES", "alice/app").env(key, value);
        let run = app.run(&["check"]).await;
        assert_eq!(run.code, 2, "{key}: {}", run.stderr);
        assert!(run.stderr.contains(key), "{key}: {}", run.stderr);
        assert_no_secret(key, &format!("{}{}", run.stdout, run.stderr));
    }
}

#[tokio::test]
async fn a_kill_mid_delivery_loses_nothing_and_repeats_at_most_the_one_in_flight() {
    let hub = FakeHub::start().await;
    let fakes = Fakes::start().await;
    fakes.dingtalk.hang_next(Duration::from_secs(3));
    let app = fakes.env(daemon_app(&hub), None);
    let mut first = app.spawn(&["run"]);
    let in_flight = eventually(Duration::from_secs(20), async || {
        fakes.dingtalk.arrived() == 1
    })
    .await;
    assert!(in_flight, "{}", first.output());
    first.kill().await;

    let second = app.spawn(&["run"]);
    let store = app.store().await;
    for (destination, fake) in fakes.all() {
        let sent = outbox_until(&store, destination, Duration::from_secs(30), all_sent(1)).await;
        assert!(
            sent,
            "{destination}: {:?}\n{}",
            fake.refused(),
            second.output()
        );
        // Sent once, or twice when it was the request in flight at the kill (the
        // killed process never heard the answer): never lost, never more.
        let times = fake.accepted().len();
        assert!(
            (1..=2).contains(&times),
            "{destination}: the alert arrived {times} times"
        );
    }
    assert_no_secret("the output", &stop(second).await);
}
