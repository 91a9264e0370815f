//! Coverage measured, not claimed: which of the live server's commands have a
//! typed method. Typed methods are found in the source (`command("NAME")` and
//! `subcommand("NAME", "SUB")` calls in `src/commands/`), the server's list
//! comes from `COMMAND LIST`, and every command without a method must be in
//! `anyredis::commands::NOT_OFFERED` with a reason.
//!
//! The server is the one the tests run (`REDIS_SERVER_BIN`): commands it
//! says came after [`TARGET_RELEASE`] are reported, not required; before
//! Redis 7 (no `COMMAND LIST`) the list is `COMMAND`'s, containers whole.
//!
//! Run `cargo test -p runtime-tests --test coverage -- --nocapture` to see the report.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyredis::commands::NOT_OFFERED;
use anyredis::{ClientBuilder, Runtime, Value};
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
        scan_file(&path, found);
    }
}

/// The `command("X")` / `subcommand("X", "Y")` literals of one source file.
fn scan_file(path: &Path, found: &mut BTreeSet<String>) {
    let text = std::fs::read_to_string(path).expect("readable source");
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

/// The newest Redis release whose commands anyredis means to cover: commands
/// a running server says came later (`COMMAND DOCS` "since") are reported,
/// not required.
const TARGET_RELEASE: (u32, u32) = (7, 0);

/// A string out of a reply value.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::BulkString(b) | Value::SimpleString(b) => Some(String::from_utf8_lossy(b).into_owned()),
        Value::Verbatim { text, .. } => Some(String::from_utf8_lossy(text).into_owned()),
        _ => None,
    }
}

/// Key/value pairs of a RESP3 map or a RESP2 flat array.
fn pairs(v: &Value) -> Vec<(&Value, &Value)> {
    match v {
        Value::Map(items) => items.iter().map(|(k, v)| (k, v)).collect(),
        Value::Array(items) => items
            .chunks(2)
            .filter(|c| c.len() == 2)
            .map(|c| (&c[0], &c[1]))
            .collect(),
        _ => Vec::new(),
    }
}

/// Every command and subcommand in a `COMMAND DOCS` reply, with its "since".
fn docs_since(docs: &Value, out: &mut BTreeMap<String, (u32, u32)>) {
    for (name, doc) in pairs(docs) {
        let Some(name) = text(name) else { continue };
        let mut since = (0, 0);
        for (field, value) in pairs(doc) {
            match text(field).as_deref() {
                Some("since") => {
                    let v = text(value).unwrap_or_default();
                    let mut parts = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
                    since = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
                }
                Some("subcommands") => docs_since(value, out),
                _ => {}
            }
        }
        out.insert(name.to_ascii_lowercase(), since);
    }
}

/// The running server's commands (containers through their subcommands),
/// each with the release that brought it ((0, 0) when the server cannot say).
async fn server_commands(client: &anyredis::Client) -> anyredis::Result<BTreeMap<String, (u32, u32)>> {
    let version = anyredis_test_support::server_version();
    if version >= (7, 0, 0) {
        let listed: Vec<String> = client.cmd("COMMAND").arg("LIST").query().await?;
        let listed: BTreeSet<String> = listed.into_iter().map(|c| c.to_ascii_lowercase()).collect();
        let docs: Value = client.cmd("COMMAND").arg("DOCS").query().await?;
        let mut since = BTreeMap::new();
        docs_since(&docs, &mut since);
        Ok(listed
            .iter()
            .filter(|name| name.contains('|') || !listed.iter().any(|other| other.starts_with(&format!("{name}|"))))
            .map(|name| (name.clone(), since.get(name).copied().unwrap_or((0, 0))))
            .collect())
    } else {
        // Before 7.0 there is no COMMAND LIST, and COMMAND names no subcommands.
        let all: Value = client.cmd("COMMAND").query().await?;
        let Value::Array(entries) = all else {
            panic!("COMMAND: {all:?}")
        };
        Ok(entries
            .iter()
            .filter_map(|e| match e {
                Value::Array(fields) => fields.first().and_then(text),
                _ => None,
            })
            .map(|name| (name.to_ascii_lowercase(), (0, 0)))
            .collect())
    }
}

/// Not commands: `host:` and `post` exist to drop HTTP requests (Redis 6 lists them).
const PSEUDO_COMMANDS: &[&str] = &["host:", "post"];

/// Commands of older servers that the target release removed.
const REMOVED_IN_TARGET: &[&str] = &["stralgo"];

fn percent(part: usize, whole: usize) -> f64 {
    part as f64 * 100.0 / whole.max(1) as f64
}

#[test]
fn typed_method_coverage() {
    let server = RedisServer::new();
    let version = anyredis_test_support::server_version();
    let commands = smol::block_on(async {
        let client = ClientBuilder::from_url(&server.url())?
            .runtime(Runtime::smol())
            .build()?;
        server_commands(&client).await
    })
    .expect("the server's command list");
    let mut typed = BTreeSet::new();
    typed_commands(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../src/commands"),
        &mut typed,
    );
    // MONITOR has a method of its own (`Client::monitor`), outside the command families.
    scan_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../src/monitor.rs"),
        &mut typed,
    );
    // Before 7.0 containers come whole: one with a typed subcommand counts as typed.
    let is_typed = |name: &str| {
        typed.contains(name) || (!name.contains('|') && typed.iter().any(|t| t.starts_with(&format!("{name}|"))))
    };

    let (newer, targeted): (Vec<_>, Vec<_>) = commands
        .iter()
        .filter(|(name, _)| !PSEUDO_COMMANDS.contains(&name.as_str()))
        .partition(|(name, since)| **since > TARGET_RELEASE || REMOVED_IN_TARGET.contains(&name.as_str()));
    let server_commands: BTreeSet<&String> = targeted.iter().map(|(name, _)| *name).collect();
    let covered: Vec<&&String> = server_commands.iter().filter(|c| is_typed(c)).collect();
    let missing: Vec<&&String> = server_commands.iter().filter(|c| !is_typed(c)).collect();
    let share = covered.len() as f64 / server_commands.len().max(1) as f64;
    let is_help = |c: &&&String| c.ends_with("|help");
    let without_help = server_commands.iter().filter(|c| !c.ends_with("|help")).count();
    let covered_without_help = covered.iter().filter(|c| !is_help(c)).count();
    println!(
        "typed-method coverage on Redis {}.{}.{}: {} of {} server commands ({:.1}%); without the HELP subcommands: {} of {} ({:.1}%)",
        version.0,
        version.1,
        version.2,
        covered.len(),
        server_commands.len(),
        share * 100.0,
        covered_without_help,
        without_help,
        percent(covered_without_help, without_help)
    );
    if !newer.is_empty() {
        let names: Vec<String> = newer.iter().map(|(n, s)| format!("{n} ({}.{})", s.0, s.1)).collect();
        println!(
            "  newer than Redis {}.{} (or removed by it), reported only: {}",
            TARGET_RELEASE.0,
            TARGET_RELEASE.1,
            names.join(", ")
        );
    }
    let mut unexplained = Vec::new();
    for name in &missing {
        match NOT_OFFERED.iter().find(|(n, _)| n == **name) {
            Some((_, reason)) => println!("  not offered: {name}: {reason}"),
            None => unexplained.push(name.as_str()),
        }
    }
    let stale: Vec<&str> = NOT_OFFERED
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| typed.contains(*n))
        .collect();
    let unknown_typed: Vec<&String> = typed
        .iter()
        .filter(|t| {
            !commands
                .keys()
                .any(|c| c == *t || c.starts_with(&format!("{t}|")) || Some(c.as_str()) == t.split('|').next())
        })
        .collect();
    if !unknown_typed.is_empty() {
        println!("  typed but not on this server (newer Redis): {unknown_typed:?}");
    }
    assert!(
        unexplained.is_empty(),
        "commands with neither a typed method nor a reason: {unexplained:?}"
    );
    assert!(
        stale.is_empty(),
        "listed as not offered but have a typed method: {stale:?}"
    );
    // The target is for the release anyredis aims at; an older server's
    // figure (containers counted whole) is reported only.
    assert!(
        version < (TARGET_RELEASE.0, TARGET_RELEASE.1, 0) || share >= TARGET,
        "coverage {:.1}% is below the {:.0}% target",
        share * 100.0,
        TARGET * 100.0
    );
}
