//! The leader's parts: what only the acting process runs, started when it starts to
//! act (after resuming what a previous leader left unfinished) and stopped when it
//! stops. On SQLite the process always acts; on Postgres it acts while it leads.

use std::sync::Arc;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::alerts::{DeliverySettings, run_delivery};
use crate::chat::discord::run_discord;
use crate::chat::telegram::{TgBot, run_telegram};
use crate::clock::SystemClock;
use crate::commands::CommandCore;
use crate::monitor::{Monitor, Scheduler, run_watchdog};
use crate::replica::{Replica, Role};
use crate::supervise::{Part, PartStart, Restart, Stopped, Supervisor, supervised};

/// The parts only the acting process runs: the scheduler (and with it repairs),
/// alert delivery, housekeeping, keep-alive, the memory sampler, the watchdog, the
/// chat bots (Telegram allows one getUpdates consumer; one replica answers a Discord
/// interaction) and, on Postgres, the requests followers hand over.
#[derive(Clone)]
pub(super) struct LeaderDuties {
    pub(super) monitor: Monitor,
    pub(super) scheduler: Arc<Scheduler>,
    pub(super) core: CommandCore,
    pub(super) replica: Replica,
    pub(super) telegram: Option<TgBot>,
    pub(super) bench_cycles: Option<u64>,
    /// The daemon's token: a benchmark's last cycle ends the whole run.
    pub(super) main: CancellationToken,
}

impl LeaderDuties {
    /// Runs the leader's parts while this process acts, stops them when it stops
    /// acting, and starts them again when it acts again. Ends on `cancel`.
    pub(super) async fn run(
        self,
        supervisor: &Supervisor,
        cancel: CancellationToken,
    ) -> crate::supervise::PartResult {
        let mut role = self.replica.subscribe();
        loop {
            let acting = *role.borrow_and_update();
            if !acting.acts() {
                tokio::select! {
                    () = cancel.cancelled() => return Ok(()),
                    changed = role.changed() => {
                        if changed.is_err() {
                            return Ok(());
                        }
                        continue;
                    }
                }
            }
            let term = cancel.child_token();
            // Cancelled however this ends, a panic included: no part outlives it.
            let _stop = term.clone().drop_guard();
            self.take_over(acting).await;
            let mut parts: JoinSet<Stopped> = JoinSet::new();
            for (part, policy, start) in self.parts() {
                supervised(&mut parts, supervisor, &term, part, policy, start);
            }
            // Until this process's role changes (or the daemon stops). Any change, not
            // only to follower: a watch may skip the follower in between, and parts
            // started under one epoch are not restarted (nor a previous leader's
            // repairs resumed) under the next unless they stop here.
            loop {
                tokio::select! {
                    () = cancel.cancelled() => break,
                    changed = role.changed() => {
                        if changed.is_err() || *role.borrow() != acting {
                            break;
                        }
                    }
                    Some(joined) = parts.join_next() => {
                        // A chat front that cannot run was logged by its supervisor; the
                        // rest runs on. Any other part ends only when cancelled, and may
                        // be joined here before this loop sees the cancel: said too.
                        match joined {
                            Ok((part, Err(why))) if !part.is_optional() => {
                                return Err(format!("{part}: {why}").into());
                            }
                            Ok((part, Ok(()))) => tracing::info!(part = part.as_str(), "stopped"),
                            _ => {}
                        }
                    }
                }
            }
            term.cancel();
            while let Some(joined) = parts.join_next().await {
                if let Ok((part, _)) = joined {
                    tracing::info!(part = part.as_str(), "stopped");
                }
            }
            if cancel.is_cancelled() {
                return Ok(());
            }
            tracing::warn!("stopped the leader's parts: this process's role changed");
        }
    }

    /// What a process does when it starts to act: resume unfinished repairs by
    /// polling (never by calling the Hub again), close requests a dead leader claimed,
    /// check at once, test the tokens, read the chat destinations that changed.
    async fn take_over(&self, role: Role) {
        let monitor = &self.monitor;
        self.scheduler.status().lead_from(monitor.now());
        match monitor.resume_unfinished().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "resumed unfinished repairs by polling"),
            Err(e) => tracing::error!(error = %e, "cannot read unfinished repairs"),
        }
        if let Role::Leader { epoch } = role {
            match monitor
                .store()
                .interrupt_stale_requests(epoch, monitor.now())
                .await
            {
                Ok(0) => {}
                Ok(n) => tracing::warn!(
                    count = n,
                    "requests a previous leader left unanswered are marked interrupted"
                ),
                Err(e) => tracing::error!(error = %e, "cannot close a previous leader's requests"),
            }
            // The previous leader may have died mid-cycle: check now, not at the next tick.
            self.scheduler.check_now().notify_one();
        }
        // The token self-test runs beside the first cycle: a Hub slow to answer whoami
        // never holds the start back.
        let monitor2 = monitor.clone();
        monitor.spawn_task("token self-test", async move {
            monitor2.check_tokens().await;
        });
        if let Err(e) = monitor.outbox().load_changes(monitor.store()).await {
            tracing::error!(error = %e, "cannot read moved or dead chat destinations");
        }
    }

    /// Every part the leader runs, with its restart policy.
    fn parts(&self) -> Vec<(Part, Restart, PartStart)> {
        let mut parts = self.chat_parts();
        parts.push(self.scheduler_part());
        parts.push(self.delivery_part());
        parts.extend(self.chores());
        if self.replica.role() != Role::Single {
            let core = self.core.clone();
            parts.push((
                Part::Requests,
                Restart::Always,
                Box::new(move |cancel| {
                    let core = core.clone();
                    Box::pin(async move { core.serve_requests(cancel).await })
                }),
            ));
        }
        parts
    }

    /// The chat bots that are configured: a final error (a refused token) stops one
    /// alone.
    fn chat_parts(&self) -> Vec<(Part, Restart, PartStart)> {
        let mut parts: Vec<(Part, Restart, PartStart)> = Vec::new();
        if let Some(bot) = self.telegram.clone() {
            let core = self.core.clone();
            parts.push((
                Part::Telegram,
                Restart::OnPanic,
                Box::new(move |cancel| {
                    let (bot, core) = (bot.clone(), core.clone());
                    Box::pin(async move { run_telegram(bot, core, cancel).await })
                }),
            ));
        }
        if let Some(discord) = self.monitor.config().discord.clone() {
            let core = self.core.clone();
            parts.push((
                Part::Discord,
                Restart::OnPanic,
                Box::new(move |cancel| {
                    let (discord, core) = (discord.clone(), core.clone());
                    Box::pin(async move { run_discord(discord, core, cancel).await })
                }),
            ));
        }
        parts
    }

    /// The scheduler; a benchmark's runs its cycles back to back and then ends the run.
    fn scheduler_part(&self) -> (Part, Restart, PartStart) {
        let scheduler = self.scheduler.clone();
        match self.bench_cycles {
            None => (
                Part::Scheduler,
                Restart::Always,
                Box::new(move |cancel| {
                    let scheduler = scheduler.clone();
                    Box::pin(async move { scheduler.run(cancel).await })
                }),
            ),
            Some(n) => {
                let main = self.main.clone();
                (
                    Part::Scheduler,
                    Restart::OnPanic,
                    Box::new(move |_| {
                        let (scheduler, main) = (scheduler.clone(), main.clone());
                        Box::pin(async move {
                            let result = scheduler.run_back_to_back(n).await;
                            main.cancel();
                            result
                        })
                    }),
                )
            }
        }
    }

    /// The outbox's delivery worker.
    fn delivery_part(&self) -> (Part, Restart, PartStart) {
        let monitor = self.monitor.clone();
        (
            Part::AlertDelivery,
            Restart::Always,
            Box::new(move |cancel| {
                let (store, outbox) = (monitor.store().clone(), monitor.outbox().clone());
                Box::pin(async move {
                    // A round of deliveries sends row after row: it is cut at shutdown
                    // (a row not marked sent is sent again on the next start).
                    let stop = cancel.clone();
                    let delivery = run_delivery(
                        store,
                        outbox,
                        Arc::new(SystemClock),
                        DeliverySettings::default(),
                        cancel,
                    );
                    tokio::select! {
                        () = stop.cancelled() => {}
                        () = delivery => {}
                    }
                    Ok(())
                })
            }),
        )
    }

    /// Housekeeping, keep-alive, the memory sampler and the watchdog.
    fn chores(&self) -> Vec<(Part, Restart, PartStart)> {
        let mut parts: Vec<(Part, Restart, PartStart)> = Vec::new();
        for (part, chore) in [
            (Part::Housekeeping, Chore::Prune),
            (Part::KeepAlive, Chore::Visits),
            (Part::MemorySampler, Chore::Memory),
        ] {
            let monitor = self.monitor.clone();
            parts.push((
                part,
                Restart::Always,
                Box::new(move |cancel| {
                    let monitor = monitor.clone();
                    Box::pin(async move {
                        match chore {
                            Chore::Prune => monitor.run_housekeeping(cancel).await,
                            Chore::Visits => monitor.run_keep_alive(cancel).await,
                            Chore::Memory => monitor.run_memory_sampler(cancel).await,
                        }
                    })
                }),
            ));
        }
        let (monitor, status) = (self.monitor.clone(), self.scheduler.status());
        parts.push((
            Part::Watchdog,
            Restart::Always,
            Box::new(move |cancel| Box::pin(run_watchdog(monitor.clone(), status.clone(), cancel))),
        ));
        parts
    }
}

#[derive(Clone, Copy)]
enum Chore {
    Prune,
    Visits,
    Memory,
}
