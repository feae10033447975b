//! Chat in the reader's language (issue 22): on Telegram a `zh-hans` user and an `en`
//! user in the same group each read their own language, `/lang` (admins only) sets
//! the group's, the command menu is set once more for `zh`; on Discord the slash
//! commands carry `zh-CN` descriptions and a reply follows the interaction's locale
//! or the channel's `/lang`; `/status`, `/status space` and `/help` in Chinese carry
//! no stray English.

use regex::Regex;

use crate::support::chat::telegram::{ADMIN, GROUP, MEMBER};
use crate::support::chat::{Chat, Platform, WAIT};
use crate::support::english::stray_english;
use crate::support::fake_discord::{CommandScope, DEFAULT_GUILD_ID, InteractionSpec};
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::fake_telegram::{SentMessage, TgUser};
use crate::support::process::Running;

const STOP: std::time::Duration = std::time::Duration::from_secs(10);

/// Latin words a Chinese reply may carry: Space ids and stage names, the commands and
/// the literal values one types (`build`, `never`, `zh-CN`), the hardware flavor.
const NAMES: &[&str] = &[
    "alice/app",
    "alice/other",
    "alice/asleep",
    "RUNNING",
    "SLEEPING",
    "cpu-basic",
    "status spaces history metrics costs help logs restart rebuild pause wake mute unmute",
    "sleeptime check testalert lang",
    "build|run|never|zh-CN|en|auto",
];

fn user(id: i64, name: &str, lang: &str) -> TgUser {
    TgUser {
        language_code: Some(lang.to_owned()),
        ..TgUser::named(id, name)
    }
}

/// `from` writes `text` in `chat`; the bot's next message there.
async fn say(rig: &Chat, chat: i64, from: &TgUser, text: &str) -> SentMessage {
    let tg = rig.telegram();
    let before = tg.sent(chat).len();
    tg.push_message(chat, from, text);
    tg.wait_for_sent(chat, before + 1, WAIT).await[before].clone()
}

/// The daemon on two Spaces after its first check: `alice/app` up and `second`, up
/// too where people talk in the group (nothing to alert there, so every message in
/// it is an answer), or asleep where only private answers are read.
async fn started(platform: Platform, second: SpaceSpec) -> (Chat, Running) {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    hub.add_space(second);
    let rig = Chat::new(platform, hub).await;
    let daemon = rig.start("alice/*").await;
    daemon.wait_for("check cycle done spaces=2", WAIT).await;
    (rig, daemon)
}

fn up() -> SpaceSpec {
    SpaceSpec::new("alice/other")
}

fn assert_no_english(what: &str, html: &str) {
    // Outside text and ids are in <code>: log lines, evidence, Space ids.
    let code = Regex::new(r"(?s)<code>.*?</code>").unwrap();
    let names: Vec<&str> = NAMES.iter().flat_map(|n| n.split([' ', '|'])).collect();
    let stray = stray_english(&code.replace_all(html, " "), &names);
    assert!(stray.is_empty(), "English in {what}: {stray:?}\n{html}");
}

#[tokio::test]
async fn a_chinese_and_an_english_user_in_one_group_each_read_their_own() {
    let (rig, mut daemon) = started(Platform::Telegram, up()).await;
    let zh = user(MEMBER, "xiaoming", "zh-hans");
    let en = user(MEMBER + 1, "someone", "en");
    let chinese = say(&rig, GROUP, &zh, "/status@spacewarden_bot").await;
    assert!(chinese.text.contains("共 2 个 Space"), "{}", chinese.text);
    assert!(chinese.text.contains("正常 2 个"), "{}", chinese.text);
    assert_no_english("/status for zh-hans", &chinese.raw_text);
    let english = say(&rig, GROUP, &en, "/status@spacewarden_bot").await;
    assert!(english.text.contains("2 Spaces: "), "{}", english.text);
    assert!(english.text.contains("2 up"), "{}", english.text);
    // The menu: once for everyone in English, once more for `zh`, admins' too.
    let menus = rig.telegram().commands();
    let zh_menu = menus
        .iter()
        .find(|m| m.language_code == "zh" && m.scope["type"] == "default")
        .expect("a zh menu");
    let status = zh_menu
        .commands
        .iter()
        .find(|c| c.command == "status")
        .unwrap();
    assert_eq!(status.description, "一览所有 Space，或查看某一个的详情");
    assert!(menus.iter().any(|m| m.language_code.is_empty()));
    assert!(
        menus.iter().any(|m| m.language_code == "zh"
            && m.scope["type"] == "chat"
            && m.commands.iter().any(|c| c.command == "lang")),
        "the admin's Chinese menu offers /lang: {menus:?}"
    );
    daemon.terminate(STOP).await;
}

#[tokio::test]
async fn lang_switches_the_group_for_admins_only() {
    let (rig, mut daemon) = started(Platform::Telegram, up()).await;
    let admin = user(ADMIN, "ops_lead", "en");
    let en = user(MEMBER, "someone", "en");
    let set = say(&rig, GROUP, &admin, "/lang@spacewarden_bot zh-CN").await;
    assert!(
        set.text.contains("此聊天的回复语言已设为中文。"),
        "{}",
        set.text
    );
    let status = say(&rig, GROUP, &en, "/status@spacewarden_bot").await;
    assert!(
        status.text.contains("共 2 个 Space"),
        "the group's choice wins: {}",
        status.text
    );
    // A member may not: refused (in the group's language), and nothing changes.
    let refused = say(&rig, GROUP, &en, "/lang@spacewarden_bot en").await;
    assert!(
        refused.text.contains("只有管理员可以这样做。"),
        "{}",
        refused.text
    );
    let still = say(&rig, GROUP, &en, "/help@spacewarden_bot").await;
    assert!(still.text.contains("spacewarden 命令"), "{}", still.text);
    let bad = say(&rig, GROUP, &admin, "/lang@spacewarden_bot fr").await;
    assert!(
        bad.text.contains("用法：/lang zh-CN|en|auto"),
        "{}",
        bad.text
    );
    let auto = say(&rig, GROUP, &admin, "/lang@spacewarden_bot auto").await;
    assert!(auto.text.contains("跟随每个人自己的语言"), "{}", auto.text);
    let back = say(&rig, GROUP, &en, "/status@spacewarden_bot").await;
    assert!(back.text.contains("2 Spaces: "), "{}", back.text);
    let stored = rig
        .app
        .store()
        .await
        .chat_lang("telegram", GROUP)
        .await
        .unwrap();
    assert_eq!(stored, None, "auto clears the choice");
    daemon.terminate(STOP).await;
}

#[tokio::test]
async fn status_a_space_and_help_in_chinese_have_no_stray_english() {
    let asleep = SpaceSpec::new("alice/asleep").stage("SLEEPING");
    let (rig, mut daemon) = started(Platform::Telegram, asleep).await;
    let admin = user(ADMIN, "ops_lead", "zh-hans");
    for command in [
        "/status",
        "/status alice/app",
        "/status alice/asleep",
        "/spaces",
        "/help",
    ] {
        let reply = say(&rig, ADMIN, &admin, command).await;
        assert_no_english(command, &reply.raw_text);
    }
    let help = say(&rig, ADMIN, &admin, "/help").await;
    assert!(help.text.contains("/lang zh-CN|en|auto"), "{}", help.text);
    daemon.terminate(STOP).await;
}

#[tokio::test]
async fn discord_registers_chinese_descriptions_and_answers_in_the_locale() {
    let (rig, mut daemon) = started(Platform::Discord, up()).await;
    let dc = rig.discord();
    let commands = dc.commands(CommandScope::Guild(DEFAULT_GUILD_ID));
    assert!(commands.iter().any(|c| c["name"] == "lang"));
    for command in &commands {
        let name = command["name"].as_str().unwrap();
        assert!(name.is_ascii(), "{name}");
        let zh = command["description_localizations"]["zh-CN"].as_str();
        let zh = zh.unwrap_or_else(|| panic!("/{name} has no zh-CN description"));
        assert!(
            !zh.is_ascii() && zh != command["description"],
            "/{name}: {zh}"
        );
        for option in command["options"].as_array().into_iter().flatten() {
            let zh = &option["description_localizations"]["zh-CN"];
            assert!(zh.is_string(), "/{name} {}: {option}", option["name"]);
        }
    }
    assert!(
        dc.requests().iter().all(|r| r.status != 400),
        "the fake refused nothing"
    );
    let ask = async |spec: InteractionSpec| {
        let handle = dc.dispatch_interaction(spec).await;
        let callback = dc.wait_callback(handle.id, WAIT).await.expect("answered");
        crate::support::chat::discord::text(&callback.embeds())
    };
    let zh = ask(InteractionSpec::slash("status").locale("zh-CN")).await;
    assert!(zh.contains("共 2 个 Space"), "{zh}");
    let en = ask(InteractionSpec::slash("status").locale("en-US")).await;
    assert!(en.contains("2 Spaces: "), "{en}");
    // The channel's /lang wins over the locale.
    let admin = crate::support::chat::discord::ADMIN;
    let lang = InteractionSpec::slash("lang")
        .option("lang", "zh-CN")
        .user(admin, "ops_lead");
    let set = ask(lang).await;
    assert!(set.contains("中文"), "{set}");
    let en = ask(InteractionSpec::slash("status").locale("en-US")).await;
    assert!(en.contains("共 2 个 Space"), "{en}");
    daemon.terminate(STOP).await;
}

/// Without a `/lang` choice and without a language from Telegram, `SPACEWARDEN_LANG`.
#[tokio::test]
async fn a_user_without_a_language_reads_spacewarden_lang() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let rig = Chat::new(Platform::Telegram, hub).await;
    let mut daemon = rig
        .app_with("alice/app")
        .env("SPACEWARDEN_LANG", "zh-CN")
        .spawn(&["run"]);
    daemon.wait_for("check cycle done spaces=1", WAIT).await;
    let silent = TgUser {
        language_code: None,
        ..TgUser::named(ADMIN, "ops_lead")
    };
    let reply = say(&rig, ADMIN, &silent, "/status").await;
    assert!(reply.text.contains("共 1 个 Space"), "{}", reply.text);
    let english = say(&rig, ADMIN, &user(ADMIN, "ops_lead", "en-US"), "/status").await;
    assert!(english.text.contains("1 Space: 1 up"), "{}", english.text);
    daemon.terminate(STOP).await;
}

/// Alerts to a chat follow its `/lang`: once an admin sets the group to Chinese, a
/// down alert there is in Chinese, buttons included, though `SPACEWARDEN_LANG` and
/// the admin's own language are English.
#[tokio::test]
async fn alerts_to_a_group_follow_its_lang() {
    let (rig, mut daemon) = started(Platform::Telegram, up()).await;
    let admin = user(ADMIN, "ops_lead", "en");
    let set = say(&rig, GROUP, &admin, "/lang@spacewarden_bot zh-CN").await;
    assert!(set.text.contains("中文"), "{}", set.text);
    let tg = rig.telegram();
    let before = tg.sent(GROUP).len();
    rig.hub.set_stage("alice/other", "CONFIG_ERROR");
    let alert = tg.wait_for_sent(GROUP, before + 1, WAIT).await[before].clone();
    assert!(alert.text.contains("alice/other"), "{}", alert.text);
    let mut names: Vec<&str> = NAMES.iter().flat_map(|n| n.split([' ', '|'])).collect();
    names.push("CONFIG_ERROR");
    let code = Regex::new(r"(?s)<code>.*?</code>").unwrap();
    let stray = stray_english(&code.replace_all(&alert.raw_text, " "), &names);
    assert!(
        stray.is_empty(),
        "English in the alert: {stray:?}\n{}",
        alert.raw_text
    );
    let buttons = serde_json::to_string(&alert.reply_markup).unwrap();
    assert!(
        !buttons.contains("Restart"),
        "buttons in English: {buttons}"
    );
    daemon.terminate(STOP).await;
}
