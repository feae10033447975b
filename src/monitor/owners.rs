//! Observing one owner's Spaces: one paginated list call, per-Space `/runtime` only
//! for what the list did not cover, and the rules for reporting an owner whose list
//! could not be fetched (DESIGN.md, `check --json`).

use std::collections::HashMap;

use futures_util::{StreamExt, stream};
use secrecy::SecretString;

use super::Monitor;
use crate::domain::{Revision, SpaceId, WatchTarget};
use crate::hub::{HubError, SpaceRuntime, SpaceSummary};

/// Per-Space `/runtime` fallbacks in flight at once for one owner.
const FALLBACK_CONCURRENCY: usize = 4;

/// The watch entries of one owner.
#[derive(Debug, Clone)]
pub struct OwnerGroup {
    pub owner: String,
    pub wildcard: bool,
    pub spaces: Vec<SpaceId>,
}

/// What the Hub said about one Space (or a whole owner), before probing.
pub enum Seen {
    Space {
        space: SpaceId,
        result: Result<SeenSpace, HubError>,
    },
    /// The owner's list failed and none of its Spaces is known.
    Unlisted { owner: String, error: HubError },
}

pub struct SeenSpace {
    pub runtime: SpaceRuntime,
    pub subdomain: Option<String>,
    pub private: Option<bool>,
    /// Only the list says it; the `/runtime` fallback does not.
    pub revision: Option<Revision>,
}

/// Groups watch entries by owner (case-insensitively), keeping the first spelling.
pub fn group_by_owner(targets: &[WatchTarget]) -> Vec<OwnerGroup> {
    let mut groups: Vec<OwnerGroup> = Vec::new();
    for target in targets {
        let owner = target.owner();
        let index = match groups
            .iter()
            .position(|g| g.owner.eq_ignore_ascii_case(owner))
        {
            Some(i) => i,
            None => {
                groups.push(OwnerGroup {
                    owner: owner.to_owned(),
                    wildcard: false,
                    spaces: Vec::new(),
                });
                groups.len() - 1
            }
        };
        let group = &mut groups[index];
        match target {
            WatchTarget::Owner(_) => group.wildcard = true,
            WatchTarget::Space(id) => {
                if !group.spaces.iter().any(|s| s.key() == id.key()) {
                    group.spaces.push(id.clone());
                }
            }
        }
    }
    groups
}

impl Monitor {
    pub(super) async fn observe_owner(&self, group: OwnerGroup) -> Vec<Seen> {
        let token = self.inner.config.token_for(&group.owner);
        let listed = match self.inner.hub.list_spaces(&group.owner, token).await {
            Ok(listed) => listed,
            Err(error) => return self.owner_unlisted(group, error).await,
        };
        let mut by_key: HashMap<String, _> = listed.into_iter().map(|s| (s.id.key(), s)).collect();
        let mut wanted = group.spaces.clone();
        if group.wildcard {
            self.warn_unlisted_blocks(&group.owner, by_key.values().map(|s| s.id.clone()));
            let mut rest: Vec<SpaceId> = by_key
                .values()
                .map(|s| s.id.clone())
                .filter(|id| !wanted.iter().any(|w| w.key() == id.key()))
                .collect();
            rest.sort();
            wanted.extend(rest);
            if wanted.is_empty() {
                tracing::warn!(owner = %group.owner, "{}/* matches no Space visible to its token", group.owner);
            }
        }
        let mut seen = Vec::with_capacity(wanted.len());
        let mut fallbacks = Vec::new();
        for id in wanted {
            match by_key.remove(&id.key()) {
                Some(SpaceSummary {
                    id,
                    subdomain,
                    private,
                    sha,
                    last_modified,
                    runtime: Some(runtime),
                    ..
                }) => seen.push(Seen::Space {
                    space: id,
                    result: Ok(SeenSpace {
                        runtime,
                        subdomain,
                        private,
                        revision: sha.map(|sha| Revision { sha, last_modified }),
                    }),
                }),
                // Not in the list (private and invisible to this token, or missing) or
                // listed without its runtime: ask the Space itself.
                Some(summary) => fallbacks.push((summary.id, summary.subdomain, summary.private)),
                None => fallbacks.push((id, None, None)),
            }
        }
        let fallen: Vec<Seen> = stream::iter(fallbacks)
            .map(|(id, subdomain, private)| self.observe_one(id, subdomain, private, token))
            .buffer_unordered(FALLBACK_CONCURRENCY)
            .collect()
            .await;
        seen.extend(fallen);
        seen
    }

    /// After the first listing of an `owner/*`: a `[spaces."owner/name"]` block for a
    /// Space the list lacks does nothing, and says so once (a typo never silently does
    /// nothing).
    fn warn_unlisted_blocks(&self, owner: &str, listed: impl Iterator<Item = SpaceId>) {
        let first = self
            .inner
            .owners_listed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(owner.to_ascii_lowercase());
        if !first {
            return;
        }
        let listed: Vec<SpaceId> = listed.collect();
        for warning in self.inner.config.blocks_not_listed(owner, &listed) {
            tracing::warn!(owner = %owner, "{warning}");
        }
    }

    async fn observe_one(
        &self,
        id: SpaceId,
        subdomain: Option<String>,
        private: Option<bool>,
        token: Option<&SecretString>,
    ) -> Seen {
        tracing::debug!(space = %id, "not in the owner's list with a runtime; asking /runtime");
        let result = self.inner.hub.runtime(&id, token).await.map(|runtime| {
            let from_domains = runtime.subdomain();
            SeenSpace {
                subdomain: subdomain.or(from_domains),
                private,
                runtime,
                revision: None,
            }
        });
        Seen::Space { space: id, result }
    }

    /// The owner's list failed: its explicit Spaces, and for `owner/*` the Spaces last
    /// seen in the store, are reported with the error; with none known, one
    /// `owner/*` row.
    async fn owner_unlisted(&self, group: OwnerGroup, error: HubError) -> Vec<Seen> {
        tracing::warn!(owner = %group.owner, error = %error, "cannot list the owner's Spaces");
        let mut spaces = group.spaces.clone();
        if group.wildcard {
            match self.inner.store.spaces_of(&group.owner).await {
                Ok(known) => {
                    for id in known {
                        if !spaces.iter().any(|s| s.key() == id.key()) {
                            spaces.push(id);
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(owner = %group.owner, error = %e, "cannot read known Spaces")
                }
            }
        }
        if spaces.is_empty() {
            return vec![Seen::Unlisted {
                owner: group.owner,
                error,
            }];
        }
        spaces
            .into_iter()
            .map(|id| Seen::Space {
                space: id,
                result: Err(error.clone()),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_targets_by_owner_case_insensitively() {
        let targets: Vec<WatchTarget> = ["alice/a", "bob/*", "Alice/b", "alice/*", "alice/A"]
            .iter()
            .map(|t| WatchTarget::parse(t).unwrap())
            .collect();
        let groups = group_by_owner(&targets);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].owner, "alice");
        assert!(groups[0].wildcard);
        assert_eq!(groups[0].spaces.len(), 2);
        assert!(groups[1].wildcard && groups[1].spaces.is_empty());
    }
}
