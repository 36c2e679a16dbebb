//! Embeds the shipped bank (questions/, rubrics/) into the binary, so that grill
//! runs from anywhere with no files next to it.

use std::{env, fmt::Write as _, fs, path::Path};

fn main() {
    let root = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let mut out = String::from("/// (path relative to the bank root, contents) of every shipped bank file.\npub static FILES: &[(&str, &str)] = &[\n");
    for dir in ["questions", "rubrics"] {
        let path = Path::new(&root).join(dir);
        println!("cargo:rerun-if-changed={}", path.display());
        let mut names: Vec<_> = fs::read_dir(&path)
            .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        names.retain(|n| n.ends_with(".toml"));
        names.sort();
        for name in names {
            let file = path.join(&name);
            println!("cargo:rerun-if-changed={}", file.display());
            writeln!(out, "    ({:?}, include_str!({:?})),", format!("{dir}/{name}"), file.display().to_string())
                .unwrap();
        }
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded_bank.rs");
    fs::write(dest, out).expect("write embedded_bank.rs");
}
