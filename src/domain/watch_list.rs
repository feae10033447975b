//! The watch list with the question every loop over the stored Spaces asks of it ("is
//! this one watched?") answered in constant time. With 10,000 Spaces named one by one
//! (`SPACES=a/b,c/d,…`), a scan of the list per Space made each page request, cost
//! reckoning, keep-alive pass and memory sweep quadratic: 50 million comparisons, each
//! lowercasing two ids. The index is built with the list and changed only with it.

use std::collections::HashSet;
use std::ops::Deref;

use super::{SpaceId, WatchTarget};

/// The watch targets in their order, and the lowercased Space keys and owners they name.
#[derive(Debug, Clone, Default)]
pub struct WatchList {
    targets: Vec<WatchTarget>,
    spaces: HashSet<String>,
    owners: HashSet<String>,
}

impl WatchList {
    pub fn new(targets: Vec<WatchTarget>) -> WatchList {
        let mut list = WatchList::default();
        for target in targets {
            list.push(target);
        }
        list
    }

    /// Adds a target at the end (a one-shot's Space that is not on the list).
    pub fn push(&mut self, target: WatchTarget) {
        match &target {
            WatchTarget::Space(id) => self.spaces.insert(id.key()),
            WatchTarget::Owner(owner) => self.owners.insert(owner.to_ascii_lowercase()),
        };
        self.targets.push(target);
    }

    /// Whether a target covers `id` (as `WatchTarget::matches`: case-insensitive).
    pub fn watches(&self, id: &SpaceId) -> bool {
        self.owners.contains(&id.owner().to_ascii_lowercase()) || self.spaces.contains(&id.key())
    }

    /// Whether `key` (`SpaceId::key`) is named as a Space of its own.
    pub fn names(&self, key: &str) -> bool {
        self.spaces.contains(key)
    }
}

/// Two lists are equal when their targets are (the index follows from them).
impl PartialEq for WatchList {
    fn eq(&self, other: &WatchList) -> bool {
        self.targets == other.targets
    }
}

impl Deref for WatchList {
    type Target = [WatchTarget];

    fn deref(&self) -> &[WatchTarget] {
        &self.targets
    }
}

impl<'a> IntoIterator for &'a WatchList {
    type Item = &'a WatchTarget;
    type IntoIter = std::slice::Iter<'a, WatchTarget>;

    fn into_iter(self) -> Self::IntoIter {
        self.targets.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index answers as a scan of the targets would, for listed and unlisted
    /// Spaces, owners and other spellings, before and after a push.
    #[test]
    fn the_index_answers_as_the_targets_do() {
        let parse = |t: &str| WatchTarget::parse(t).expect("a target");
        let mut list = WatchList::new(["alice/*", "Bob/API", "carol/one"].map(parse).to_vec());
        let ids = [
            "alice/x",
            "ALICE/y",
            "bob/api",
            "bob/other",
            "carol/one",
            "Carol/ONE",
            "dave/z",
        ]
        .map(|id| SpaceId::parse(id).expect("an id"));
        let scan = |list: &WatchList, id: &SpaceId| list.iter().any(|t| t.matches(id));
        for id in &ids {
            assert_eq!(list.watches(id), scan(&list, id), "{id}");
        }
        assert!(!list.watches(&ids[6]));
        list.push(parse("DAVE/z"));
        assert!(list.watches(&ids[6]) && scan(&list, &ids[6]));
        assert_eq!(list.len(), 4);
        assert!(list.names("bob/api") && !list.names("alice/x"));
    }
}
