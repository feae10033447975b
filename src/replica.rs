//! Replicas (DESIGN.md "Replicas on Postgres"): which role this process plays. On
//! SQLite it is alone and acts (`Role::Single`). On Postgres it campaigns: the replica
//! that holds the session advisory lock leads (runs the scheduler, repairs,
//! housekeeping, keep-alive, delivery and the bots); the others follow (serve the
//! page, the API, health and metrics from the shared database, and hand mutating
//! requests to the leader as request rows).
//!
//! Leadership is given up the moment it is in doubt: the dedicated connection drops,
//! or a heartbeat fails or finds another epoch. The fence is cleared first, so no
//! action or alert is written after that, and the leader's parts are then stopped.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::clock::{Clock, SystemClock};
use crate::store::{Fence, Leadership, Store, StoreError};

/// How often a follower tries the lock, and a leader writes its heartbeat.
const CAMPAIGN_EVERY: Duration = Duration::from_secs(1);
const HEARTBEAT_EVERY: Duration = Duration::from_secs(2);
/// A heartbeat that takes longer than this counts as failed.
const HEARTBEAT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The only process (SQLite): acts, no fence.
    Single,
    /// Holds the lock under this epoch.
    Leader {
        epoch: i64,
    },
    Follower,
}

impl Role {
    pub fn acts(self) -> bool {
        !matches!(self, Role::Follower)
    }

    /// What `/readyz` and the page call it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Single | Role::Leader { .. } => "leader",
            Role::Follower => "follower",
        }
    }
}

/// This process's role, shared by the parts that depend on it; cheap to clone.
#[derive(Debug, Clone)]
pub struct Replica {
    role: watch::Sender<Role>,
    fence: Arc<Fence>,
    /// `host:pid`, written in the leader row.
    holder: Arc<str>,
}

impl Replica {
    /// The only process: it acts.
    pub fn single() -> Replica {
        Replica::with_role(Role::Single)
    }

    /// One of several on Postgres: a follower until it wins the lock.
    pub fn campaigning() -> Replica {
        Replica::with_role(Role::Follower)
    }

    fn with_role(role: Role) -> Replica {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "localhost".into());
        Replica {
            role: watch::Sender::new(role),
            fence: Arc::default(),
            holder: format!("{host}:{}", std::process::id()).into(),
        }
    }

    pub fn role(&self) -> Role {
        *self.role.borrow()
    }

    pub fn subscribe(&self) -> watch::Receiver<Role> {
        self.role.subscribe()
    }

    /// What action and outbox writes are checked against.
    pub fn fence(&self) -> Arc<Fence> {
        self.fence.clone()
    }

    pub fn holder(&self) -> &str {
        &self.holder
    }

    fn become_leader(&self, epoch: i64) {
        self.fence.set(epoch);
        self.role.send_replace(Role::Leader { epoch });
        tracing::info!(epoch, holder = %self.holder, "leadership taken: this replica acts");
    }

    fn step_down(&self, why: &str) {
        // The fence first: from here on no action or alert write goes through.
        self.fence.set(0);
        if self.role.send_replace(Role::Follower) != Role::Follower {
            tracing::warn!("leadership lost ({why}): this replica follows");
        }
    }

    /// Campaigns until `cancel` (Postgres): a follower tries the lock every second, a
    /// leader writes a heartbeat every two. Ends `Ok` on cancel, after giving the
    /// lock up so another replica takes over at once.
    pub async fn campaign(
        &self,
        store: Store,
        cancel: CancellationToken,
    ) -> crate::supervise::PartResult {
        loop {
            let result = tokio::select! {
                () = cancel.cancelled() => break,
                result = self.one_session(&store, &cancel) => result,
            };
            // `one_session` stepped down before it returned.
            if let Err(e) = result {
                tracing::warn!(error = %e, "leadership: the database session failed; opening another");
            }
            tokio::select! {
                () = cancel.cancelled() => break,
                () = tokio::time::sleep(CAMPAIGN_EVERY) => {}
            }
        }
        self.step_down("shutting down");
        Ok(())
    }

    /// One dedicated connection: campaign, then lead until leadership is in doubt.
    /// Closing the connection on return releases the lock if it was held.
    async fn one_session(
        &self,
        store: &Store,
        cancel: &CancellationToken,
    ) -> Result<(), StoreError> {
        let mut session = Leadership::open(store.url()).await?;
        let result = self.lead_or_follow(&mut session, cancel).await;
        self.step_down("its database session ended");
        // A hung connection is dropped instead: its socket closes, the lock goes.
        let _ = tokio::time::timeout(HEARTBEAT_TIMEOUT, session.close()).await;
        result
    }

    async fn lead_or_follow(
        &self,
        session: &mut Leadership,
        cancel: &CancellationToken,
    ) -> Result<(), StoreError> {
        let epoch = loop {
            if let Some(epoch) = session.try_acquire(&self.holder, now_ms()).await? {
                break epoch;
            }
            tokio::select! {
                () = cancel.cancelled() => return Ok(()),
                () = tokio::time::sleep(CAMPAIGN_EVERY) => {}
            }
        };
        self.become_leader(epoch);
        loop {
            tokio::select! {
                () = cancel.cancelled() => return Ok(()),
                () = tokio::time::sleep(HEARTBEAT_EVERY) => {}
            }
            match tokio::time::timeout(HEARTBEAT_TIMEOUT, session.heartbeat(epoch, now_ms())).await
            {
                Ok(Ok(true)) => {}
                Ok(Ok(false)) => {
                    self.step_down("another replica holds a newer epoch");
                    return Ok(());
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => {
                    self.step_down("the heartbeat timed out");
                    return Ok(());
                }
            }
        }
    }
}

/// Edge: lease times are compared with those other replicas (other processes) wrote,
/// so they are real time, never an injected clock.
fn now_ms() -> i64 {
    SystemClock.now().timestamp_millis()
}
