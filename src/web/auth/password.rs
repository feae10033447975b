//! Checking the page user's password, and making the hash `WEB_PASSWORD_HASH` holds.
//!
//! argon2id with the crate's defaults (19 MiB, 2 passes: OWASP's minimum), a 16-byte
//! salt from the OS. A plain `WEB_PASSWORD` is compared in constant time (`subtle`),
//! and so is the user name, so an answer's timing says nothing about how much of
//! either was right. A check costs an argon2 run (tens of milliseconds of CPU), so it
//! runs on the blocking pool, never on the request threads.

use argon2::password_hash::SaltString;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;

use crate::config::{SignIn, WebPassword};

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

/// Whether `username` and `password` are the configured ones.
pub(crate) async fn verify(sign_in: &SignIn, username: String, password: String) -> bool {
    let sign_in = sign_in.clone();
    tokio::task::spawn_blocking(move || verify_now(&sign_in, &username, &password))
        .await
        .unwrap_or(false)
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
