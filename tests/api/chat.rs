//! What holds on every chat platform, each test run on Telegram and on Discord
//! through one harness (`support::chat`): `spacewarden run` against the platform's
//! fake and the fake Hub; what a user sees, what the Hub was asked, what was audited,
//! what reached the alert chat. What differs by design (Telegram's HTML, Discord's
//! deferred and ephemeral answers and its 3-second deadline) is asserted per platform
//! inside the same test; the platform-only features stay in `telegram.rs` and
//! `discord.rs`.

use std::time::Duration;

use crate::support::chat::{Chat, Platform, WAIT, Who, on_both};
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::process::{all_sent, outbox_until, queued_and_tried};

const STOP: Duration = Duration::from_secs(10);

on_both!(admin_restart_is_answered_then_edited_with_the_outcome);
async fn admin_restart_is_answered_then_edited_with_the_outcome(platform: Platform) {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let chat = Chat::new(platform, hub).await;
    let mut daemon = chat.start("alice/app").await;
    let answer = chat.ask(Who::Admin, "/restart alice/app").await;
    match platform {
        Platform::Telegram => {
            assert!(
                answer.text.contains("Restarting alice/app…"),
                "{}",
                answer.text
            );
            let sent = answer.telegram.as_ref().unwrap();
            assert_eq!(sent.parse_mode.as_deref(), Some("HTML"));
        }
        Platform::Discord => {
            assert!(answer.deferred, "deferred");
            // Discord drops an interaction not answered within 3 seconds.
            assert!(answer.discord.as_ref().unwrap().after < Duration::from_secs(3));
        }
    }
    chat.wait_text(&answer, "alice/app is back after the restart")
        .await;
    assert_eq!(
        chat.hub.restarts("alice/app"),
        [false],
        "exactly one restart"
    );
    let store = chat.app.store().await;
    let audit = store.audit_log(10).await.unwrap();
    assert!(
        audit.iter().any(|a| a.command == "/restart alice/app"
            && a.allowed
            && a.user_id == chat.user_id(Who::Admin)),
        "{audit:?}"
    );
    let space = spacewarden::domain::SpaceId::parse("alice/app").unwrap();
    let actions = store.actions(&space, 5).await.unwrap();
    assert_eq!(actions[0].actor, chat.actor(Who::Admin));
    daemon.terminate(STOP).await;
}

on_both!(non_admins_are_refused_and_audited);
async fn non_admins_are_refused_and_audited(platform: Platform) {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let chat = Chat::new(platform, hub).await;
    let mut daemon = chat.start("alice/app").await;
    // A member of the allowed group or channel: may read, may not act.
    let member = chat.ask(Who::Member, "/restart alice/app").await;
    assert!(
        member.text.contains("Only admins can do that."),
        "{member:?}"
    );
    // One with the admin's username (on Discord also the administrator permission):
    // ids decide, not names, roles or permissions.
    for command in ["/restart alice/app", "/rebuild alice/app"] {
        let forged = chat.ask(Who::Impostor, command).await;
        assert!(
            forged.text.contains(chat.refusal(Who::Impostor)),
            "{forged:?}"
        );
        if platform == Platform::Discord {
            assert_eq!(forged.discord.as_ref().unwrap().kind, 4);
            assert!(forged.private, "a refusal is ephemeral");
        }
    }
    // The member can read, in the open.
    let read = chat.ask(Who::Member, "/status").await;
    assert!(
        read.text.contains("1 Space:") || read.text.contains("No Space checked yet"),
        "{read:?}"
    );
    assert!(!read.private);
    // Refusals are decided before anything is called: the answers above came after.
    assert_eq!(chat.hub.count("POST", "/restart"), 0, "no Hub call");
    let audit = chat.app.store().await.audit_log(20).await.unwrap();
    let refused: Vec<_> = audit.iter().filter(|a| !a.allowed).collect();
    assert_eq!(refused.len(), 3, "{audit:?}");
    let impostor = chat.user_id(Who::Impostor);
    for command in ["/restart alice/app", "/rebuild alice/app"] {
        assert!(
            refused.iter().any(|a| a.platform == platform.name()
                && a.user_id == impostor
                && a.command == command),
            "{command} in {audit:?}"
        );
    }
    daemon.terminate(STOP).await;
}

on_both!(status_with_a_thousand_spaces_stays_within_the_platform_s_limits);
async fn status_with_a_thousand_spaces_stays_within_the_platform_s_limits(platform: Platform) {
    // Outside text that each platform's markup would take for its own.
    let hostile = match platform {
        Platform::Telegram => "Invalid README front matter: <b>sdk</b> & co",
        Platform::Discord => "Invalid README front matter: **sdk** & `co` @everyone",
    };
    let hub = FakeHub::start().await;
    for i in 0..1000 {
        let mut spec = SpaceSpec::new(&format!("alice/space-{i:04}"));
        if i % 16 == 0 {
            spec = spec.stage("CONFIG_ERROR").error_message(hostile);
        }
        hub.add_space(spec);
    }
    let chat = Chat::new(platform, hub).await;
    let mut daemon = chat.start("alice/*").await;
    daemon.wait_for("check cycle done spaces=1000", WAIT).await;
    let first = chat.ask(Who::Admin, "/status").await;
    let text = &first.text;
    assert!(text.contains("1000 Spaces: 937 up"), "{text}");
    assert!(text.contains("Problems page 1 of 3"), "{text}");
    assert!(
        !text.contains("space-0001"),
        "up Spaces are summarised, not listed: {text}"
    );
    match platform {
        Platform::Telegram => {
            assert!(text.contains("937 more up"), "{text}");
            assert!(
                text.contains("<b>sdk</b> & co"),
                "outside text shown literally: {text}"
            );
        }
        Platform::Discord => {
            let callback = first.discord.as_ref().unwrap();
            assert_eq!(callback.kind, 4);
            assert!(callback.after < Duration::from_secs(3));
        }
    }
    chat.assert_within_limits(&first);
    let page = chat.press(Who::Admin, &first, "Next ▶").await;
    assert!(page.text.contains("Problems page 2 of 3"), "{page:?}");
    if platform == Platform::Discord {
        assert_eq!(
            page.discord.as_ref().unwrap().kind,
            7,
            "the message updated"
        );
    }
    chat.assert_within_limits(&page);
    // Every message the bot sent anywhere (alerts included) was accepted by the fake,
    // which checks the markup and the limits as the platform does.
    chat.assert_all_accepted();
    daemon.terminate(STOP).await;
}

on_both!(alerts_survive_an_outage_and_arrive_once_in_order);
async fn alerts_survive_an_outage_and_arrive_once_in_order(platform: Platform) {
    let hub = FakeHub::start().await;
    hub.add_space(
        SpaceSpec::new("alice/one")
            .stage("CONFIG_ERROR")
            .error_message("first"),
    )
    .add_space(SpaceSpec::new("alice/two"));
    let chat = Chat::new(platform, hub).await;
    chat.break_alerts(true);
    let mut daemon = chat.start("alice/one,alice/two").await;
    daemon.wait_for("check cycle done", WAIT).await;
    chat.hub.set_stage("alice/two", "CONFIG_ERROR");
    chat.hub.set_error_message("alice/two", Some("second"));
    let destination = chat.destination();
    let store = chat.app.store().await;
    let tried = outbox_until(&store, &destination, WAIT, queued_and_tried(2)).await;
    assert!(tried, "{}", daemon.output());
    assert!(chat.alerts().is_empty());
    chat.break_alerts(false);
    let long = Duration::from_secs(45);
    assert!(chat.wait_alerts(2, long).await, "{}", daemon.output());
    assert!(outbox_until(&store, &destination, long, all_sent(2)).await);
    let sent = chat.alerts();
    assert_eq!(sent.len(), 2, "once each: {sent:?}");
    assert!(sent[0].text.contains("alice/one") && sent[0].text.contains("first"));
    assert!(sent[1].text.contains("alice/two") && sent[1].text.contains("second"));
    assert!(sent[0].loud, "a down alert notifies");
    // The alert about one broken Space carries the repair buttons.
    for label in ["Restart", "Rebuild", "Mute 1h", "Logs"] {
        assert!(
            sent[0].buttons.iter().any(|b| b == label),
            "{label} in {sent:?}"
        );
    }
    if platform == Platform::Discord {
        let embed = &sent[0].discord.as_ref().unwrap()["embeds"][0];
        assert_eq!(embed["color"], 0xE74C3C, "red for down");
    }
    daemon.terminate(STOP).await;
}

on_both!(the_bot_token_never_appears_at_trace_level);
async fn the_bot_token_never_appears_at_trace_level(platform: Platform) {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/one").stage("CONFIG_ERROR"));
    let chat = Chat::new(platform, hub).await;
    let app = chat.app_with("alice/one").env("RUST_LOG", "trace");
    let mut daemon = app.spawn(&["run"]);
    chat.ready(&daemon).await;
    assert!(chat.wait_alerts(1, WAIT).await, "{}", daemon.output());
    chat.ask(Who::Admin, "/status").await;
    daemon.terminate(STOP).await;
    let output = daemon.output();
    assert!(output.contains("DEBUG"), "verbose logging is on");
    let (token, secret) = chat.token();
    for needle in [token, secret] {
        assert!(!output.contains(needle), "token leaked");
    }
    let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
    let decimal = secret
        .bytes()
        .map(|b| b.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    assert!(
        !output.contains(&hex) && !output.contains(&decimal),
        "token leaked as bytes"
    );
}
