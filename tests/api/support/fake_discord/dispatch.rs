//! Turns an `InteractionSpec` into the Interaction object Discord sends in
//! INTERACTION_CREATE, enforcing what a real client could send (see
//! `spec`), and records it so callbacks and webhooks can be checked.
//!
//! The object carries every field serenity 0.12.5's `CommandInteraction` /
//! `ComponentInteraction` require (`channel_id`, `token`, `version`,
//! `locale`, `entitlements`, `attachment_size_limit`, `member.deaf/mute/
//! flags`, ...). Choices: `app_permissions` is a fixed plausible bot set;
//! guild interactions name the guild installation in
//! `authorizing_integration_owners` ({"0": guild}), DMs use {"0": "0"}.

use serde_json::{Value, json};
use tokio::time::Instant;

use super::payloads;
use super::spec::{InteractionSpec, SpecKind};
use super::state::{InteractionRec, State};
use super::types::CommandScope;

const APP_PERMISSIONS: &str = "2248473465835073";

/// Builds the interaction `d` and its record, or says which rule the spec
/// breaks.
pub(super) fn build(
    st: &mut State,
    spec: &InteractionSpec,
    now: Instant,
) -> Result<(Value, InteractionRec), String> {
    let id = st.snowflake();
    let token = format!(
        "aW50ZXJhY3Rpb246{id}OjE2{:032x}",
        u128::from(id).wrapping_mul(0x5851_f42d_4c95_7f2d)
    );
    let user = payloads::user(spec.user_id, &spec.username, false);
    let kind = spec.interaction_type();
    let (data, command_name, source, channel_id) = match &spec.kind {
        SpecKind::Command {
            name,
            options,
            focused,
        } => {
            let data = command_data(st, spec, name, options, focused.as_ref())?;
            (data, Some(name.clone()), None, spec.channel_id)
        }
        SpecKind::Component {
            custom_id,
            component_type,
            values,
            message_id,
        } => {
            let (msg_id, channel) = find_component(st, custom_id, *component_type, *message_id)?;
            let mut data = json!({ "custom_id": custom_id, "component_type": component_type });
            if *component_type != 2 {
                data["values"] = json!(values);
            }
            (data, None, Some(msg_id), channel)
        }
    };
    let guild_id = match (&spec.kind, spec.guild_id) {
        (SpecKind::Component { .. }, Some(_)) => {
            st.channels.get(&channel_id).and_then(|c| c.guild_id)
        }
        (_, g) => g,
    };
    if let Some(g) = guild_id {
        let ok = st
            .channels
            .get(&channel_id)
            .is_some_and(|c| c.guild_id == Some(g));
        if !ok {
            return Err(format!(
                "channel {channel_id} is not a known channel of guild {g} (add_channel first)"
            ));
        }
    }
    let mut d = json!({
        "id": id.to_string(),
        "application_id": st.cfg.application_id.to_string(),
        "type": kind,
        "data": data,
        "channel_id": channel_id.to_string(),
        "token": token,
        "version": 1,
        "app_permissions": APP_PERMISSIONS,
        "locale": spec.locale,
        "entitlements": [],
        "entitlement_sku_ids": [],
        "attachment_size_limit": 10_485_760,
    });
    match guild_id {
        Some(g) => {
            let ch = st
                .channels
                .get(&channel_id)
                .map(payloads::guild_channel)
                .unwrap_or(Value::Null);
            let mut channel = ch;
            channel["permissions"] = json!(spec.permissions);
            d["guild_id"] = json!(g.to_string());
            d["guild"] = json!({ "id": g.to_string(), "locale": "en-US", "features": [] });
            d["guild_locale"] = json!("en-US");
            d["channel"] = channel;
            d["member"] = payloads::member(user.clone(), &spec.roles, Some(&spec.permissions));
            d["authorizing_integration_owners"] = json!({ "0": g.to_string() });
            d["context"] = json!(0);
        }
        None => {
            d["channel"] = json!({
                "id": channel_id.to_string(), "type": 1, "flags": 0,
                "last_message_id": null, "recipients": [user.clone()],
            });
            d["user"] = user.clone();
            d["authorizing_integration_owners"] = json!({ "0": "0" });
            d["context"] = json!(1);
        }
    }
    if let Some(src) = source.and_then(|m| st.message(m)) {
        d["message"] = src.json.clone();
    }
    let rec = InteractionRec {
        id,
        token,
        kind,
        channel_id,
        guild_id,
        user,
        command_name,
        source_message_id: source,
        dispatched_at: now,
        callback: None,
        original_id: None,
        loading: false,
        deferred_flags: 0,
        original_edits: 0,
        followups: Vec::new(),
    };
    Ok((d, rec))
}

fn registered(st: &State, guild: Option<u64>, name: &str) -> Option<(Value, bool)> {
    let find = |scope| {
        st.commands
            .get(&scope)?
            .iter()
            .find(|c| c["name"] == name && c["type"] == 1)
            .cloned()
    };
    guild
        .and_then(|g| find(CommandScope::Guild(g)).map(|c| (c, true)))
        .or_else(|| find(CommandScope::Global).map(|c| (c, false)))
}

fn command_data(
    st: &mut State,
    spec: &InteractionSpec,
    name: &str,
    options: &[(String, Value)],
    focused: Option<&(String, String)>,
) -> Result<Value, String> {
    let reg = registered(st, spec.guild_id, name);
    if reg.is_none() && !spec.allow_unregistered {
        return Err(format!(
            "/{name} is not registered (global or for this guild); Discord cannot send it"
        ));
    }
    let declared: Vec<Value> = reg
        .as_ref()
        .and_then(|(c, _)| c.get("options").and_then(Value::as_array).cloned())
        .unwrap_or_default();
    let decl = |opt: &str| declared.iter().find(|o| o["name"] == opt);
    let mut out = Vec::new();
    for (opt, value) in options {
        let kind = match (decl(opt), &reg) {
            (Some(o), _) => o["type"].as_u64().unwrap_or(3),
            (None, Some(_)) => return Err(format!("/{name} declares no option `{opt}`")),
            (None, None) => infer_type(value),
        };
        out.push(json!({ "name": opt, "type": kind, "value": value }));
    }
    if let Some((opt, partial)) = focused {
        let kind = match (decl(opt), &reg) {
            (Some(o), _) if o["autocomplete"] == true => o["type"].as_u64().unwrap_or(3),
            (Some(_), _) => {
                return Err(format!(
                    "option `{opt}` of /{name} is not registered with autocomplete"
                ));
            }
            (None, Some(_)) => return Err(format!("/{name} declares no option `{opt}`")),
            (None, None) => 3,
        };
        out.retain(|o| o["name"] != opt.as_str());
        out.push(json!({ "name": opt, "type": kind, "value": partial, "focused": true }));
    } else {
        for o in &declared {
            let required = o["required"] == true;
            if required && !options.iter().any(|(n, _)| o["name"] == n.as_str()) {
                let opt = o["name"].as_str().unwrap_or_default();
                return Err(format!("required option `{opt}` of /{name} is missing"));
            }
        }
    }
    let (cmd_id, guild_cmd) = match &reg {
        Some((c, g)) => (c["id"].as_str().unwrap_or_default().to_string(), *g),
        None => (st.snowflake().to_string(), false),
    };
    let mut data = json!({ "id": cmd_id, "name": name, "type": 1 });
    if !out.is_empty() {
        data["options"] = Value::Array(out);
    }
    if let (true, Some(g)) = (guild_cmd, spec.guild_id) {
        data["guild_id"] = json!(g.to_string());
    }
    Ok(data)
}

fn infer_type(v: &Value) -> u64 {
    match v {
        Value::Bool(_) => 5,
        Value::Number(n) if n.is_i64() || n.is_u64() => 4,
        Value::Number(_) => 10,
        _ => 3,
    }
}

/// The message carrying an enabled component `custom_id` of the given type.
fn find_component(
    st: &State,
    custom_id: &str,
    component_type: u8,
    message_id: Option<u64>,
) -> Result<(u64, u64), String> {
    let carries = |m: &Value| {
        m["components"].as_array().into_iter().flatten().any(|row| {
            row["components"].as_array().into_iter().flatten().any(|c| {
                c["custom_id"] == custom_id && c["type"] == component_type && c["disabled"] != true
            })
        })
    };
    let found = match message_id {
        Some(id) => st.message(id).filter(|m| carries(&m.json)),
        None => st.messages.iter().rev().find(|m| carries(&m.json)),
    };
    found.map(|m| (m.id, m.channel_id)).ok_or_else(|| {
        format!(
            "no stored message carries an enabled component `{custom_id}` (type {component_type})"
        )
    })
}
