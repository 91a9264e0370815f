//! Coverage measured, not claimed: which of the live server's commands have a
//! typed method. Typed methods are found in the source (`command("NAME")` and
//! `subcommand("NAME", "SUB")` calls in `src/commands/`), the server's list
//! comes from `COMMAND LIST`, and every command without a method must be in
//! `anyredis::commands::NOT_OFFERED` with a reason.
//!
//! Run `cargo test -p runtime-tests --test coverage -- --nocapture` to see the report.

use std::collections::BTreeSet;
use std::path::Path;

use anyredis::commands::NOT_OFFERED;
use anyredis::{ClientBuilder, Runtime};
use anyredis_test_support::RedisServer;

/// Share of the server's commands that must have a typed method.
const TARGET: f64 = 0.95;

/// Every `command("X")` / `subcommand("X", "Y")` literal under `dir`, lowercased.
fn typed_commands(dir: &Path, found: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).expect("src/commands exists") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            typed_commands(&path, found);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable source");
        for (marker, is_sub) in [("subcommand(\"", true), ("command(\"", false)] {
            let mut rest = text.as_str();
            while let Some(at) = rest.find(marker) {
                // `subcommand("` also contains `command("`: skip those for the plain form.
                let before = &rest[..at];
                rest = &rest[at + marker.len()..];
                if !is_sub && before.ends_with("sub") {
                    continue;
                }
                let Some(end) = rest.find('"') else { break };
                let name = rest[..end].to_ascii_lowercase();
                if is_sub {
                    let tail = &rest[end + 1..];
                    let Some(open) = tail.find('"') else { continue };
                    let tail = &tail[open + 1..];
                    let Some(close) = tail.find('"') else { continue };
                    found.insert(format!("{name}|{}", tail[..close].to_ascii_lowercase()));
                } else {
                    found.insert(name);
                }
            }
        }
    }
}

#[test]
fn typed_method_coverage() {
    let server = RedisServer::new();
    let listed: Vec<String> = smol::block_on(async {
        let client = ClientBuilder::from_url(&server.url())?
            .runtime(Runtime::smol())
            .build()?;
        client.cmd("COMMAND").arg("LIST").query().await
    })
    .expect("COMMAND LIST");
    let listed: BTreeSet<String> = listed.into_iter().map(|c| c.to_ascii_lowercase()).collect();
    // A container (`client`) counts through its subcommands (`client|list`, ...).
    let server_commands: BTreeSet<String> = listed
        .iter()
        .filter(|name| name.contains('|') || !listed.iter().any(|other| other.starts_with(&format!("{name}|"))))
        .cloned()
        .collect();

    let mut typed = BTreeSet::new();
    typed_commands(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../src/commands"),
        &mut typed,
    );

    let covered: Vec<&String> = server_commands.iter().filter(|c| typed.contains(*c)).collect();
    let missing: Vec<&String> = server_commands.iter().filter(|c| !typed.contains(*c)).collect();
    let share = covered.len() as f64 / server_commands.len() as f64;
    println!(
        "typed-method coverage: {} of {} server commands ({:.1}%)",
        covered.len(),
        server_commands.len(),
        share * 100.0
    );
    let mut unexplained = Vec::new();
    for name in &missing {
        match NOT_OFFERED.iter().find(|(n, _)| n == name) {
            Some((_, reason)) => println!("  not offered: {name}: {reason}"),
            None => unexplained.push(name.as_str()),
        }
    }
    let stale: Vec<&str> = NOT_OFFERED
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| typed.contains(*n))
        .collect();
    let unknown_typed: Vec<&String> = typed.iter().filter(|t| !listed.contains(*t)).collect();
    if !unknown_typed.is_empty() {
        println!("  typed but not on this server (newer Redis?): {unknown_typed:?}");
    }
    assert!(
        unexplained.is_empty(),
        "commands with neither a typed method nor a reason: {unexplained:?}"
    );
    assert!(
        stale.is_empty(),
        "listed as not offered but have a typed method: {stale:?}"
    );
    assert!(
        share >= TARGET,
        "coverage {:.1}% is below the {:.0}% target",
        share * 100.0,
        TARGET * 100.0
    );
}
