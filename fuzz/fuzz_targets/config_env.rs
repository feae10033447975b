//! `SPACES` (with the migrated `SPACE_LIST` and `USERNAME`) and `HF_USER`, read as at
//! startup: never a panic, every accepted entry prints back to itself, and an
//! `HF_USER` error never shows a token.
//!
//! Input: `SPACES`, `SPACE_LIST`, `USERNAME` and `HF_USER` separated by NUL (which no
//! environment variable can contain).
#![no_main]

use libfuzzer_sys::fuzz_target;
use spacewarden::fuzzing::{owner_tokens, watch_list};

/// Stands for a token: it must never appear in an error.
const SECRET: &str = "hf_FuzzSecretT0ken";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut vars = text.split('\0');
    let mut next = || vars.next().unwrap_or("");
    let (spaces, space_list, username, hf_user) = (next(), next(), next(), next());

    match watch_list(spaces, space_list, username) {
        Ok(targets) => {
            for (i, target) in targets.iter().enumerate() {
                let printed = target.to_string();
                let again = watch_list(&printed, "", "").expect(&printed);
                assert_eq!(again.as_slice(), std::slice::from_ref(target), "{printed}");
                assert!(!targets[..i].contains(target), "{printed} twice");
            }
        }
        Err(e) => assert!(matches!(e.key, "SPACES" | "SPACE_LIST"), "{e}"),
    }

    // HF_USER as written, then with every token replaced by the secret.
    let _ = owner_tokens(hf_user);
    let owners: Vec<&str> = hf_user
        .split([',', '\n'])
        .map(|entry| entry.split_once(':').map_or(entry, |(owner, _)| owner))
        .collect();
    let with_secret: Vec<String> = owners.iter().map(|o| format!("{o}:{SECRET}")).collect();
    match owner_tokens(&with_secret.join(",")) {
        Ok(owners) => {
            for owner in owners.keys() {
                assert_eq!(*owner, owner.to_ascii_lowercase());
            }
        }
        Err(e) => {
            if !hf_user.contains(SECRET) {
                assert!(!e.to_string().contains(SECRET), "{e}");
            }
        }
    }
    // An entry without ':' may be a bare token pasted alone: never quoted.
    let bare: Vec<&str> = hf_user
        .split([',', '\n'])
        .filter(|e| !e.contains(':'))
        .collect();
    if let Err(e) = owner_tokens(&bare.join(",")) {
        let shown = e.to_string();
        for entry in bare.iter().map(|e| e.trim()).filter(|e| e.len() >= 20) {
            assert!(!shown.contains(entry), "{shown}");
        }
    }
});
