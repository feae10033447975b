//! The words of an `actions` row, typed: what was done (`ActionKind`), why
//! (`ActionTrigger`), by whom (`ActionActor`) and how far it got (`ActionState`). Each
//! has one text form, the one stored in the database and shown in the API and on the
//! page, so rows written by any version read unchanged.
//!
//! Each also keeps a word it does not know as `Other`: replicas of two versions share
//! one Postgres during an upgrade, and a row another version wrote must still be
//! listed (and never be resumed as something it is not).

use std::fmt;

use super::RepairStep;

/// An enum of stored words with an `Other` for the unknown ones: `as_str` and `parse`
/// are one table, so the two directions cannot drift apart.
macro_rules! stored_words {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A word this version does not know, kept as it was stored.
            Other(String),
        }

        impl $name {
            /// The stored text form.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(text) => text,
                }
            }

            /// Reads a stored word; never fails (see `Other`).
            pub fn parse(text: &str) -> $name {
                match text {
                    $($text => $name::$variant,)+
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        text_form!($name);
    };
}

/// `Display` as the text form, reading from text (`parse`), and comparison with text
/// (what a reader of the rows, such as a test, holds).
macro_rules! text_form {
    ($name:ident) => {
        impl From<&str> for $name {
            fn from(text: &str) -> $name {
                $name::parse(text)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}

stored_words! {
    /// What an action does to a Space.
    ActionKind {
        Restart => "restart",
        /// A factory rebuild.
        Rebuild => "rebuild",
        Wake => "wake",
        Pause => "pause",
        /// A change of the Space's sleep time.
        SleepTime => "sleeptime",
    }
}

stored_words! {
    /// Why an action was taken.
    ActionTrigger {
        /// spacewarden's own decision (the repair ladder, keep-alive).
        Auto => "auto",
        /// Someone asked (chat, the API, the page, the CLI).
        Manual => "manual",
        /// An awake window's edge.
        Schedule => "schedule",
    }
}

stored_words! {
    /// How far an action got: recorded before the Hub is called, accepted by the Hub,
    /// completed with a result.
    ActionState {
        Pending => "pending",
        Called => "called",
        Done => "done",
    }
}

impl ActionKind {
    /// The rung of the repair ladder this action is, if it is one.
    pub fn repair_step(&self) -> Option<RepairStep> {
        match self {
            ActionKind::Restart => Some(RepairStep::Restart),
            ActionKind::Rebuild => Some(RepairStep::FactoryRebuild),
            _ => None,
        }
    }
}

impl From<RepairStep> for ActionKind {
    fn from(step: RepairStep) -> ActionKind {
        match step {
            RepairStep::Restart => ActionKind::Restart,
            RepairStep::FactoryRebuild => ActionKind::Rebuild,
        }
    }
}

/// Where a person asked from, for an actor that carries a user id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Via {
    Telegram,
    Discord,
    /// The status page, as a signed-in user.
    Web,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Telegram => "telegram",
            Via::Discord => "discord",
            Via::Web => "web",
        }
    }

    fn parse(text: &str) -> Option<Via> {
        [Via::Telegram, Via::Discord, Via::Web]
            .into_iter()
            .find(|via| via.as_str() == text)
    }
}

/// Who took an action. Stored as `spacewarden`, `schedule`, `api`, `cli`, or
/// `<via>:<user>` for a person (`telegram:42`, `discord:7`, `web:alice`): a numeric
/// platform id for chats, the signed-in name for the page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ActionActor {
    /// spacewarden by itself (the repair ladder, keep-alive).
    Warden,
    /// The awake windows.
    Schedule,
    /// The JSON API (one actor: the key).
    Api,
    /// The command line on the host.
    Cli,
    Person(Person),
    /// A form this version does not know, kept as it was stored.
    Other(String),
}

/// A person who asked, as `<via>:<user>`: the text form is built once, on creation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Person {
    via: Via,
    text: String,
}

impl Person {
    pub fn new(via: Via, user: &str) -> Person {
        Person {
            via,
            text: format!("{}:{user}", via.as_str()),
        }
    }

    pub fn via(&self) -> Via {
        self.via
    }

    /// The platform's user id (a number for chats), or the page's user name.
    pub fn user(&self) -> &str {
        &self.text[self.via.as_str().len() + 1..]
    }
}

impl ActionActor {
    /// The stored text form.
    pub fn as_str(&self) -> &str {
        match self {
            ActionActor::Warden => "spacewarden",
            ActionActor::Schedule => "schedule",
            ActionActor::Api => "api",
            ActionActor::Cli => "cli",
            ActionActor::Person(person) => &person.text,
            ActionActor::Other(text) => text,
        }
    }

    /// Reads a stored actor; never fails (see `Other`).
    pub fn parse(text: &str) -> ActionActor {
        match text {
            "spacewarden" => ActionActor::Warden,
            "schedule" => ActionActor::Schedule,
            "api" => ActionActor::Api,
            "cli" => ActionActor::Cli,
            _ => {
                let person = text
                    .split_once(':')
                    .and_then(|(via, user)| Some((Via::parse(via)?, user)));
                match person {
                    Some((via, user)) => ActionActor::Person(Person::new(via, user)),
                    None => ActionActor::Other(text.to_owned()),
                }
            }
        }
    }
}

text_form!(ActionActor);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_reads_back_as_it_was_stored() {
        for text in ["restart", "rebuild", "wake", "pause", "sleeptime", "reboot"] {
            assert_eq!(ActionKind::parse(text).as_str(), text);
        }
        for text in ["auto", "manual", "schedule", "keepalive"] {
            assert_eq!(ActionTrigger::parse(text).as_str(), text);
        }
        for text in ["pending", "called", "done", "paused"] {
            assert_eq!(ActionState::parse(text).as_str(), text);
        }
        let actors = [
            "spacewarden",
            "schedule",
            "api",
            "cli",
            "telegram:42",
            "discord:7",
            "web:alice",
            "web:",
            "slack:U1",
            "someone",
        ];
        for text in actors {
            assert_eq!(ActionActor::parse(text).as_str(), text);
        }
    }

    #[test]
    fn known_words_are_their_variants_and_others_are_kept() {
        assert_eq!(ActionKind::parse("rebuild"), ActionKind::Rebuild);
        assert_eq!(
            ActionKind::parse("reboot"),
            ActionKind::Other("reboot".into())
        );
        assert_eq!(ActionKind::parse("reboot").repair_step(), None);
        assert_eq!(
            ActionKind::from(RepairStep::FactoryRebuild).repair_step(),
            Some(RepairStep::FactoryRebuild)
        );
        let ActionActor::Person(person) = ActionActor::parse("telegram:42") else {
            panic!("telegram:42 is a person");
        };
        assert_eq!((person.via(), person.user()), (Via::Telegram, "42"));
        assert_eq!(
            ActionActor::parse("slack:U1"),
            ActionActor::Other("slack:U1".into())
        );
        assert_eq!(ActionState::Done, "done");
    }
}
