// sqlx::migrate! embeds migrations/ at compile time; this makes cargo notice new files.
// locales/<tag>/main.ftl: every language's messages, embedded through a generated list
// (`$OUT_DIR/locales.rs`, read by src/i18n/bundle.rs), so a new language is one new file.
use std::fmt::Write as _;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=locales");
    let root = std::path::PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
    .join("locales");
    let mut tags: Vec<String> = std::fs::read_dir(&root)
        .expect("locales/ is readable")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join("main.ftl").is_file())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect();
    // English first: it is the fallback, `Lang::EN`, index 0.
    tags.sort_by_key(|tag| (tag != "en", tag.clone()));
    assert_eq!(
        tags.first().map(String::as_str),
        Some("en"),
        "locales/en/main.ftl is missing"
    );
    let mut out = String::from("/// (tag, messages) per language, English first.\n");
    out.push_str("pub(super) static SOURCES: &[(&str, &str)] = &[\n");
    for tag in &tags {
        let path = root.join(tag).join("main.ftl");
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            out,
            "    ({tag:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("locales.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
    pack_relative_relocations();
}

// A position-independent binary carries one 24-byte relocation per pointer in its
// read-only data (2 MB of `.rela.dyn` here, all read by the loader at start and then
// resident); packed as DT_RELR they take a few KB. The packed binary asks for glibc's
// GLIBC_ABI_DT_RELR (glibc 2.36, 2022) and will not start without it, so the flag is
// only passed when building for the machine itself and its libc has that version:
// a build on an older system, a cross build and musl (the Docker image) link as before.
fn pack_relative_relocations() {
    let var = |name| std::env::var(name).unwrap_or_default();
    // x86_64 only: what was measured, and where GNU ld has had the flag longest (2.38).
    if var("HOST") != var("TARGET") || var("TARGET") != "x86_64-unknown-linux-gnu" {
        return;
    }
    let has_relr = [
        "/lib/x86_64-linux-gnu/libc.so.6",
        "/lib64/libc.so.6",
        "/usr/lib64/libc.so.6",
    ]
    .iter()
    .filter_map(|path| std::fs::read(path).ok())
    .any(|libc| libc.windows(17).any(|w| w == b"GLIBC_ABI_DT_RELR"));
    if has_relr {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
