//! The batched writes of a cycle's decisions (`space_writes.rs`): more Spaces than one
//! batch holds, each column written with a value and with NULL in the same statement,
//! on both backends; a Space named twice keeps its last write; a Space with no row is
//! left alone.

use super::{at, id, minutes, obs};
use crate::domain::{AlertMemory, SpaceId, Verdict};

#[tokio::test]
async fn every_space_of_a_batch_reads_back_with_and_without_values() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        let ids: Vec<SpaceId> = (0..150).map(|n| id(&format!("Team/S{n:03}"))).collect();
        let checks: Vec<_> = ids
            .iter()
            .map(|space| obs(&space.to_string(), Verdict::Up, t0))
            .collect();
        store.record(&checks).await.unwrap();
        // Odd Spaces get every value, even ones every NULL (and 0).
        let memory = |n: usize| {
            if n % 2 == 1 {
                AlertMemory {
                    bad_streak: 3,
                    good_streak: n as u32,
                    bad_since: Some(t0),
                    alerted: Some(Verdict::Down),
                    announced: true,
                    last_alert: Some(t0 + minutes(1)),
                }
            } else {
                AlertMemory {
                    good_streak: n as u32,
                    ..AlertMemory::default()
                }
            }
        };
        let ghost = id("nobody/here");
        let mut memories: Vec<(&SpaceId, AlertMemory)> = ids
            .iter()
            .enumerate()
            .map(|(n, s)| (s, memory(n)))
            .collect();
        memories.push((&ghost, memory(1)));
        // Named twice (another spelling): the last write wins.
        let again = id("team/s000");
        memories.push((&again, memory(7)));
        let drifts: Vec<_> = ids
            .iter()
            .enumerate()
            .map(|(n, s)| (s, ((n % 2 == 1).then_some(t0), n % 2 == 1)))
            .collect();
        let gave_up: Vec<_> = ids
            .iter()
            .enumerate()
            .map(|(n, s)| (s, n % 2 == 1))
            .collect();
        let mut tx = store.begin().await.unwrap();
        tx.save_memories(&memories).await.unwrap();
        tx.set_drifts(&drifts).await.unwrap();
        tx.set_gave_ups(&gave_up).await.unwrap();
        tx.commit().await.unwrap();
        let odd: Vec<SpaceId> = ids.iter().skip(1).step_by(2).cloned().collect();
        store.set_last_visits(&odd, t0 + minutes(2)).await.unwrap();
        let backend = store.backend();
        let states = store.space_states().await.unwrap();
        assert_eq!(
            states.len(),
            150,
            "{backend:?}: no row for a Space never seen"
        );
        for (n, state) in states.iter().enumerate() {
            let expected = if n == 0 { memory(7) } else { memory(n) };
            assert_eq!(state.memory, expected, "{backend:?}: {}", state.space);
            let odd = n % 2 == 1;
            assert_eq!(state.drift_since, odd.then_some(t0), "{backend:?} {n}");
            assert_eq!(state.drift_alerted, odd, "{backend:?} {n}");
            assert_eq!(state.gave_up, odd, "{backend:?} {n}");
            let visit = odd.then_some(t0 + minutes(2));
            assert_eq!(state.last_visit, visit, "{backend:?} {n}");
        }
    }
}
