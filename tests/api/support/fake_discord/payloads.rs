//! Discord's JSON objects as the API sends them: users, the application,
//! members, channels, messages, READY and GUILD_CREATE. Each carries every
//! field serenity 0.12.5 requires to deserialize (checked against its model
//! source: `Message.tts`, `Member.deaf/mute/flags`, `Role.colors`, ...) plus
//! the common optional ones Discord sends, so a client that parses the real
//! API parses these.

use serde_json::{Value, json};

use super::state::{Channel, Guild, State};
use super::types::{INTENT_GUILD_MEMBERS, INTENT_GUILD_PRESENCES, INTENT_MESSAGE_CONTENT};

/// Discord's timestamp format: microseconds and an explicit `+00:00`.
pub(super) fn timestamp() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.6f+00:00")
        .to_string()
}

/// A user object. Humans have migrated usernames (discriminator "0" and a
/// display name); the bot keeps a four-digit discriminator, as bots do.
pub(super) fn user(id: u64, username: &str, bot: bool) -> Value {
    let mut u = json!({
        "id": id.to_string(),
        "username": username,
        "discriminator": if bot { "4242" } else { "0" },
        "global_name": if bot { Value::Null } else { json!(username) },
        "avatar": null,
        "avatar_decoration_data": null,
        "banner": null,
        "accent_color": null,
        "collectibles": null,
        "primary_guild": null,
        "public_flags": 0,
        "flags": 0,
    });
    if bot {
        u["bot"] = json!(true);
    }
    u
}

pub(super) fn bot_user(st: &State) -> Value {
    user(st.cfg.bot_user_id, &st.cfg.bot_username, true)
}

/// `GET /users/@me` and READY's `user`: the bot's user with account fields.
pub(super) fn current_user(st: &State) -> Value {
    let mut u = bot_user(st);
    u["verified"] = json!(true);
    u["mfa_enabled"] = json!(false);
    u["email"] = Value::Null;
    u["locale"] = json!("en-US");
    u["premium_type"] = json!(0);
    u["bio"] = json!("");
    u
}

/// Application flags: the "limited" privileged-intent flags an unverified
/// bot has once the intent is enabled in the portal.
pub(super) fn application_flags(st: &State) -> u64 {
    let mut flags = 0;
    if st.enabled_intents & INTENT_GUILD_PRESENCES != 0 {
        flags |= 1 << 13;
    }
    if st.enabled_intents & INTENT_GUILD_MEMBERS != 0 {
        flags |= 1 << 15;
    }
    if st.enabled_intents & INTENT_MESSAGE_CONTENT != 0 {
        flags |= 1 << 19;
    }
    if !st.commands.is_empty() {
        flags |= 1 << 23; // APPLICATION_COMMAND_BADGE
    }
    flags
}

/// `GET /oauth2/applications/@me`.
pub(super) fn application(st: &State) -> Value {
    let id = st.cfg.application_id;
    json!({
        "id": id.to_string(),
        "name": st.cfg.bot_username,
        "icon": null,
        "description": "",
        "summary": "",
        "type": null,
        "hook": true,
        "is_monetized": false,
        "is_verified": false,
        "is_discoverable": false,
        "bot_public": false,
        "bot_require_code_grant": false,
        "verify_key": format!("{:064x}", u128::from(id) * 0x9e37_79b9),
        "flags": application_flags(st),
        "rpc_origins": [],
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "role_connections_verification_url": null,
        "owner": user(st.cfg.owner_id, "owner", false),
        "team": null,
        "bot": bot_user(st),
        "approximate_guild_count": st.guilds.len(),
        "approximate_user_install_count": 0,
        "integration_types_config": {"0": {}},
        "explicit_content_filter": 0,
        "storefront_available": false,
    })
}

pub(super) fn member(user: Value, roles: &[u64], permissions: Option<&str>) -> Value {
    let mut m = json!({
        "user": user,
        "roles": roles.iter().map(u64::to_string).collect::<Vec<_>>(),
        "nick": null,
        "avatar": null,
        "banner": null,
        "joined_at": "2024-03-01T09:30:00.000000+00:00",
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "communication_disabled_until": null,
        "unusual_dm_activity_until": null,
    });
    if let Some(p) = permissions {
        m["permissions"] = json!(p);
    }
    m
}

/// A guild text channel (type 0) as in GUILD_CREATE and `/channels/{id}`.
pub(super) fn guild_channel(ch: &Channel) -> Value {
    json!({
        "id": ch.id.to_string(),
        "type": 0,
        "guild_id": ch.guild_id.map(|g| g.to_string()),
        "name": ch.name,
        "position": 0,
        "flags": 0,
        "parent_id": null,
        "topic": null,
        "nsfw": false,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "permission_overwrites": [],
    })
}

pub(super) fn ready(st: &State, session_id: &str, shard: Option<Value>, resume_url: &str) -> Value {
    let guilds: Vec<Value> = st
        .guilds
        .iter()
        .map(|g| json!({ "id": g.id.to_string(), "unavailable": true }))
        .collect();
    let mut d = json!({
        "v": 10,
        "user_settings": {},
        "user": current_user(st),
        "session_type": "normal",
        "session_id": session_id,
        "resume_gateway_url": resume_url,
        "relationships": [],
        "private_channels": [],
        "presences": [],
        "guilds": guilds,
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": ["us-east", "us-central", "atlanta", "us-south", "newark"],
        "auth": {},
        "application": { "id": st.cfg.application_id.to_string(), "flags": application_flags(st) },
        "_trace": [trace()],
    });
    if let Some(shard) = shard {
        d["shard"] = shard;
    }
    d
}

pub(super) fn trace() -> String {
    r#"["gateway-prd-us-east1-b-0568",{"micros":104262,"calls":["id_created",{"micros":682}]}]"#
        .to_string()
}

/// The everyone role: its id is the guild id; default permissions.
fn everyone_role(guild_id: u64) -> Value {
    json!({
        "id": guild_id.to_string(),
        "name": "@everyone",
        "description": null,
        "color": 0,
        "colors": { "primary_color": 0, "secondary_color": null, "tertiary_color": null },
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": 0,
        "permissions": "2222085186637376",
        "managed": false,
        "mentionable": false,
        "flags": 0,
    })
}

pub(super) fn guild_create(st: &State, g: &Guild) -> Value {
    let mut channels: Vec<&Channel> = st
        .channels
        .values()
        .filter(|c| c.guild_id == Some(g.id))
        .collect();
    channels.sort_by_key(|c| c.id);
    let bot = member(bot_user(st), &[], None);
    // Two literals: one would exceed `json!`'s macro recursion limit.
    let mut d = json!({
        "id": g.id.to_string(),
        "name": g.name,
        "icon": null, "icon_hash": null, "splash": null, "discovery_splash": null, "banner": null,
        "description": null,
        "owner_id": st.cfg.owner_id.to_string(),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "widget_enabled": false,
        "widget_channel_id": null,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "roles": [everyone_role(g.id)],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": channels.first().map(|c| c.id.to_string()),
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "public_updates_channel_id": null,
        "safety_alerts_channel_id": null,
        "max_presences": null,
        "max_members": 500000,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "vanity_url_code": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": false,
        "preferred_locale": "en-US",
        "nsfw_level": 0,
        "nsfw": false,
        "incidents_data": null,
    });
    let gateway_fields = json!({
        "joined_at": "2024-03-01T09:30:00.000000+00:00",
        "large": false,
        "lazy": true,
        "unavailable": false,
        "member_count": 2,
        "voice_states": [],
        "members": [bot],
        "channels": channels.iter().map(|c| guild_channel(c)).collect::<Vec<_>>(),
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "embedded_activities": [],
        "activity_instances": [],
    });
    if let (Some(d), Value::Object(extra)) = (d.as_object_mut(), gateway_fields) {
        d.extend(extra);
    }
    d
}
