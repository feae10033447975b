//! Self-tests of the fake Discord, driven with plain reqwest and
//! tokio-tungstenite: they pin the fake to Discord's contract (error bodies
//! and codes, message and command limits, rate-limit headers, the gateway
//! handshake and close codes, the interaction response rules), so suites
//! built on it test the bot against Discord rather than against the fake.
//! That serenity 0.12.5 deserializes every payload was checked against its
//! model source and by running a poise bot against the fake.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::{Client, Response};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::support::fake_discord::{
    CommandScope, DEFAULT_CHANNEL_ID as CHANNEL, DEFAULT_GUILD_ID as GUILD, Failure, FakeDiscord,
    INTENT_MESSAGE_CONTENT, InteractionHandle, InteractionSpec,
};

const TOKEN: &str = "MTEwMDAwMDAwMDAwMDAwMDAwMg.Gx1y2z.selftest-token";
const T: Duration = Duration::from_secs(2);
const MAX: &str = "BASE_TYPE_MAX_LENGTH";
const BAD: &str = "BASE_TYPE_BAD_LENGTH";
const POST_MESSAGE: &str = "POST /channels/1100000000000000200/messages";
const COMMANDS: &str = "/applications/1100000000000000001/guilds/1100000000000000100/commands";

/// `route` is `"METHOD /path"` under `/api/v10`, sent with the bot token.
async fn send(fake: &FakeDiscord, route: &str, body: Option<Value>) -> Response {
    let (method, path) = route.split_once(' ').expect("METHOD /path");
    let url = format!("{}/api/v10{path}", fake.url());
    let mut req = Client::new()
        .request(method.parse().expect("method"), url)
        .header("authorization", format!("Bot {TOKEN}"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.expect("request")
}

async fn api(fake: &FakeDiscord, route: &str, body: Option<Value>) -> (u16, Value) {
    let resp = send(fake, route, body).await;
    (
        resp.status().as_u16(),
        resp.json().await.unwrap_or(Value::Null),
    )
}

/// Asserts Discord's error object `{"message", "code"}` with `status`.
fn assert_error(got: &(u16, Value), status: u16, message: &str, code: u64) {
    let want = json!({ "message": message, "code": code });
    assert_eq!((got.0, &got.1), (status, &want));
}

/// Asserts a 400 50035 whose `errors` tree has `code` at `path`.
fn assert_form_error(body: &Value, path: &str, code: &str) {
    assert_eq!(body["code"], 50035, "not a form error at {path}: {body}");
    let node = path.split('.').fold(&body["errors"], |n, k| &n[k]);
    assert_eq!(node["_errors"][0]["code"], code, "at {path}: {body}");
}

fn header(resp: &Response, name: &str) -> String {
    let value = resp.headers().get(name).and_then(|v| v.to_str().ok());
    value.unwrap_or_default().to_string()
}

struct Gateway(WebSocketStream<MaybeTlsStream<TcpStream>>);

impl Gateway {
    async fn open(fake: &FakeDiscord) -> Gateway {
        let url = format!("{}?v=10&encoding=json", fake.gateway_url());
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("connect");
        Gateway(ws)
    }

    /// Connected, HELLO consumed.
    async fn connect(fake: &FakeDiscord) -> Gateway {
        let mut gw = Gateway::open(fake).await;
        assert_eq!(gw.recv().await["op"], 10);
        gw
    }

    /// Identified, READY and GUILD_CREATE consumed; returns the session id.
    async fn ready(fake: &FakeDiscord) -> (Gateway, String) {
        let mut gw = Gateway::connect(fake).await;
        gw.identify(&format!("Bot {TOKEN}"), 1).await;
        let ready = gw.recv().await;
        assert_eq!(gw.recv().await["t"], "GUILD_CREATE");
        let session = ready["d"]["session_id"].as_str().unwrap_or_default();
        (gw, session.to_string())
    }

    async fn send(&mut self, v: Value) {
        self.0
            .send(Message::Text(v.to_string()))
            .await
            .expect("ws send");
    }

    async fn identify(&mut self, token: &str, intents: u64) {
        let props = json!({ "os": "linux", "browser": "t", "device": "t" });
        let d = json!({ "token": token, "intents": intents, "compress": true,
                        "shard": [0, 1], "properties": props });
        self.send(json!({ "op": 2, "d": d })).await;
    }

    async fn next(&mut self) -> Message {
        let frame = tokio::time::timeout(T, self.0.next()).await;
        frame
            .expect("frame in time")
            .expect("ws open")
            .expect("ws ok")
    }

    async fn recv(&mut self) -> Value {
        match self.next().await {
            Message::Text(t) => serde_json::from_str(&t).expect("json frame"),
            other => panic!("expected a text frame, got {other:?}"),
        }
    }

    async fn expect_close(&mut self, code: u16, reason: &str) {
        match self.next().await {
            Message::Close(Some(f)) => {
                assert_eq!(u16::from(f.code), code);
                assert_eq!(f.reason, reason);
            }
            other => panic!("expected close {code}, got {other:?}"),
        }
    }
}

fn restart_command() -> Value {
    json!([{ "name": "restart", "description": "Restart a Space", "options": [
        { "type": 3, "name": "space", "description": "Space id", "required": true,
          "autocomplete": true },
        { "type": 4, "name": "count", "description": "How many" } ] }])
}

/// A fake with `/restart` registered in the default guild and a READY
/// gateway session.
async fn bot_session() -> (FakeDiscord, Gateway) {
    let fake = FakeDiscord::start(TOKEN).await;
    let put = format!("PUT {COMMANDS}");
    assert_eq!(api(&fake, &put, Some(restart_command())).await.0, 200);
    let (gw, _) = Gateway::ready(&fake).await;
    (fake, gw)
}

async fn callback(fake: &FakeDiscord, h: &InteractionHandle, body: Value) -> (u16, Value) {
    let route = format!("POST /interactions/{}/{}/callback", h.id, h.token);
    api(fake, &route, Some(body)).await
}

/// `route` is `"METHOD suffix"`, the suffix after `/webhooks/{app}/{token}`.
async fn webhook(fake: &FakeDiscord, token: &str, route: &str, body: Value) -> (u16, Value) {
    let (method, suffix) = route.split_once(' ').unwrap_or((route, ""));
    let app = fake.application_id();
    let body = Some(body).filter(|b| !b.is_null());
    api(
        fake,
        &format!("{method} /webhooks/{app}/{token}{suffix}"),
        body,
    )
    .await
}

#[tokio::test]
async fn rest_requires_the_bot_token_and_records_calls() {
    let fake = FakeDiscord::start(TOKEN).await;
    let url = format!("{}/api/v10/users/@me", fake.url());
    let bare = Client::new().get(&url).send().await.unwrap();
    let bare = (bare.status().as_u16(), bare.json().await.unwrap());
    assert_error(&bare, 401, "401: Unauthorized", 0);
    let wrong = Client::new().get(&url).header("authorization", "Bot nope");
    assert_eq!(wrong.send().await.unwrap().status(), 401);
    let (status, me) = api(&fake, "GET /users/@me", None).await;
    assert_eq!(status, 200);
    assert_eq!(me["id"], fake.bot_user_id().to_string());
    assert_eq!(me["bot"], true);
    assert_eq!(fake.invalid_request_count(), 2);
    let seen = fake.requests_to("/users/@me");
    let statuses: Vec<u16> = seen.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [401, 401, 200]);
    assert_error(
        &api(&fake, "GET /nope", None).await,
        404,
        "404: Not Found",
        0,
    );
}

#[tokio::test]
async fn gateway_and_application_routes_have_discords_shapes() {
    let fake = FakeDiscord::start(TOKEN).await;
    // Served without a token, as Discord does.
    let url = format!("{}/api/v10/gateway", fake.url());
    let body: Value = Client::new()
        .get(url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body, json!({ "url": fake.gateway_url() }));
    assert!(fake.gateway_url().starts_with("ws://127.0.0.1:"));
    let (_, bot) = api(&fake, "GET /gateway/bot", None).await;
    assert_eq!(bot["shards"], 1);
    assert_eq!(bot["session_start_limit"]["max_concurrency"], 1);
    let (_, app) = api(&fake, "GET /oauth2/applications/@me", None).await;
    assert_eq!(app["id"], fake.application_id().to_string());
    assert_eq!(app["owner"]["id"], fake.owner_id().to_string());
    assert_eq!(app["bot_public"], false);
    assert_eq!(app["flags"], 0);
}

#[tokio::test]
async fn command_overwrite_validates_and_keeps_ids() {
    let fake = FakeDiscord::start(TOKEN).await;
    let put = format!("PUT {COMMANDS}");
    let (status, cmds) = api(&fake, &put, Some(restart_command())).await;
    assert_eq!(status, 200, "{cmds}");
    assert_eq!(cmds[0]["guild_id"], GUILD.to_string());
    assert_eq!(cmds[0]["application_id"], fake.application_id().to_string());
    assert!(cmds[0]["version"].is_string() && cmds[0]["type"] == 1);
    let (_, again) = api(&fake, &put, Some(restart_command())).await;
    assert_eq!(again[0]["id"], cmds[0]["id"], "same name keeps its id");
    assert_eq!(api(&fake, &format!("GET {COMMANDS}"), None).await.1, again);
    let stored = fake.commands(CommandScope::Guild(GUILD));
    assert_eq!(Value::Array(stored), again);

    let put_one = async |cmd: Value, path: &str, code: &str| {
        let (status, body) = api(&fake, &put, Some(json!([cmd]))).await;
        assert_eq!(status, 400);
        assert_form_error(&body, path, code);
    };
    let invalid = "APPLICATION_COMMAND_INVALID_NAME";
    put_one(
        json!({ "name": "Restart", "description": "x" }),
        "0.name",
        invalid,
    )
    .await;
    put_one(
        json!({ "name": "two words", "description": "x" }),
        "0.name",
        invalid,
    )
    .await;
    put_one(
        json!({ "name": "a".repeat(33), "description": "x" }),
        "0.name",
        BAD,
    )
    .await;
    let long = json!({ "name": "ok", "description": "d".repeat(101) });
    put_one(long, "0.description", BAD).await;
    let option = |i: usize| json!({ "type": 3, "name": format!("o{i}"), "description": "d" });
    let options: Vec<Value> = (0..26).map(option).collect();
    let cmd = json!({ "name": "ok", "description": "d", "options": options });
    put_one(cmd, "0.options", MAX).await;
    let choice = |i: usize| json!({ "name": format!("c{i}"), "value": "v" });
    let choices: Vec<Value> = (0..26).map(choice).collect();
    let opt = json!({ "type": 3, "name": "o", "description": "d", "choices": choices });
    let cmd = json!({ "name": "ok", "description": "d", "options": [opt] });
    put_one(cmd, "0.options.0.choices", MAX).await;
    let cmd = |i: usize| json!({ "name": format!("c{i}"), "description": "d" });
    let many: Vec<Value> = (0..101).map(cmd).collect();
    let (_, body) = api(&fake, &put, Some(Value::Array(many))).await;
    assert_eq!(body["errors"]["_errors"][0]["code"], MAX);
    let app = fake.application_id();
    let elsewhere = format!("PUT /applications/{app}/guilds/42/commands");
    let got = api(&fake, &elsewhere, Some(json!([]))).await;
    assert_error(&got, 403, "Missing Access", 50001);
    let kept = fake.commands(CommandScope::Guild(GUILD));
    assert_eq!(kept.len(), 1, "rejected overwrites change nothing");
}

#[tokio::test]
async fn messages_enforce_discords_limits() {
    let fake = FakeDiscord::start(TOKEN).await;
    let embed = json!({ "title": "Down", "color": 0xE74C3C });
    let (status, msg) = api(&fake, POST_MESSAGE, Some(json!({ "embeds": [embed] }))).await;
    assert_eq!(status, 200);
    let fields = [
        "id",
        "channel_id",
        "author",
        "timestamp",
        "tts",
        "mentions",
        "type",
    ];
    for field in fields {
        assert!(!msg[field].is_null(), "message lacks {field}: {msg}");
    }
    assert_eq!(msg["embeds"][0]["type"], "rich");
    assert!(msg["edited_timestamp"].is_null());

    let post = async |body: Value, path: &str, code: &str| {
        let (_, err) = api(&fake, POST_MESSAGE, Some(body)).await;
        assert_form_error(&err, path, code);
    };
    post(json!({ "content": "x".repeat(2001) }), "content", MAX).await;
    post(
        json!({ "embeds": vec![json!({ "title": "t" }); 11] }),
        "embeds",
        MAX,
    )
    .await;
    let embeds = |embed: Value| json!({ "embeds": [embed] });
    post(
        embeds(json!({ "title": "t".repeat(257) })),
        "embeds.0.title",
        MAX,
    )
    .await;
    let long = embeds(json!({ "description": "d".repeat(4097) }));
    post(long, "embeds.0.description", MAX).await;
    let field = |value: String| json!({ "name": "n", "value": value });
    let many = embeds(json!({ "fields": vec![field("v".into()); 26] }));
    post(many, "embeds.0.fields", MAX).await;
    let value = embeds(json!({ "fields": [field("v".repeat(1025))] }));
    post(value, "embeds.0.fields.0.value", BAD).await;
    let footer = embeds(json!({ "footer": { "text": "f".repeat(2049) } }));
    post(footer, "embeds.0.footer.text", BAD).await;
    let author = embeds(json!({ "author": { "name": "a".repeat(257) } }));
    post(author, "embeds.0.author.name", BAD).await;
    let big = json!({ "description": "d".repeat(3000) });
    let total = json!({ "embeds": [big, big, big] });
    post(total, "embeds", "MAX_EMBED_SIZE_EXCEEDED").await;

    let button =
        |id: String, label: &str| json!({ "type": 2, "style": 4, "custom_id": id, "label": label });
    let ok_button = || button("x".into(), "L");
    let row = |buttons: Vec<Value>| json!({ "type": 1, "components": buttons });
    let rows = |rows: Vec<Value>| json!({ "content": "c", "components": rows });
    post(rows(vec![row(vec![ok_button()]); 6]), "components", MAX).await;
    let six = (0..6).map(|i| button(format!("b{i}"), "L")).collect();
    post(rows(vec![row(six)]), "components.0.components", BAD).await;
    let id = rows(vec![row(vec![button("c".repeat(101), "L")])]);
    post(id, "components.0.components.0.custom_id", BAD).await;
    let label = rows(vec![row(vec![button("x".into(), &"l".repeat(81))])]);
    post(label, "components.0.components.0.label", MAX).await;
    let only_components = json!({ "components": [row(vec![ok_button()])] });
    let got = api(&fake, POST_MESSAGE, Some(only_components)).await;
    assert_error(&got, 400, "Cannot send an empty message", 50006);
    let hi = Some(json!({ "content": "hi" }));
    let got = api(&fake, "POST /channels/5/messages", hi).await;
    assert_error(&got, 404, "Unknown Channel", 10003);

    let id = msg["id"].as_str().unwrap();
    let patch = format!("PATCH /channels/{CHANNEL}/messages/{id}");
    let (status, edited) = api(&fake, &patch, Some(json!({ "content": "edited" }))).await;
    assert_eq!((status, edited["content"].as_str()), (200, Some("edited")));
    assert!(edited["edited_timestamp"].is_string());
    assert_eq!(edited["embeds"].as_array().map(Vec::len), Some(1));
    assert_eq!(fake.messages(CHANNEL), [edited]);
}

#[tokio::test]
async fn channel_failures_and_outages() {
    let fake = FakeDiscord::start(TOKEN).await;
    let hi = || Some(json!({ "content": "hi" }));
    let expect = [
        (Failure::Forbidden, 403, "Missing Access", 50001),
        (
            Failure::MissingPermissions,
            403,
            "Missing Permissions",
            50013,
        ),
        (Failure::Unknown, 404, "Unknown Channel", 10003),
        (Failure::Unauthorized, 401, "401: Unauthorized", 0),
        (
            Failure::ServerError(500),
            500,
            "500: Internal Server Error",
            0,
        ),
    ];
    for (failure, status, message, code) in expect {
        fake.fail_channel_times(CHANNEL, failure, 1);
        assert_error(&api(&fake, POST_MESSAGE, hi()).await, status, message, code);
    }
    let healed = api(&fake, POST_MESSAGE, hi()).await;
    assert_eq!(healed.0, 200, "one-shot failures heal");
    assert_eq!(fake.invalid_request_count(), 3);
    fake.fail_channel(CHANNEL, Failure::ServerError(502));
    let resp = send(&fake, POST_MESSAGE, hi()).await;
    assert_eq!(resp.status(), 502);
    assert_eq!(header(&resp, "content-type"), "text/html");
    fake.heal_channel(CHANNEL);
    fake.set_down(true);
    let resp = send(&fake, "GET /users/@me", None).await;
    assert_eq!(resp.status(), 502);
    assert!(resp.text().await.unwrap().contains("cloudflare"));
    fake.set_down(false);
    assert_eq!(api(&fake, POST_MESSAGE, hi()).await.0, 200);
}

#[tokio::test]
async fn rate_limit_headers_injected_429s_and_enforcement() {
    let fake = FakeDiscord::start(TOKEN).await;
    let hi = || Some(json!({ "content": "hi" }));
    let ok = send(&fake, POST_MESSAGE, hi()).await;
    for h in ["limit", "remaining", "reset", "reset-after", "bucket"] {
        let name = format!("x-ratelimit-{h}");
        assert!(!header(&ok, &name).is_empty(), "missing {name}");
    }
    fake.rate_limit_next("/messages", 1, 1.5, false);
    let limited = send(&fake, POST_MESSAGE, hi()).await;
    assert_eq!(limited.status(), 429);
    assert_eq!(header(&limited, "retry-after"), "2");
    assert_eq!(header(&limited, "x-ratelimit-scope"), "user");
    assert_eq!(header(&limited, "x-ratelimit-remaining"), "0");
    let body: Value = limited.json().await.unwrap();
    let message = "You are being rate limited.";
    assert_eq!(
        body,
        json!({ "message": message, "retry_after": 1.5, "global": false })
    );
    fake.rate_limit_next("/users/@me", 1, 0.25, true);
    let global = send(&fake, "GET /users/@me", None).await;
    assert_eq!(global.status(), 429);
    assert_eq!(header(&global, "x-ratelimit-global"), "true");
    assert_eq!(header(&global, "x-ratelimit-scope"), "global");
    assert_eq!(fake.invalid_request_count(), 2);
    fake.enforce_rate_limits(2, Duration::from_secs(60));
    let calls = (0..3).map(|_| api(&fake, "GET /channels/42", None));
    let answers = futures_util::future::join_all(calls).await;
    let mut codes: Vec<u16> = answers.iter().map(|r| r.0).collect();
    codes.sort();
    assert_eq!(
        codes,
        [404, 404, 429],
        "a bucket allows its limit, then 429"
    );
}

#[tokio::test]
async fn gateway_handshake_heartbeat_and_ready() {
    let fake = FakeDiscord::start(TOKEN).await;
    fake.set_heartbeat_interval(Duration::from_millis(1500));
    let mut gw = Gateway::open(&fake).await;
    let hello = gw.recv().await;
    assert_eq!(hello["op"], 10);
    assert_eq!(hello["d"]["heartbeat_interval"], 1500);
    gw.send(json!({ "op": 1, "d": null })).await;
    let ack = json!({ "t": null, "s": null, "op": 11, "d": null });
    assert_eq!(gw.recv().await, ack);
    gw.identify(&format!("Bot {TOKEN}"), 1 | (1 << 9)).await;
    let ready = gw.recv().await;
    assert_eq!((&ready["op"], &ready["s"]), (&json!(0), &json!(1)));
    assert_eq!(ready["t"], "READY");
    let d = &ready["d"];
    assert_eq!((&d["v"], &d["shard"]), (&json!(10), &json!([0, 1])));
    assert_eq!(d["user"]["id"], fake.bot_user_id().to_string());
    let unavailable = json!([{ "id": GUILD.to_string(), "unavailable": true }]);
    assert_eq!(d["guilds"], unavailable);
    assert_eq!(d["application"]["id"], fake.application_id().to_string());
    assert_eq!(d["resume_gateway_url"], fake.gateway_url());
    assert!(d["session_id"].as_str().is_some_and(|s| s.len() == 32));
    let guild = gw.recv().await;
    assert_eq!(
        (&guild["t"], &guild["s"]),
        (&json!("GUILD_CREATE"), &json!(2))
    );
    assert_eq!(guild["d"]["channels"][0]["id"], CHANNEL.to_string());
    assert!(fake.wait_ready(T).await);
    assert_eq!(fake.heartbeats(), 1);
    assert_eq!(fake.identify_payloads()[0]["intents"], 513);
    gw.identify(&format!("Bot {TOKEN}"), 1).await;
    gw.expect_close(4005, "Already authenticated.").await;
}

#[tokio::test]
async fn gateway_closes_on_bad_token_and_privileged_intents() {
    let fake = FakeDiscord::start(TOKEN).await;
    let mut gw = Gateway::connect(&fake).await;
    gw.identify("Bot wrong", 1).await;
    gw.expect_close(4004, "Authentication failed.").await;
    let mut gw = Gateway::connect(&fake).await;
    gw.identify(TOKEN, 1 | INTENT_MESSAGE_CONTENT).await;
    gw.expect_close(4014, "Disallowed intent(s).").await;
    fake.enable_intents(INTENT_MESSAGE_CONTENT);
    let mut gw = Gateway::connect(&fake).await;
    gw.identify(TOKEN, 1 | INTENT_MESSAGE_CONTENT).await;
    let ready = gw.recv().await;
    assert_eq!(ready["t"], "READY", "a bare token is accepted too");
    assert_eq!(ready["d"]["application"]["flags"], 1 << 19);
    let mut gw = Gateway::connect(&fake).await;
    gw.send(json!({ "op": 3, "d": {} })).await;
    gw.expect_close(4003, "Not authenticated.").await;
}

#[tokio::test]
async fn gateway_resume_continues_the_sequence() {
    let fake = FakeDiscord::start(TOKEN).await;
    let (mut gw, session_id) = Gateway::ready(&fake).await;
    fake.close_gateway(4000, "Unknown error.");
    gw.expect_close(4000, "Unknown error.").await;
    assert!(fake.wait_until(T, |f| !f.is_ready()).await);
    let resume = |sid: &str| {
        let token = format!("Bot {TOKEN}");
        json!({ "op": 6, "d": { "token": token, "session_id": sid, "seq": 2 } })
    };
    let mut gw = Gateway::connect(&fake).await;
    gw.send(resume("not-a-session")).await;
    let invalid = json!({ "t": null, "s": null, "op": 9, "d": false });
    assert_eq!(gw.recv().await, invalid);
    let mut gw = Gateway::connect(&fake).await;
    gw.send(resume(&session_id)).await;
    let resumed = gw.recv().await;
    assert_eq!(
        (&resumed["t"], &resumed["s"]),
        (&json!("RESUMED"), &json!(3))
    );
    assert!(fake.wait_ready(T).await);
    assert_eq!(fake.gateway_connections(), 3);
    assert_eq!(fake.identify_payloads().len(), 1);
}

#[tokio::test]
async fn deferred_command_is_edited_through_the_webhook() {
    let (fake, mut gw) = bot_session().await;
    let spec = InteractionSpec::slash("restart").option("space", "alice/app");
    let h = fake.dispatch_interaction(spec.user(7, "bob")).await;
    let ev = gw.recv().await;
    assert_eq!(
        (&ev["t"], &ev["s"]),
        (&json!("INTERACTION_CREATE"), &json!(3))
    );
    assert_eq!(h.seq, 3);
    let d = &ev["d"];
    assert_eq!((&d["type"], &d["token"]), (&json!(2), &json!(h.token)));
    assert_eq!(d["guild_id"], GUILD.to_string());
    let option = json!([{ "name": "space", "type": 3, "value": "alice/app" }]);
    assert_eq!(d["data"]["options"], option);
    assert_eq!(d["member"]["user"]["id"], "7");
    assert_eq!(d["member"]["deaf"], false);
    let required = ["application_id", "channel_id", "app_permissions", "locale"];
    let more = [
        "entitlements",
        "version",
        "attachment_size_limit",
        "context",
    ];
    for field in required.into_iter().chain(more) {
        assert!(!d[field].is_null(), "interaction lacks {field}");
    }
    let hook = async |route: &str, body: Value| webhook(&fake, &h.token, route, body).await;
    let x = json!({ "content": "x" });
    let early = hook("PATCH /messages/@original", x.clone()).await;
    assert_error(&early, 404, "Unknown Webhook", 10015);
    let defer = json!({ "type": 5, "data": { "flags": 64 } });
    assert_eq!(callback(&fake, &h, defer).await.0, 204);
    let again = callback(&fake, &h, json!({ "type": 4, "data": x })).await;
    let acked = "Interaction has already been acknowledged.";
    assert_error(&again, 400, acked, 40060);
    let cb = fake.wait_callback(h.id, T).await.expect("callback");
    assert!(cb.kind == 5 && cb.is_ephemeral());
    assert!(cb.after < Duration::from_secs(3));

    let (_, thinking) = hook("GET /messages/@original", Value::Null).await;
    assert_eq!(thinking["content"], "");
    assert_eq!(thinking["flags"], 64 | 128, "ephemeral and loading");
    let (status, first) = hook("POST", json!({ "content": "done" })).await;
    assert_eq!(status, 200);
    assert_eq!(
        first["id"], thinking["id"],
        "the first followup replaces it"
    );
    assert_eq!(first["flags"], 64);
    let edited = fake.wait_original_edit(&h.token, T).await.expect("edit");
    assert_eq!(
        (&edited["content"], &edited["type"]),
        (&json!("done"), &json!(20))
    );
    let (_, second) = hook("POST", json!({ "content": "more" })).await;
    assert_ne!(second["id"], first["id"]);
    assert_eq!(fake.followups(&h.token), std::slice::from_ref(&second));
    let last = hook("PATCH /messages/@original", json!({ "content": "final" })).await;
    assert_eq!((last.0, &last.1["content"]), (200, &json!("final")));
    let visible = fake.messages(CHANNEL);
    assert_eq!(
        visible,
        [second],
        "ephemeral responses stay out of the channel"
    );
}

#[tokio::test]
async fn callbacks_follow_the_interaction_rules() {
    let (fake, _gw) = bot_session().await;
    let restart = || InteractionSpec::slash("restart").option("space", "a/b");
    let say = |content: &str| json!({ "type": 4, "data": { "content": content } });
    fake.set_ack_window(Duration::from_millis(50));
    let late = fake.dispatch_interaction(restart()).await;
    tokio::time::sleep(Duration::from_millis(80)).await;
    let answer = callback(&fake, &late, say("x")).await;
    assert_error(&answer, 404, "Unknown interaction", 10062);
    fake.set_ack_window(Duration::from_secs(3));

    let spec = InteractionSpec::autocomplete("restart", "space", "ali");
    let ac = fake.dispatch_interaction(spec).await;
    assert_eq!(ac.payload["data"]["options"][0]["focused"], true);
    let (_, err) = callback(&fake, &ac, say("x")).await;
    assert_form_error(&err, "type", "BASE_TYPE_CHOICES");
    let choice = |i: usize| json!({ "name": format!("n{i}"), "value": "v" });
    let many: Vec<Value> = (0..26).map(choice).collect();
    let too_many = json!({ "type": 8, "data": { "choices": many } });
    assert_form_error(&callback(&fake, &ac, too_many).await.1, "data.choices", MAX);
    let two = json!({ "type": 8, "data": { "choices": [choice(1), choice(2)] } });
    assert_eq!(callback(&fake, &ac, two).await.0, 204);
    let result = fake.callback(ac.id).expect("autocomplete");
    assert_eq!(result.choices().len(), 2);

    let cmd = fake.dispatch_interaction(restart()).await;
    let (_, err) = callback(&fake, &cmd, say(&"x".repeat(2001))).await;
    assert_form_error(&err, "data.content", MAX);
    let empty = json!({ "type": 4, "data": {} });
    assert_eq!(callback(&fake, &cmd, empty).await.1["code"], 50006);
    let button = |disabled: bool| {
        let b = json!({ "type": 2, "style": 4, "custom_id": "rb:1", "label": "Rebuild",
                        "disabled": disabled });
        json!([{ "type": 1, "components": [b] }])
    };
    let data = json!({ "content": "Rebuild a/b?", "components": button(false) });
    let reply = json!({ "type": 4, "data": data });
    let status = callback(&fake, &cmd, reply).await.0;
    assert_eq!(status, 204, "a rejected callback does not acknowledge");
    let original = fake.original_response(&cmd.token).expect("original");
    assert_eq!(original["interaction_metadata"]["name"], "restart");
    assert_eq!(fake.messages(CHANNEL).len(), 1);

    let spec = InteractionSpec::button("rb:1").user(7, "bob");
    let press = fake.dispatch_interaction(spec).await;
    assert_eq!(press.payload["type"], 3);
    assert_eq!(press.payload["message"]["id"], original["id"]);
    let data = json!({ "content": "Rebuilding a/b", "components": button(true) });
    let update = json!({ "type": 7, "data": data });
    assert_eq!(callback(&fake, &press, update).await.0, 204);
    assert_eq!(fake.messages(CHANNEL)[0]["content"], "Rebuilding a/b");
    let again = InteractionSpec::button("rb:1");
    let err = fake.try_dispatch_interaction(again).await.unwrap_err();
    assert!(err.contains("enabled component"), "{err}");

    fake.set_token_lifetime(Duration::from_millis(30));
    tokio::time::sleep(Duration::from_millis(50)).await;
    let route = "GET /messages/@original";
    let expired = webhook(&fake, &cmd.token, route, Value::Null).await;
    assert_error(&expired, 401, "Invalid Webhook Token", 50027);
}

#[tokio::test]
async fn dispatch_sends_only_what_a_discord_client_could() {
    let (fake, _gw) = bot_session().await;
    let refused =
        async |spec: InteractionSpec| fake.try_dispatch_interaction(spec).await.unwrap_err();
    let restart = || InteractionSpec::slash("restart");
    let status = InteractionSpec::slash("status");
    assert!(refused(status).await.contains("not registered"));
    let unknown = restart().option("space", "a").option("x", 1);
    assert!(refused(unknown).await.contains("no option `x`"));
    let missing = restart().option("count", 1);
    assert!(refused(missing).await.contains("required option `space`"));
    let plain = InteractionSpec::autocomplete("restart", "count", "1");
    assert!(refused(plain).await.contains("autocomplete"));
    assert!(
        refused(InteractionSpec::button("rb:none"))
            .await
            .contains("rb:none")
    );
    let spec = restart().option("space", "a").option("count", 2);
    let typed = fake.dispatch_interaction(spec).await;
    let count = json!({ "name": "count", "type": 4, "value": 2 });
    assert_eq!(typed.payload["data"]["options"][1], count);
    let spec = InteractionSpec::slash("status").unregistered().in_dm(99);
    let dm = fake.dispatch_interaction(spec).await;
    assert!(dm.payload["member"].is_null());
    assert!(dm.payload["user"]["id"].is_string());
    assert_eq!((dm.guild_id, &dm.payload["context"]), (None, &json!(1)));
}

/// Localized commands (issue 22): `description_localizations` keyed by Discord's
/// locales, values 1–100 characters, on commands and options; any other key is a 400.
#[tokio::test]
async fn command_localizations_take_discord_locales_only() {
    let fake = FakeDiscord::start(TOKEN).await;
    let put = format!("PUT {COMMANDS}");
    let option = json!({ "type": 3, "name": "space", "description": "Space id",
        "description_localizations": { "zh-CN": "Space 的 id" } });
    let good = json!([{ "name": "restart", "description": "Restart a Space",
        "description_localizations": { "zh-CN": "重启某个 Space", "ja": "再起動" },
        "name_localizations": null, "options": [option] }]);
    let (status, cmds) = api(&fake, &put, Some(good)).await;
    assert_eq!(status, 200, "{cmds}");
    assert_eq!(
        cmds[0]["description_localizations"]["zh-CN"],
        "重启某个 Space"
    );
    let refused = async |cmd: Value, path: &str, code: &str| {
        let (status, body) = api(&fake, &put, Some(json!([cmd]))).await;
        assert_eq!(status, 400, "{body}");
        assert_form_error(&body, path, code);
    };
    let keyed = |key: &str, value: Value| json!({ "name": "ok", "description": "d", "description_localizations": { key: value } });
    // A BCP 47 tag Discord does not list, a bare language, a wrong case.
    for key in ["zh", "zh-Hans", "zh-cn", "en"] {
        let path = format!("0.description_localizations.{key}");
        refused(keyed(key, json!("中文")), &path, "BASE_TYPE_CHOICES").await;
    }
    let path = "0.description_localizations.zh-CN";
    refused(keyed("zh-CN", json!("长".repeat(101))), path, BAD).await;
    refused(keyed("zh-CN", json!("")), path, BAD).await;
    let cmd = json!({ "name": "ok", "description": "d", "description_localizations": ["zh-CN"] });
    refused(cmd, "0.description_localizations", "DICT_TYPE_CONVERT").await;
    let option = json!({ "type": 3, "name": "o", "description": "d",
        "description_localizations": { "zh": "选项" } });
    let cmd = json!({ "name": "ok", "description": "d", "options": [option] });
    let path = "0.options.0.description_localizations.zh";
    refused(cmd, path, "BASE_TYPE_CHOICES").await;
    let cmd =
        json!({ "name": "ok", "description": "d", "name_localizations": { "zh-CN": "重 启" } });
    let path = "0.name_localizations.zh-CN";
    refused(cmd, path, "APPLICATION_COMMAND_INVALID_NAME").await;
}
