//! Which credential a session was signed in with: an HMAC-SHA256, keyed by a random
//! key kept in the store (`Store::session_key`), over the user name and the credential
//! as configured (the `WEB_PASSWORD_HASH` string, or the `WEB_PASSWORD` value). Every
//! session carries the fingerprint of its sign-in and is refused once it no longer
//! matches, so a new password ends every old session, and a restart with the same one
//! keeps them (issue 19, defect 5). Replicas share the key, so they agree.
//!
//! The key sits in the database beside the fingerprints, so whoever holds a copy could
//! test guesses of a plain `WEB_PASSWORD` against them. A plain password is therefore
//! first stretched with argon2 (salted by the key, once per process), which makes each
//! guess cost what a sign-in costs. A hash string needs no stretching: it holds a random
//! salt, nothing to guess.
//!
//! HMAC is RFC 2104 over `sha2` (the `hmac` crate in the tree is built for a newer
//! `digest` than our `sha2`), checked against RFC 4231's vectors below.

use argon2::Argon2;
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use crate::config::{SignIn, WebPassword};

const BLOCK: usize = 64;

/// HMAC-SHA256 of `message` under `key` (RFC 2104).
pub(super) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// The fingerprint of `sign_in` under `key` (hex). Runs argon2 for a plain password:
/// call it on the blocking pool, once.
pub(super) fn fingerprint(key: &str, sign_in: &SignIn) -> String {
    let mut message = Vec::new();
    message.extend_from_slice(b"spacewarden session v1\0");
    message.extend_from_slice(sign_in.username.as_bytes());
    message.push(0);
    match &sign_in.password {
        WebPassword::Hash(phc) => {
            message.extend_from_slice(b"hash\0");
            message.extend_from_slice(phc.expose_secret().as_bytes());
        }
        WebPassword::Plain(plain) => {
            // The salt: the key's own HMAC, so it differs per database and is never
            // the key itself.
            let salt = hmac_sha256(key.as_bytes(), b"plain password salt");
            let mut stretched = [0u8; 32];
            let password = plain.expose_secret().as_bytes();
            // argon2 refuses only a password over 4 GiB; such a one goes in as it is.
            if Argon2::default()
                .hash_password_into(password, &salt, &mut stretched)
                .is_ok()
            {
                message.extend_from_slice(b"plain\0");
                message.extend_from_slice(&stretched);
            } else {
                message.extend_from_slice(b"plain-unstretched\0");
                message.extend_from_slice(password);
            }
        }
    }
    hex(&hmac_sha256(key.as_bytes(), &message))
}

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use secrecy::SecretString;

    use super::*;

    #[test]
    fn rfc_4231_vectors() {
        // Test case 1: a 20-byte key.
        assert_eq!(
            hex(&hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        // Test case 2: a key shorter than the block.
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block is hashed first.
        assert_eq!(
            hex(&hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn the_fingerprint_follows_the_credential_and_the_key() {
        let plain = |user: &str, password: &str| SignIn {
            username: user.into(),
            password: WebPassword::Plain(SecretString::from(password.to_owned())),
        };
        let a = fingerprint("k1", &plain("ops", "A"));
        assert_eq!(a, fingerprint("k1", &plain("ops", "A")), "stable");
        assert_eq!(a.len(), 64);
        assert_ne!(a, fingerprint("k1", &plain("ops", "B")));
        assert_ne!(a, fingerprint("k1", &plain("admin", "A")));
        assert_ne!(a, fingerprint("k2", &plain("ops", "A")));
        let hashed = SignIn {
            username: "ops".into(),
            password: WebPassword::Hash(SecretString::from("A".to_owned())),
        };
        assert_ne!(a, fingerprint("k1", &hashed), "kinds differ");
    }
}
