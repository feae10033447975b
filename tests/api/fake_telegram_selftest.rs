//! Self-tests of the fake Telegram Bot API, driven with plain reqwest: they
//! pin the fake to the real service's contract (token answers, exact error
//! descriptions recorded from the live API or read from its source, HTML
//! parsing with tdlib's rules, UTF-16 limits, long polling and offsets,
//! callback answers, command menus, injected failures), so suites built on
//! it test the bot against Telegram rather than against the fake.

use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::{Value, json};

use crate::support::fake_telegram::{ChatSpec, Failure, FakeTelegram, TgUser};

const TOKEN: &str = "123456789:AAtest-Token_1";
const ALICE: i64 = 111;
const GROUP: i64 = -4_000_000_001;
const SUPERGROUP: i64 = -1_001_234_567_890;

fn alice() -> TgUser {
    TgUser::named(ALICE, "alice")
}

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .expect("client")
}

/// POSTs JSON to `method`; returns the status and the parsed body.
async fn call(fake: &FakeTelegram, method: &str, body: Value) -> (u16, Value) {
    let url = format!("{}/bot{}/{method}", fake.url(), TOKEN);
    let resp = client()
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("json body"))
}

async fn ok(fake: &FakeTelegram, method: &str, body: Value) -> Value {
    let (status, v) = call(fake, method, body).await;
    assert_eq!((status, &v["ok"]), (200, &json!(true)), "{method}: {v}");
    v["result"].clone()
}

/// Asserts the exact error answer.
async fn err(fake: &FakeTelegram, method: &str, body: Value, status: u16, description: &str) {
    let (got, v) = call(fake, method, body).await;
    assert_eq!(
        (
            got,
            v["ok"].clone(),
            v["error_code"].clone(),
            v["description"].as_str()
        ),
        (status, json!(false), json!(status), Some(description)),
        "{method}: {v}"
    );
}

async fn send(fake: &FakeTelegram, chat_id: i64, text: &str) -> Value {
    ok(
        fake,
        "sendMessage",
        json!({ "chat_id": chat_id, "text": text, "parse_mode": "HTML" }),
    )
    .await
}

fn keyboard(data: &str) -> Value {
    json!({ "inline_keyboard": [[{ "text": "Restart", "callback_data": data }]] })
}

#[tokio::test]
async fn get_me_has_every_field_teloxide_needs() {
    let fake = FakeTelegram::start(TOKEN).await;
    let me = ok(&fake, "getMe", json!({})).await;
    assert_eq!(
        me,
        json!({
            "id": 123456789, "is_bot": true, "first_name": "SpaceWarden",
            "username": "spacewarden_bot", "can_join_groups": true,
            "can_read_all_group_messages": false, "supports_inline_queries": false,
            "can_connect_to_business": false, "has_main_web_app": false,
            "has_topics_enabled": false, "allows_users_to_create_topics": false
        })
    );
}

#[tokio::test]
async fn tokens_and_methods_answer_like_the_real_front() {
    let fake = FakeTelegram::start(TOKEN).await;
    let get = |path: String| {
        let url = format!("{}{path}", fake.url());
        async move {
            let resp = client().get(url).send().await.expect("request");
            (
                resp.status().as_u16(),
                resp.json::<Value>().await.expect("json"),
            )
        }
    };
    let cases = [
        ("/bot123456789:wrong/getMe", 401, "Unauthorized"),
        (
            "/bot0000000000:INVALID_TOKEN/getMe",
            401,
            "Unauthorized: invalid token specified",
        ),
        ("/botnot-a-valid-token/getMe", 404, "Not Found"),
        ("/bot/getMe", 404, "Not Found"),
        ("/other", 404, "Not Found"),
        (&*format!("/bot{TOKEN}/noSuchMethod"), 404, "Not Found"),
        (&*format!("/bot{TOKEN}/"), 404, "Not Found"),
        (
            &*format!("/bot{TOKEN}/deleteMessage"),
            404,
            "Not Found: fake_telegram does not emulate deletemessage",
        ),
    ];
    for (path, status, description) in cases {
        let (got, v) = get(path.to_string()).await;
        assert_eq!(
            (got, v),
            (
                status,
                json!({ "ok": false, "error_code": status, "description": description })
            ),
            "{path}"
        );
    }
    let (status, me) = get(format!("/bot{TOKEN}/GETME")).await;
    assert_eq!(
        (status, me["result"]["id"].clone()),
        (200, json!(123456789))
    );
}

#[tokio::test]
async fn arguments_come_from_json_forms_and_query_strings() {
    let fake = FakeTelegram::start(TOKEN).await;
    let base = format!("{}/bot{TOKEN}", fake.url());
    // teloxide: PascalCase method, JSON body.
    let m = ok(
        &fake,
        "SendMessage",
        json!({ "chat_id": ALICE, "text": "json" }),
    )
    .await;
    assert_eq!(m["text"], "json");
    // Query string only.
    let v: Value = client()
        .get(format!("{base}/sendmessage?chat_id={ALICE}&text=query"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(v["result"]["text"], "query");
    // Form body with reply_markup as a JSON string.
    let form = [
        ("chat_id", ALICE.to_string()),
        ("text", "form".to_string()),
        ("reply_markup", keyboard("rb:1").to_string()),
    ];
    let v: Value = client()
        .post(format!("{base}/sendMessage"))
        .form(&form)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(v["result"]["reply_markup"], keyboard("rb:1"));
    let methods: Vec<String> = fake.requests().into_iter().map(|c| c.method).collect();
    assert_eq!(methods, ["sendmessage"; 3]);
    assert!(fake.requests().iter().all(|c| c.status == Some(200)));
}

#[tokio::test]
async fn html_is_parsed_like_tdlib() {
    let fake = FakeTelegram::start(TOKEN).await;
    let m = send(
        &fake,
        ALICE,
        "<b>Space</b> &amp; <i>it</i> &lt;x&gt; AT&T &#128512;",
    )
    .await;
    assert_eq!(m["text"], "Space & it <x> AT&T 😀");
    assert_eq!(
        m["entities"],
        json!([
            { "offset": 0, "length": 5, "type": "bold" },
            { "offset": 8, "length": 2, "type": "italic" }
        ])
    );
    let m = send(
        &fake,
        ALICE,
        "<pre><code class=\"language-rust\">fn main</code></pre>\n<a href=\"https://hf.co\">hub</a> \
         <blockquote expandable>q</blockquote><tg-spoiler>s</tg-spoiler>",
    )
    .await;
    assert_eq!(m["text"], "fn main\nhub qs");
    assert_eq!(
        m["entities"],
        json!([
            { "offset": 0, "length": 7, "type": "pre", "language": "rust" },
            { "offset": 8, "length": 3, "type": "text_link", "url": "https://hf.co/" },
            { "offset": 12, "length": 1, "type": "expandable_blockquote" },
            { "offset": 13, "length": 1, "type": "spoiler" }
        ])
    );
    // Trimming, and touching bold merged into one entity.
    let m = send(&fake, ALICE, "\n  <b>a</b><b>b</b> \n").await;
    assert_eq!(
        (m["text"].clone(), m["entities"].clone()),
        (
            json!("ab"),
            json!([{ "offset": 0, "length": 2, "type": "bold" }])
        )
    );
}

#[tokio::test]
async fn html_errors_match_the_real_descriptions() {
    let fake = FakeTelegram::start(TOKEN).await;
    let cases = [
        (
            "<script>alert(1)</script>",
            "Unsupported start tag \"script\" at byte offset 0",
        ),
        (
            "<b><i>test</b></i>",
            "Unmatched end tag at byte offset 10, expected \"</i>\", found \"</b>\"",
        ),
        (
            "<b>unclosed",
            "Can't find end tag corresponding to start tag \"b\"",
        ),
        ("1 < 2", "Unsupported start tag \"\" at byte offset 2"),
        ("a </b>", "Unexpected end tag at byte offset 2"),
        ("a <", "Unclosed start tag at byte offset 2"),
        (
            "<span>x</span>",
            "Tag \"span\" must have class \"tg-spoiler\" at byte offset 0",
        ),
        (
            "<tg-emoji emoji-id=\"9999999999999999999\">x</tg-emoji>",
            "Invalid custom emoji identifier specified",
        ),
    ];
    for (text, msg) in cases {
        let body = json!({ "chat_id": ALICE, "text": text, "parse_mode": "HTML" });
        err(
            &fake,
            "sendMessage",
            body,
            400,
            &format!("Bad Request: can't parse entities: {msg}"),
        )
        .await;
    }
    let body = json!({ "chat_id": ALICE, "text": "x", "parse_mode": "INVALID" });
    err(
        &fake,
        "sendMessage",
        body,
        400,
        "Bad Request: unsupported parse_mode",
    )
    .await;
    assert!(fake.all_sent().is_empty());
}

#[tokio::test]
async fn text_limits_count_utf16_after_parsing() {
    let fake = FakeTelegram::start(TOKEN).await;
    let too_long = "Bad Request: message is too long";
    send(&fake, ALICE, &"x".repeat(4096)).await;
    send(&fake, ALICE, &format!("<b>{}</b>", "x".repeat(4096))).await;
    send(&fake, ALICE, &"😀".repeat(2048)).await;
    for text in ["x".repeat(4097), "😀".repeat(2049)] {
        err(
            &fake,
            "sendMessage",
            json!({ "chat_id": ALICE, "text": text }),
            400,
            too_long,
        )
        .await;
    }
    let cases = [
        (
            json!({ "chat_id": ALICE }),
            "Bad Request: message text is empty",
        ),
        (
            json!({ "chat_id": ALICE, "text": "" }),
            "Bad Request: message text is empty",
        ),
        (
            json!({ "chat_id": ALICE, "text": " \n " }),
            "Bad Request: text must be non-empty",
        ),
        (
            json!({ "chat_id": ALICE, "text": "<b> </b>", "parse_mode": "HTML" }),
            "Bad Request: text must be non-empty",
        ),
        (json!({ "text": "hi" }), "Bad Request: chat_id is empty"),
        (
            json!({ "chat_id": 0, "text": "hi" }),
            "Bad Request: chat not found",
        ),
        (
            json!({ "chat_id": "@nobody", "text": "hi" }),
            "Bad Request: chat not found",
        ),
        (
            json!({ "chat_id": "not_a_chat", "text": "hi" }),
            "Bad Request: chat not found",
        ),
    ];
    for (body, description) in cases {
        err(&fake, "sendMessage", body, 400, description).await;
    }
}

#[tokio::test]
async fn inline_keyboards_are_checked_and_echoed() {
    let fake = FakeTelegram::start(TOKEN).await;
    let with = |markup: Value| json!({ "chat_id": ALICE, "text": "pick", "reply_markup": markup });
    let m = ok(&fake, "sendMessage", with(keyboard(&"d".repeat(64)))).await;
    assert_eq!(m["reply_markup"], keyboard(&"d".repeat(64)));
    let button = "Bad Request: can't parse inline keyboard button: ";
    let cases = [
        (
            keyboard(&"d".repeat(65)),
            "Bad Request: BUTTON_DATA_INVALID".to_string(),
        ),
        (
            keyboard(""),
            format!("{button}Text buttons are unallowed in the inline keyboard"),
        ),
        (
            json!({ "inline_keyboard": [[{ "callback_data": "x" }]] }),
            format!("{button}Can't find field \"text\""),
        ),
        (
            json!({ "inline_keyboard": "bad" }),
            "Bad Request: field \"inline_keyboard\" must be of type Array".into(),
        ),
        (
            json!({ "inline_keyboard": [[{ "text": "l", "url": "not-a-url" }]] }),
            "Bad Request: inline keyboard button URL 'not-a-url' is invalid: Wrong HTTP URL".into(),
        ),
    ];
    for (markup, description) in cases {
        err(&fake, "sendMessage", with(markup), 400, &description).await;
    }
}

#[tokio::test]
async fn sent_messages_are_full_messages_and_recorded() {
    let fake = FakeTelegram::start(TOKEN).await;
    fake.add_chat(ChatSpec::group(GROUP, "ops"));
    let before = chrono::Utc::now().timestamp();
    let body = json!({
        "chat_id": GROUP, "text": "<b>down</b>", "parse_mode": "HTML", "disable_notification": true,
        "link_preview_options": { "is_disabled": true }, "reply_markup": keyboard("rb:1"),
    });
    let m = ok(&fake, "sendMessage", body).await;
    assert_eq!(m["message_id"], 1);
    assert!(m["date"].as_i64().expect("date") >= before);
    assert_eq!(
        m["chat"],
        json!({ "id": GROUP, "title": "ops", "type": "group", "all_members_are_administrators": true })
    );
    assert_eq!(
        m["from"],
        json!({ "id": 123456789, "is_bot": true, "first_name": "SpaceWarden", "username": "spacewarden_bot" })
    );
    assert_eq!(m["link_preview_options"], json!({ "is_disabled": true }));
    assert_eq!(send(&fake, GROUP, "again").await["message_id"], 2);
    assert_eq!(
        send(&fake, SUPERGROUP, "sg").await["chat"]["type"],
        "supergroup"
    );
    assert_eq!(
        send(&fake, ALICE, "dm").await["chat"],
        json!({ "id": ALICE, "first_name": "User 111", "type": "private" })
    );
    let sent = fake.sent(GROUP);
    assert_eq!(sent.len(), 2);
    let first = &sent[0];
    assert_eq!(
        (
            first.raw_text.as_str(),
            first.parse_mode.as_deref(),
            first.text.as_str()
        ),
        ("<b>down</b>", Some("HTML"), "down")
    );
    assert!(first.disable_notification);
    assert_eq!(first.reply_markup, Some(keyboard("rb:1")));
    assert_eq!(fake.all_sent().len(), 4);
}

#[tokio::test]
async fn edits_follow_telegram() {
    let fake = FakeTelegram::start(TOKEN).await;
    let body = json!({ "chat_id": ALICE, "text": "Restart?", "reply_markup": keyboard("rb:1") });
    let id = ok(&fake, "sendMessage", body).await["message_id"].clone();
    let not_modified = "Bad Request: message is not modified: specified new message content and reply markup \
                        are exactly the same as a current content and reply markup of the message";
    let same = json!({ "chat_id": ALICE, "message_id": id, "text": "Restart?", "reply_markup": keyboard("rb:1") });
    err(&fake, "editMessageText", same, 400, not_modified).await;
    let missing = json!({ "chat_id": ALICE, "message_id": 999, "text": "x" });
    err(
        &fake,
        "editMessageText",
        missing,
        400,
        "Bad Request: message to edit not found",
    )
    .await;
    // Same text without reply_markup removes the keyboard: a real change.
    let m = ok(
        &fake,
        "editMessageText",
        json!({ "chat_id": ALICE, "message_id": id, "text": "Restart?" }),
    )
    .await;
    assert!(m.get("reply_markup").is_none() && m["edit_date"].is_i64());
    assert_eq!(fake.message_markup(ALICE, 1), None);
    let markup_only = json!({ "chat_id": ALICE, "message_id": id });
    err(
        &fake,
        "editMessageReplyMarkup",
        markup_only,
        400,
        not_modified,
    )
    .await;
    let edited = json!({ "chat_id": ALICE, "message_id": id, "text": "<i>Restarting</i>", "parse_mode": "HTML" });
    ok(&fake, "editMessageText", edited).await;
    let edits = fake.edits(ALICE);
    assert_eq!(edits.len(), 2);
    assert_eq!(
        (edits[1].text.as_deref(), edits[1].raw_text.as_deref()),
        (Some("Restarting"), Some("<i>Restarting</i>"))
    );
    assert_eq!(fake.message_text(ALICE, 1).as_deref(), Some("Restarting"));
    fake.push_message(ALICE, &alice(), "hi").expect("delivered");
    let users = json!({ "chat_id": ALICE, "message_id": 2, "text": "x" });
    err(
        &fake,
        "editMessageText",
        users,
        400,
        "Bad Request: message can't be edited",
    )
    .await;
}

#[tokio::test]
async fn long_poll_answers_as_soon_as_an_update_arrives() {
    let fake = FakeTelegram::start(TOKEN).await;
    let poller = fake.clone();
    let started = Instant::now();
    let poll =
        tokio::spawn(async move { ok(&poller, "getUpdates", json!({ "timeout": 10 })).await });
    fake.wait_for_requests("getUpdates", 1, Duration::from_secs(2))
        .await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let update_id = fake
        .push_message(ALICE, &alice(), "/status@spacewarden_bot now")
        .expect("delivered");
    let updates = poll.await.expect("poll task");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "held for {:?}",
        started.elapsed()
    );
    let u = &updates[0];
    assert_eq!(u["update_id"], update_id);
    assert_eq!(u["message"]["text"], "/status@spacewarden_bot now");
    assert_eq!(
        u["message"]["entities"],
        json!([{ "offset": 0, "length": 23, "type": "bot_command" }])
    );
    assert_eq!(
        u["message"]["from"],
        json!({ "id": ALICE, "is_bot": false, "first_name": "alice", "username": "alice", "language_code": "en" })
    );
    assert_eq!(
        u["message"]["chat"],
        json!({ "id": ALICE, "first_name": "alice", "username": "alice", "type": "private" })
    );
}

#[tokio::test]
async fn offsets_confirm_updates() {
    let fake = FakeTelegram::start(TOKEN).await;
    let ids: Vec<i64> = (0..3)
        .map(|i| {
            fake.push_message(ALICE, &alice(), &format!("m{i}"))
                .expect("delivered")
        })
        .collect();
    assert!(ids.windows(2).all(|w| w[1] == w[0] + 1));
    let all = ok(&fake, "getUpdates", json!({})).await;
    assert_eq!(all.as_array().expect("array").len(), 3);
    // Repeating the same offset at once: the server's spin guard gives one.
    assert_eq!(
        ok(&fake, "getUpdates", json!({}))
            .await
            .as_array()
            .expect("array")
            .len(),
        1
    );
    let rest = ok(&fake, "getUpdates", json!({ "offset": ids[1] })).await;
    assert_eq!(rest[0]["update_id"], ids[1]);
    assert_eq!(rest.as_array().expect("array").len(), 2);
    assert_eq!(
        ok(&fake, "getUpdates", json!({ "offset": ids[2] + 1 })).await,
        json!([])
    );
    assert_eq!(fake.pending_updates(), 0);
    let late: Vec<i64> = (0..2)
        .map(|_| fake.push_message(ALICE, &alice(), "x").expect("delivered"))
        .collect();
    let last = ok(&fake, "getUpdates", json!({ "offset": -1 })).await;
    assert_eq!(
        (
            last.as_array().expect("array").len(),
            last[0]["update_id"].as_i64()
        ),
        (1, Some(late[1]))
    );
}

#[tokio::test]
async fn a_newer_held_poll_ends_the_older_with_409() {
    let fake = FakeTelegram::start(TOKEN).await;
    let older = fake.clone();
    let first =
        tokio::spawn(async move { call(&older, "getUpdates", json!({ "timeout": 10 })).await });
    fake.wait_for_requests("getUpdates", 1, Duration::from_secs(2))
        .await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let newer = fake.clone();
    let second = tokio::spawn(async move {
        call(&newer, "getUpdates", json!({ "offset": 5, "timeout": 1 })).await
    });
    let (status, v) = first.await.expect("first poll");
    assert_eq!(status, 409);
    assert_eq!(
        v["description"],
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
    );
    assert_eq!(
        second.await.expect("second poll"),
        (200, json!({ "ok": true, "result": [] }))
    );
}

#[tokio::test]
async fn callbacks_carry_the_message_and_take_one_answer() {
    let fake = FakeTelegram::start(TOKEN).await;
    let body = json!({ "chat_id": ALICE, "text": "Restart?", "reply_markup": keyboard("rb:1") });
    let message_id = ok(&fake, "sendMessage", body).await["message_id"]
        .as_i64()
        .expect("id");
    let id = fake.push_callback(ALICE, message_id, &alice(), "rb:1");
    let updates = ok(&fake, "getUpdates", json!({})).await;
    let q = &updates[0]["callback_query"];
    assert_eq!(
        (q["id"].as_str(), q["data"].as_str()),
        (Some(id.as_str()), Some("rb:1"))
    );
    assert!(
        q["message"]["date"].as_i64().expect("date") > 0,
        "date 0 means inaccessible"
    );
    assert_eq!(q["message"]["reply_markup"], keyboard("rb:1"));
    assert!(q["chat_instance"].is_string() && q["from"]["id"] == ALICE);
    assert_eq!(fake.unanswered_callbacks(), [id.as_str()]);
    let long = json!({ "callback_query_id": id, "text": "x".repeat(201) });
    err(
        &fake,
        "answerCallbackQuery",
        long,
        400,
        "Bad Request: MESSAGE_TOO_LONG",
    )
    .await;
    ok(
        &fake,
        "answerCallbackQuery",
        json!({ "callback_query_id": id, "text": "Restarting", "show_alert": true }),
    )
    .await;
    let stale = "Bad Request: query is too old and response timeout expired or query ID is invalid";
    err(
        &fake,
        "answerCallbackQuery",
        json!({ "callback_query_id": id }),
        400,
        stale,
    )
    .await;
    err(
        &fake,
        "answerCallbackQuery",
        json!({ "callback_query_id": "42" }),
        400,
        stale,
    )
    .await;
    let answers = fake.callback_answers();
    assert_eq!(
        (
            answers.len(),
            answers[0].text.as_deref(),
            answers[0].show_alert
        ),
        (1, Some("Restarting"), true)
    );
    assert!(fake.unanswered_callbacks().is_empty());
}

#[tokio::test]
#[should_panic(expected = "has no button with callback_data")]
async fn pressing_a_button_the_message_lacks_is_a_test_bug() {
    let fake = FakeTelegram::start(TOKEN).await;
    let body = json!({ "chat_id": ALICE, "text": "Restart?", "reply_markup": keyboard("rb:1") });
    let message_id = ok(&fake, "sendMessage", body).await["message_id"]
        .as_i64()
        .expect("id");
    fake.push_callback(ALICE, message_id, &alice(), "rb:2");
}

#[tokio::test]
async fn command_menus_are_stored_like_telegram() {
    let fake = FakeTelegram::start(TOKEN).await;
    let admins = json!({ "type": "chat_administrators", "chat_id": GROUP });
    let menu = |scope: Value, commands: Value| json!({ "commands": commands, "scope": scope });
    // teloxide's bot_commands() sends the leading slash; Telegram strips it.
    let private = menu(
        json!({ "type": "all_private_chats" }),
        json!([{ "command": "/status", "description": "Status" }]),
    );
    ok(&fake, "setMyCommands", private).await;
    let restart = json!([{ "command": "restart", "description": "Restart a Space" }]);
    ok(&fake, "setMyCommands", menu(admins.clone(), restart)).await;
    let got = ok(
        &fake,
        "getMyCommands",
        json!({ "scope": { "type": "all_private_chats" } }),
    )
    .await;
    assert_eq!(
        got,
        json!([{ "command": "status", "description": "Status" }])
    );
    assert_eq!(ok(&fake, "getMyCommands", json!({})).await, json!([]));
    let sets = fake.commands();
    assert_eq!(sets.len(), 2);
    assert_eq!(
        (
            sets[0].commands[0].command_as_sent.as_str(),
            sets[1].scope.clone()
        ),
        ("/status", admins.clone())
    );
    let upper = menu(
        json!({ "type": "default" }),
        json!([{ "command": "Status", "description": "x" }]),
    );
    err(
        &fake,
        "setMyCommands",
        upper,
        400,
        "Bad Request: BOT_COMMAND_INVALID",
    )
    .await;
    let no_description = json!({ "commands": [{ "command": "status" }] });
    err(
        &fake,
        "setMyCommands",
        no_description,
        400,
        "Bad Request: can't parse BotCommand: Can't find field \"description\"",
    )
    .await;
    ok(&fake, "deleteMyCommands", json!({ "scope": admins })).await;
    assert_eq!(fake.commands().len(), 1);
}

#[tokio::test]
async fn injected_failures_answer_like_telegram() {
    let fake = FakeTelegram::start(TOKEN).await;
    fake.fail_next(
        "SendMessage",
        1,
        Failure::TooManyRequests { retry_after: 7 },
    );
    let url = format!("{}/bot{TOKEN}/sendMessage", fake.url());
    let resp = client()
        .post(&url)
        .json(&json!({ "chat_id": ALICE, "text": "x" }))
        .send()
        .await
        .expect("request");
    assert_eq!(
        (
            resp.status().as_u16(),
            resp.headers()["retry-after"].to_str().ok()
        ),
        (429, Some("7"))
    );
    let v: Value = resp.json().await.expect("json");
    assert_eq!(
        v,
        json!({ "ok": false, "error_code": 429, "description": "Too Many Requests: retry after 7", "parameters": { "retry_after": 7 } })
    );
    send(&fake, ALICE, "now it works").await;

    let new_id = -1_009_999_999_999;
    fake.add_chat(ChatSpec::group(GROUP, "ops"))
        .fail_chat(GROUP, Failure::Migrated { to_chat_id: new_id });
    for _ in 0..2 {
        let (status, v) = call(
            &fake,
            "sendMessage",
            json!({ "chat_id": GROUP, "text": "x" }),
        )
        .await;
        assert_eq!(
            (status, v["description"].as_str()),
            (
                400,
                Some("Bad Request: group chat was upgraded to a supergroup chat")
            )
        );
        assert_eq!(v["parameters"], json!({ "migrate_to_chat_id": new_id }));
    }
    let m = send(&fake, new_id, "moved").await;
    assert_eq!(
        (m["chat"]["type"].as_str(), m["chat"]["title"].as_str()),
        (Some("supergroup"), Some("ops"))
    );

    let cases = [
        (
            ALICE,
            Failure::Blocked,
            403,
            "Forbidden: bot was blocked by the user",
        ),
        (
            ALICE,
            Failure::Deactivated,
            403,
            "Forbidden: user is deactivated",
        ),
        (
            GROUP,
            Failure::Kicked,
            403,
            "Forbidden: bot was kicked from the group chat",
        ),
        (
            SUPERGROUP,
            Failure::Kicked,
            403,
            "Forbidden: bot was kicked from the supergroup chat",
        ),
        (
            ALICE,
            Failure::ChatNotFound,
            400,
            "Bad Request: chat not found",
        ),
        (ALICE, Failure::Unauthorized, 401, "Unauthorized"),
        (
            ALICE,
            Failure::ServerError(500),
            500,
            "Internal Server Error",
        ),
    ];
    for (chat, failure, status, description) in cases {
        fake.fail_chat(chat, failure);
        err(
            &fake,
            "sendMessage",
            json!({ "chat_id": chat, "text": "x" }),
            status,
            description,
        )
        .await;
        fake.clear_chat_failure(chat);
    }
    fake.fail_next("getMe", 1, Failure::ServerError(502));
    let resp = client()
        .get(format!("{}/bot{TOKEN}/getMe", fake.url()))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 502);
    assert!(
        resp.text()
            .await
            .expect("body")
            .contains("<center><h1>502 Bad Gateway</h1></center>")
    );
}

#[tokio::test]
async fn a_down_front_answers_nginx_502_until_back() {
    let fake = FakeTelegram::start(TOKEN).await;
    fake.set_down(true);
    let url = format!("{}/bot{TOKEN}/getMe", fake.url());
    let resp = client().get(&url).send().await.expect("request");
    assert_eq!(
        (
            resp.status().as_u16(),
            resp.headers()["content-type"].to_str().ok()
        ),
        (502, Some("text/html"))
    );
    assert!(resp.text().await.expect("body").starts_with("<html>"));
    fake.set_down(false);
    ok(&fake, "getMe", json!({})).await;
}

#[tokio::test]
async fn flood_control_when_enforced() {
    let fake = FakeTelegram::start(TOKEN).await;
    fake.enforce_limits(true);
    send(&fake, ALICE, "one").await;
    let (status, v) = call(
        &fake,
        "sendMessage",
        json!({ "chat_id": ALICE, "text": "two" }),
    )
    .await;
    assert_eq!(
        (status, v["parameters"]["retry_after"].clone()),
        (429, json!(1))
    );
    for _ in 0..20 {
        send(&fake, GROUP, "group").await;
    }
    let (status, v) = call(
        &fake,
        "sendMessage",
        json!({ "chat_id": GROUP, "text": "21st" }),
    )
    .await;
    assert_eq!(status, 429, "{v}");
    assert!(
        (2..=60).contains(
            &v["parameters"]["retry_after"]
                .as_i64()
                .expect("retry_after")
        )
    );
    // 21 accepted so far; 9 more chats reach the global 30 per second.
    for i in 1..10 {
        send(&fake, GROUP - i, "spread").await;
    }
    let (status, v) = call(
        &fake,
        "sendMessage",
        json!({ "chat_id": GROUP - 10, "text": "31st" }),
    )
    .await;
    assert_eq!(
        (status, v["parameters"]["retry_after"].clone()),
        (429, json!(1))
    );
}

#[tokio::test]
async fn a_webhook_blocks_polling_until_deleted() {
    let fake = FakeTelegram::start(TOKEN).await;
    assert_eq!(
        ok(&fake, "getWebhookInfo", json!({})).await,
        json!({ "url": "", "has_custom_certificate": false, "pending_update_count": 0 })
    );
    fake.set_webhook(Some("https://example.com/hook"));
    let conflict = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
    err(&fake, "getUpdates", json!({}), 409, conflict).await;
    let (_, v) = call(&fake, "deleteWebhook", json!({})).await;
    assert_eq!(
        v,
        json!({ "ok": true, "result": true, "description": "Webhook was deleted" })
    );
    let (_, v) = call(&fake, "deleteWebhook", json!({})).await;
    assert_eq!(v["description"], "Webhook is already deleted");
    ok(&fake, "getUpdates", json!({})).await;
}

#[tokio::test]
async fn privacy_mode_keeps_group_chatter_from_the_bot() {
    let fake = FakeTelegram::start(TOKEN).await;
    let bob = TgUser::anonymous(222, "Bob");
    assert_eq!(fake.push_message(GROUP, &bob, "hello all"), None);
    assert_eq!(fake.push_message(GROUP, &bob, "/status@other_bot"), None);
    assert!(
        fake.push_message(GROUP, &bob, "/status@SpaceWarden_Bot")
            .is_some()
    );
    assert!(fake.push_message(GROUP, &bob, "/status").is_some());
    let updates = ok(
        &fake,
        "getUpdates",
        json!({ "allowed_updates": ["callback_query"] }),
    )
    .await;
    assert_eq!(updates.as_array().expect("array").len(), 2);
    // The bot now excludes messages: Telegram does not even queue them.
    assert_eq!(fake.push_message(ALICE, &alice(), "/status"), None);
}

#[tokio::test]
async fn waiting_helpers_wake_on_the_bot_s_calls() {
    let fake = FakeTelegram::start(TOKEN).await;
    let bot = fake.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(30)).await;
        ok(
            &bot,
            "sendChatAction",
            json!({ "chat_id": ALICE, "action": "typing" }),
        )
        .await;
        send(&bot, ALICE, "pong").await;
    });
    let sent = fake.wait_for_sent(ALICE, 1, Duration::from_secs(2)).await;
    assert_eq!(sent[0].text, "pong");
    let bad_action = json!({ "chat_id": ALICE, "action": "dancing" });
    err(
        &fake,
        "sendChatAction",
        bad_action,
        400,
        "Bad Request: wrong parameter action in request",
    )
    .await;
    let statuses: Vec<(String, Option<u16>)> = fake
        .requests()
        .into_iter()
        .map(|c| (c.method, c.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("sendchataction".to_string(), Some(200)),
            ("sendmessage".into(), Some(200)),
            ("sendchataction".into(), Some(400))
        ]
    );
}

/// A menu per language (issue 22): `language_code` is a two-letter ISO 639-1 code or
/// empty, as the Bot API documents; `zh-CN` or `ZH` is refused with a 400.
#[tokio::test]
async fn command_menus_are_kept_per_two_letter_language() {
    let fake = FakeTelegram::start(TOKEN).await;
    let menu = |lang: &str, description: &str| {
        json!({ "commands": [{ "command": "status", "description": description }],
                "language_code": lang })
    };
    ok(&fake, "setMyCommands", menu("", "All Spaces")).await;
    ok(&fake, "setMyCommands", menu("zh", "所有 Space")).await;
    let zh = ok(&fake, "getMyCommands", json!({ "language_code": "zh" })).await;
    assert_eq!(zh[0]["description"], "所有 Space");
    let other = ok(&fake, "getMyCommands", json!({})).await;
    assert_eq!(other[0]["description"], "All Spaces");
    for bad in ["zh-CN", "ZH", "zho", "z"] {
        let description = "Bad Request: invalid language code specified";
        err(&fake, "setMyCommands", menu(bad, "x"), 400, description).await;
    }
    assert_eq!(fake.commands().len(), 2, "refused menus change nothing");
}
