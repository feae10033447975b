//! Accounts and access: users, tokens (with roles), orgs; resolving an
//! `Authorization` header to a caller; who may read or change a Space
//! (owner, or member of the owning org; writes need a write token); and the
//! whoami body (§3.1).

use serde_json::{Value, json};

use super::render::hex_id;
use super::state::{Space, State};

/// What a token may do. `Read` tokens can see their owner's private Spaces but
/// get 403 on mutations (the reference's "token lacks the scope" case, §2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenRole {
    Read,
    Write,
    Admin,
}

impl TokenRole {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TokenRole::Read => "read",
            TokenRole::Write => "write",
            TokenRole::Admin => "admin",
        }
    }

    pub(crate) fn can_write(self) -> bool {
        !matches!(self, TokenRole::Read)
    }
}

pub(crate) struct User {
    pub name: String,
    pub orgs: Vec<String>,
}

#[derive(Clone)]
pub(crate) struct Token {
    pub user: String,
    pub role: TokenRole,
    pub display_name: String,
}

/// The caller of a request, resolved from its `Authorization` header.
#[derive(Clone)]
pub(crate) enum Caller {
    Anonymous,
    /// A header was sent but names no known token (or is not `Bearer …`).
    Invalid,
    Token(Token),
}

impl State {
    pub fn ensure_user(&mut self, name: &str) {
        self.users.entry(name.to_string()).or_insert_with(|| User {
            name: name.to_string(),
            orgs: Vec::new(),
        });
    }

    pub fn add_token(&mut self, token: &str, user: &str, role: TokenRole) {
        self.ensure_user(user);
        let display_name = format!("{user}-{}", role.as_str());
        self.tokens.insert(
            token.to_string(),
            Token {
                user: user.to_string(),
                role,
                display_name,
            },
        );
    }

    pub fn add_org(&mut self, org: &str, members: &[&str]) {
        for m in members {
            self.ensure_user(m);
            if let Some(u) = self.users.get_mut(*m)
                && !u.orgs.iter().any(|o| o == org)
            {
                u.orgs.push(org.to_string());
            }
        }
        self.orgs.insert(
            org.to_string(),
            members.iter().map(|m| m.to_string()).collect(),
        );
    }

    pub fn caller(&self, authorization: Option<&str>) -> Caller {
        let Some(value) = authorization else {
            return Caller::Anonymous;
        };
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "));
        match token.and_then(|t| self.tokens.get(t.trim())) {
            Some(t) => Caller::Token(t.clone()),
            None => Caller::Invalid,
        }
    }

    /// The owner themself, or a member of the owning org.
    pub fn is_member(&self, token: &Token, owner: &str) -> bool {
        token.user == owner
            || self
                .orgs
                .get(owner)
                .is_some_and(|m| m.contains(&token.user))
    }

    pub fn can_read(&self, caller: &Caller, space: &Space) -> bool {
        if !space.private {
            return true;
        }
        matches!(caller, Caller::Token(t) if self.is_member(t, space.owner()))
    }

    pub fn can_write(&self, caller: &Caller, space: &Space) -> bool {
        matches!(caller, Caller::Token(t) if t.role.can_write() && self.is_member(t, space.owner()))
    }
}

fn account(kind: &str, name: &str) -> Value {
    json!({
        "type": kind,
        "id": hex_id(name, 24),
        "name": name,
        "fullname": name,
        "email": if kind == "user" { Value::from(format!("{name}@example.com")) } else { Value::Null },
        "canPay": false,
        "avatarUrl": format!("/avatars/{}.svg", hex_id(&format!("{name}@avatar"), 32)),
        "periodEnd": Value::Null,
    })
}

/// `GET /api/whoami-v2` body for a classic access token (§3.1).
pub(crate) fn whoami(state: &State, token: &Token) -> Value {
    let mut body = account("user", &token.user);
    let orgs: Vec<Value> = state
        .users
        .get(&token.user)
        .map(|u| u.orgs.iter().map(|o| account("org", o)).collect())
        .unwrap_or_default();
    if let Value::Object(map) = &mut body {
        map.insert("emailVerified".into(), Value::Bool(true));
        map.insert("isPro".into(), Value::Bool(false));
        map.insert("billingMode".into(), Value::from("postpaid"));
        map.insert("orgs".into(), Value::Array(orgs));
        map.insert(
            "auth".into(),
            json!({"type": "access_token", "accessToken": {
                "displayName": token.display_name,
                "role": token.role.as_str(),
                "createdAt": "2025-01-15T09:30:00.000Z",
            }}),
        );
    }
    body
}
