//! What a test asks Discord to send: `InteractionSpec` builders for a slash
//! command, an autocomplete request and a component press, with the
//! invoking user, place and permissions.
//!
//! Like Discord's client, the fake only sends what a user could produce:
//! a command must be registered (guild scope first, then global) unless the
//! spec says `.unregistered()`; options must be declared (their type comes
//! from the registration); required options must be present; autocomplete
//! needs `autocomplete: true` on the focused option; a button press needs a
//! stored message carrying an enabled button with that `custom_id`.
//! Breaking one of these panics in the test, naming the rule.

use serde_json::Value;

use super::types::{DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, DEFAULT_USER_ID};

#[derive(Clone, Debug)]
pub(super) enum SpecKind {
    Command {
        name: String,
        options: Vec<(String, Value)>,
        focused: Option<(String, String)>,
    },
    Component {
        custom_id: String,
        /// 2 button, 3 string select.
        component_type: u8,
        values: Vec<String>,
        message_id: Option<u64>,
    },
}

/// An interaction to dispatch; see the module doc for what is checked.
#[derive(Clone, Debug)]
pub struct InteractionSpec {
    pub(super) kind: SpecKind,
    pub(super) user_id: u64,
    pub(super) username: String,
    /// `None` for a DM.
    pub(super) guild_id: Option<u64>,
    pub(super) channel_id: u64,
    pub(super) permissions: String,
    pub(super) roles: Vec<u64>,
    pub(super) locale: String,
    pub(super) allow_unregistered: bool,
}

/// Permissions of a plain member (Discord's default @everyone set).
pub const MEMBER_PERMISSIONS: &str = "2222085186637376";
/// Every permission bit, as Discord computes it for an administrator.
pub const ADMIN_PERMISSIONS: &str = "4503599627370495";

impl InteractionSpec {
    fn new(kind: SpecKind) -> InteractionSpec {
        InteractionSpec {
            kind,
            user_id: DEFAULT_USER_ID,
            username: "alice".to_string(),
            guild_id: Some(DEFAULT_GUILD_ID),
            channel_id: DEFAULT_CHANNEL_ID,
            permissions: MEMBER_PERMISSIONS.to_string(),
            roles: Vec::new(),
            locale: "en-US".to_string(),
            allow_unregistered: false,
        }
    }

    /// `/name` (APPLICATION_COMMAND, type 2).
    pub fn slash(name: &str) -> InteractionSpec {
        InteractionSpec::new(SpecKind::Command {
            name: name.to_string(),
            options: Vec::new(),
            focused: None,
        })
    }

    /// Autocomplete (type 4) of `option` of `/name` while the user has typed
    /// `partial`.
    pub fn autocomplete(name: &str, option: &str, partial: &str) -> InteractionSpec {
        InteractionSpec::slash(name).focused(option, partial)
    }

    /// A button press (MESSAGE_COMPONENT, type 3).
    pub fn button(custom_id: &str) -> InteractionSpec {
        InteractionSpec::new(SpecKind::Component {
            custom_id: custom_id.to_string(),
            component_type: 2,
            values: Vec::new(),
            message_id: None,
        })
    }

    /// A choice in a string select menu.
    pub fn select(custom_id: &str, values: &[&str]) -> InteractionSpec {
        InteractionSpec::new(SpecKind::Component {
            custom_id: custom_id.to_string(),
            component_type: 3,
            values: values.iter().map(|v| v.to_string()).collect(),
            message_id: None,
        })
    }

    /// An option value (string, integer, bool or number).
    pub fn option(mut self, name: &str, value: impl Into<Value>) -> InteractionSpec {
        if let SpecKind::Command { options, .. } = &mut self.kind {
            options.push((name.to_string(), value.into()));
        }
        self
    }

    /// Makes the command an autocomplete request focused on `name`.
    pub fn focused(mut self, name: &str, partial: &str) -> InteractionSpec {
        if let SpecKind::Command { focused, .. } = &mut self.kind {
            *focused = Some((name.to_string(), partial.to_string()));
        }
        self
    }

    /// The message whose component is pressed (default: the newest stored
    /// message carrying that `custom_id`).
    pub fn on_message(mut self, id: u64) -> InteractionSpec {
        if let SpecKind::Component { message_id, .. } = &mut self.kind {
            *message_id = Some(id);
        }
        self
    }

    pub fn user(mut self, id: u64, username: &str) -> InteractionSpec {
        self.user_id = id;
        self.username = username.to_string();
        self
    }

    pub fn in_guild(mut self, guild_id: u64, channel_id: u64) -> InteractionSpec {
        self.guild_id = Some(guild_id);
        self.channel_id = channel_id;
        self
    }

    /// A DM with the bot: no guild, `user` instead of `member`.
    pub fn in_dm(mut self, dm_channel_id: u64) -> InteractionSpec {
        self.guild_id = None;
        self.channel_id = dm_channel_id;
        self
    }

    /// The member's computed permissions (decimal string).
    pub fn permissions(mut self, permissions: &str) -> InteractionSpec {
        self.permissions = permissions.to_string();
        self
    }

    pub fn roles(mut self, roles: &[u64]) -> InteractionSpec {
        self.roles = roles.to_vec();
        self
    }

    pub fn locale(mut self, locale: &str) -> InteractionSpec {
        self.locale = locale.to_string();
        self
    }

    /// Sends a command even though the bot never registered it.
    pub fn unregistered(mut self) -> InteractionSpec {
        self.allow_unregistered = true;
        self
    }

    /// 2, 3 or 4.
    pub(super) fn interaction_type(&self) -> u8 {
        match &self.kind {
            SpecKind::Command {
                focused: Some(_), ..
            } => 4,
            SpecKind::Command { .. } => 2,
            SpecKind::Component { .. } => 3,
        }
    }
}
