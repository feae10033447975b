//! Checking the page user's password, and making the hash `WEB_PASSWORD_HASH` holds.
//!
//! argon2id with the crate's defaults (19 MiB, 2 passes: OWASP's minimum), a 16-byte
//! salt from the OS. A plain `WEB_PASSWORD` is compared in constant time (`subtle`),
//! and so is the user name, so an answer's timing says nothing about how much of
//! either was right. A check costs an argon2 run (tens of milliseconds of CPU), so it
//! runs on the blocking pool, never on the request threads.
//!
//! Each argon2 run also allocates its memory cost (19 MiB by default), and 300 sign-ins
//! at once took the process to 5 GB (issue 19, defect 2). `Verifier` holds
//! `MAX_VERIFY_MEMORY_KIB ÷ m` permits; a sign-in that finds none free is turned away
//! at once rather than queued, and the permit travels with the verification, so one
//! whose client hung up still holds it until argon2 is done with the memory.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::password_hash::SaltString;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::{MAX_VERIFY_MEMORY_KIB, SignIn, WebPassword};
use crate::domain::time;

/// The PHC string for `password`, as `spacewarden hash-password` prints it.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| format!("no randomness for a salt: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| format!("cannot hash: {e}"))
}

/// How a sign-in's user name and password are checked. `Argon2Check` in production;
/// tests pass their own through `WebState::with_credential_check` to watch how many run
/// at once. Called on the blocking pool.
pub trait CredentialCheck: Send + Sync + 'static {
    /// Whether `username` and `password` are the ones `sign_in` holds.
    fn check(&self, sign_in: &SignIn, username: &str, password: &str) -> bool;
}

/// The real check: argon2 for a hash, a constant-time comparison for plain text.
#[derive(Debug, Default)]
pub struct Argon2Check;

impl CredentialCheck for Argon2Check {
    fn check(&self, sign_in: &SignIn, username: &str, password: &str) -> bool {
        verify_now(sign_in, username, password)
    }
}

/// Verifications running at once, bounded by memory.
pub(super) struct Verifier {
    check: Arc<dyn CredentialCheck>,
    permits: Arc<Semaphore>,
    /// Sign-ins turned away since the last log line, and when that was: a flood must
    /// not flood the log.
    busy: Mutex<(u64, Option<DateTime<Utc>>)>,
}

/// Turned-away sign-ins are logged at most this often.
const BUSY_LOG_EVERY: Duration = Duration::from_secs(60);

impl Verifier {
    /// A bound of `MAX_VERIFY_MEMORY_KIB ÷ memory_kib` permits, at least one.
    pub(super) fn new(check: Arc<dyn CredentialCheck>, memory_kib: u32) -> Verifier {
        Verifier {
            check,
            permits: Arc::new(Semaphore::new(permits_for(memory_kib))),
            busy: Mutex::new((0, None)),
        }
    }

    /// Counts a sign-in turned away at `now`; `Some(count)` when it is time to log
    /// how many were since the last line.
    pub(super) fn note_busy(&self, now: DateTime<Utc>) -> Option<u64> {
        let mut busy = self.busy.lock().unwrap_or_else(|p| p.into_inner());
        busy.0 += 1;
        if busy
            .1
            .is_some_and(|last| time::elapsed(last, now) < BUSY_LOG_EVERY)
        {
            return None;
        }
        let count = busy.0;
        *busy = (0, Some(now));
        Some(count)
    }

    /// A permit if one is free now; never waits.
    pub(super) fn try_permit(&self) -> Option<OwnedSemaphorePermit> {
        self.permits.clone().try_acquire_owned().ok()
    }

    /// Whether `username` and `password` are the configured ones. `permit` is held
    /// until the check is over, even if the caller stops waiting.
    pub(super) async fn verify(
        &self,
        permit: OwnedSemaphorePermit,
        sign_in: &SignIn,
        username: String,
        password: String,
    ) -> bool {
        let sign_in = sign_in.clone();
        let check = self.check.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            check.check(&sign_in, &username, &password)
        })
        .await
        .unwrap_or(false)
    }
}

/// `MAX_VERIFY_MEMORY_KIB ÷ memory_kib`, at least one: 13 for argon2's default 19 MiB.
pub(super) fn permits_for(memory_kib: u32) -> usize {
    usize::try_from(MAX_VERIFY_MEMORY_KIB / memory_kib.max(1))
        .unwrap_or(1)
        .max(1)
}

fn verify_now(sign_in: &SignIn, username: &str, password: &str) -> bool {
    let user_ok: bool = username
        .as_bytes()
        .ct_eq(sign_in.username.as_bytes())
        .into();
    // The password is checked even for a wrong name: the time taken does not tell.
    let password_ok = match &sign_in.password {
        WebPassword::Plain(expected) => expected
            .expose_secret()
            .as_bytes()
            .ct_eq(password.as_bytes())
            .into(),
        WebPassword::Hash(phc) => PasswordHash::new(phc.expose_secret()).is_ok_and(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        }),
    };
    user_ok & password_ok
}

#[cfg(test)]
mod tests {
    use secrecy::SecretString;

    use super::*;

    #[test]
    fn a_fresh_hash_verifies_and_is_salted() {
        let one = hash_password("correct horse").unwrap();
        let two = hash_password("correct horse").unwrap();
        assert!(one.starts_with("$argon2id$v=19$"), "{one}");
        assert_ne!(one, two, "every hash has its own salt");
        let sign_in = SignIn {
            username: "ops".into(),
            password: WebPassword::Hash(SecretString::from(one)),
        };
        assert!(verify_now(&sign_in, "ops", "correct horse"));
        assert!(!verify_now(&sign_in, "ops", "correct horse "));
        assert!(!verify_now(&sign_in, "Ops", "correct horse"));
    }

    #[test]
    fn the_bound_is_256_mib_of_verifications() {
        assert_eq!(permits_for(argon2::Params::DEFAULT_M_COST), 13);
        assert_eq!(permits_for(MAX_VERIFY_MEMORY_KIB), 1);
        assert_eq!(permits_for(u32::MAX), 1);
        assert_eq!(permits_for(0), MAX_VERIFY_MEMORY_KIB as usize);
        let verifier = Verifier::new(Arc::new(Argon2Check), MAX_VERIFY_MEMORY_KIB);
        let held = verifier.try_permit().expect("one permit");
        assert!(verifier.try_permit().is_none(), "none queued");
        drop(held);
        assert!(verifier.try_permit().is_some());
    }

    #[test]
    fn turned_away_sign_ins_are_logged_once_a_minute() {
        let verifier = Verifier::new(Arc::new(Argon2Check), MAX_VERIFY_MEMORY_KIB);
        let t0 = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 22, 12, 0, 0).unwrap();
        assert_eq!(verifier.note_busy(t0), Some(1));
        for _ in 0..99 {
            assert_eq!(verifier.note_busy(t0 + chrono::Duration::seconds(30)), None);
        }
        assert_eq!(
            verifier.note_busy(t0 + chrono::Duration::seconds(60)),
            Some(100)
        );
    }

    #[test]
    fn plain_passwords_compare_whole() {
        let sign_in = SignIn {
            username: "ops".into(),
            password: WebPassword::Plain(SecretString::from("pw".to_owned())),
        };
        assert!(verify_now(&sign_in, "ops", "pw"));
        assert!(!verify_now(&sign_in, "ops", "p"));
        assert!(!verify_now(&sign_in, "ops", "pw2"));
        assert!(!verify_now(&sign_in, "op", "pw"));
    }
}
