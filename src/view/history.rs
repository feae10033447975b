//! One Space's history: its incidents, actions and checks, newest first for the
//! latest few (chat, its page, the report) or oldest first since a moment (the API).

use chrono::{DateTime, Utc};

use crate::domain::SpaceId;
use crate::monitor::Monitor;
use crate::store::{ActionRow, CheckRow, IncidentRow, StoreError};

/// How much history to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The newest rows of each kind, newest first; a count of 0 reads none.
    Latest {
        incidents: u32,
        actions: u32,
        checks: u32,
    },
    /// Every row since `at`, at most `limit` of each kind, oldest first.
    Since { at: DateTime<Utc>, limit: u32 },
}

impl Reach {
    /// What a Space's page and the report's `data.json` show.
    pub const PAGE: Reach = Reach::Latest {
        incidents: 50,
        actions: 50,
        checks: 30,
    };
}

/// One Space's history.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub incidents: Vec<IncidentRow>,
    pub actions: Vec<ActionRow>,
    pub checks: Vec<CheckRow>,
}

/// The history of `id`, a Space the caller has found watched (`space_detail`), in the
/// Hub's spelling: checks are kept under that label.
pub async fn history(monitor: &Monitor, id: &SpaceId, reach: Reach) -> Result<History, StoreError> {
    let store = monitor.store();
    let label = id.to_string();
    match reach {
        Reach::Latest {
            incidents,
            actions,
            checks,
        } => Ok(History {
            incidents: match incidents {
                0 => Vec::new(),
                n => store.incidents(id, n).await?,
            },
            actions: match actions {
                0 => Vec::new(),
                n => store.actions(id, n).await?,
            },
            checks: match checks {
                0 => Vec::new(),
                n => store.recent_checks(&label, n).await?,
            },
        }),
        Reach::Since { at, limit } => Ok(History {
            checks: store.checks_since(&label, at, limit).await?,
            incidents: store.incidents_since(id, at, limit).await?,
            actions: store.actions_since(id, at, limit).await?,
        }),
    }
}
