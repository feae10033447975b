//! `/help`: the commands this actor may use, from the catalogue, in its language.

use super::catalogue::CATALOGUE;
use super::{Actor, Block, CommandCore, Reply, Severity};
use crate::t;

impl CommandCore {
    pub(super) fn help(&self, actor: &Actor) -> Reply {
        let lang = actor.lang;
        let lines = CATALOGUE
            .iter()
            .filter(|spec| self.access.authorize(actor, spec).is_ok())
            .map(|spec| format!("{}: {}", spec.usage_in(lang), spec.description_in(lang)))
            .collect();
        Reply::new(Severity::Info, t!(lang, "chat-help-title")).block(Block::Code(lines))
    }
}
