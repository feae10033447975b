//! `spacewarden hash-password`: reads a password from stdin and prints the argon2 PHC
//! string to put in `WEB_PASSWORD_HASH`, so the password itself never sits in the
//! environment. The password is never printed.

use std::io::{IsTerminal, Read};

use super::lang::lang;
use super::{EXIT_CONFIG, EXIT_OK};
use crate::t;

pub fn run() -> u8 {
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("{}", t!(lang(), "cli-hash-password-prompt"));
    }
    let mut input = String::new();
    if let Err(e) = stdin.read_to_string(&mut input) {
        let error = e.to_string();
        eprintln!(
            "{}",
            t!(lang(), "cli-hash-password-unreadable", error = error)
        );
        return EXIT_CONFIG;
    }
    // `echo pw | spacewarden hash-password` adds a line break that is not part of it.
    let password = input
        .strip_suffix('\n')
        .map(|p| p.strip_suffix('\r').unwrap_or(p))
        .unwrap_or(&input);
    if password.is_empty() {
        eprintln!("{}", t!(lang(), "cli-hash-password-empty"));
        return EXIT_CONFIG;
    }
    match crate::web::hash_password(password) {
        Ok(hash) => {
            println!("{hash}");
            EXIT_OK
        }
        Err(e) => {
            eprintln!("{}", t!(lang(), "cli-error", error = e.to_string()));
            EXIT_CONFIG
        }
    }
}
