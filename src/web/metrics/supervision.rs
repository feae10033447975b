//! The daemon's own health in `/metrics`: check cycles that failed or panicked, each
//! supervised part's restarts and panics and whether it runs, and whether the store
//! accepts writes. Read from the scheduler, the `Supervisor` and the store's write
//! health at scrape time.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::web::WebState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabel {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PartLabel {
    part: String,
}

pub(super) fn register(registry: &mut Registry, state: &WebState) {
    let scheduler = state.scheduler.snapshot();
    let failures = Family::<ReasonLabel, Counter>::default();
    failures
        .get_or_create(&ReasonLabel { reason: "error" })
        .inc_by(scheduler.failed_cycles);
    failures
        .get_or_create(&ReasonLabel { reason: "panic" })
        .inc_by(scheduler.panicked_cycles);
    registry.register(
        "check_cycle_failures",
        "Check cycles that did not store their results, by reason",
        failures,
    );
    let stalled = Gauge::<i64>::default();
    stalled.set(i64::from(
        state.scheduler.stalled(state.monitor.now()).is_some(),
    ));
    registry.register(
        "checks_stalled",
        "1 when no check cycle completed within three schedule intervals",
        stalled,
    );

    let restarts = Family::<PartLabel, Counter>::default();
    let panics = Family::<PartLabel, Counter>::default();
    let running = Family::<PartLabel, Gauge>::default();
    for (part, s) in state.monitor.supervisor().snapshot() {
        let label = PartLabel {
            part: part.to_owned(),
        };
        restarts.get_or_create(&label).inc_by(s.restarts);
        panics.get_or_create(&label).inc_by(s.panics);
        running.get_or_create(&label).set(i64::from(s.running));
    }
    registry.register(
        "part_restarts",
        "Restarts of a supervised part after a panic, an error or an unexpected end",
        restarts,
    );
    registry.register(
        "part_panics",
        "Panics of a supervised part or of its one-off tasks (repair, wake)",
        panics,
    );
    registry.register("part_running", "1 while the part runs", running);

    let write = state.monitor.store().write_health().status();
    let role = state.replica.role();
    let leader = Gauge::<i64>::default();
    leader.set(i64::from(role.acts()));
    registry.register(
        "replica_leader",
        "1 while this process acts (the leader, or alone on SQLite), 0 while it follows",
        leader,
    );
    let epoch = Gauge::<i64>::default();
    if let crate::replica::Role::Leader { epoch: held } = role {
        epoch.set(held);
    }
    registry.register(
        "replica_leader_epoch",
        "The leader epoch this process holds (Postgres replicas; 0 otherwise)",
        epoch,
    );
    let writable = Gauge::<i64>::default();
    writable.set(i64::from(write.failing.is_none()));
    registry.register(
        "store_writable",
        "1 when the last write transaction committed",
        writable,
    );
    let write_failures = Counter::<u64>::default();
    write_failures.inc_by(write.failures);
    registry.register(
        "store_write_failures",
        "Write transactions that did not commit, since start",
        write_failures,
    );
}
