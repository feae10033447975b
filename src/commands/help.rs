//! `/help`: the commands this actor may use, from the catalogue.

use super::catalogue::CATALOGUE;
use super::{Actor, Block, CommandCore, Reply, Severity};

impl CommandCore {
    pub(super) fn help(&self, actor: &Actor) -> Reply {
        let lines = CATALOGUE
            .iter()
            .filter(|spec| self.access.authorize(actor, spec).is_ok())
            .map(|spec| format!("{}: {}", spec.usage(), spec.description))
            .collect();
        Reply::new(Severity::Info, "spacewarden commands").block(Block::Code(lines))
    }
}
