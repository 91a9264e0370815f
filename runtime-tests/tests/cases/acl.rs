//! ACL commands against a real server.

use std::time::Duration;

use anyredis::commands::{AclDryRun, AclLogReason, AclRule};
use anyredis::prelude::*;
use anyredis::value::Args;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use runtime_tests::util::client;
use runtime_tests::util::needs_version;
use runtime_tests::TestResult;

const PASSWORD: &str = "correct-horse-battery";

fn alice_rules() -> Vec<AclRule> {
    vec![
        AclRule::Reset,
        AclRule::On,
        AclRule::password(PASSWORD),
        AclRule::key_pattern("app:*"),
        AclRule::ReadKeyPattern("ro:*".into()),
        AclRule::allow_category("read"),
        AclRule::allow_command("set"),
        AclRule::deny_command("keys"),
        AclRule::channel_pattern("news.*"),
        AclRule::Selector("~sel:* +hget".into()),
    ]
}

/// SETUSER with typed rules, GETUSER (RESP2 and RESP3), USERS, LIST, CAT,
/// GENPASS, DRYRUN, WHOAMI, DELUSER.
pub async fn users_rules_and_dryrun(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["ACL", "SETUSER", "probe", "%R~x"]], "Syntax error").await? {
        return Ok(());
    }
    let server = RedisServer::new();
    let c2 = client(&format!("{}?protocol=2", server.url()), &rt)?;
    let c = client(&server.url(), &rt)?;
    c.acl_setuser("alice", alice_rules()).await?;
    c.acl_setuser("bob", ["on", "nopass", "+ping"]).await?;

    for c in [&c2, &c] {
        let mut users = c.acl_users().await?;
        users.sort();
        assert_eq!(users, ["alice", "bob", "default"]);

        let alice = c.acl_getuser("alice").await?.expect("alice exists");
        assert!(alice.is_enabled() && !alice.is_nopass(), "{alice:?}");
        assert_eq!(alice.passwords.len(), 1);
        assert_eq!(alice.passwords[0].len(), 64, "a SHA-256 hash, not the password");
        assert_eq!(alice.keys, "~app:* %R~ro:*");
        assert_eq!(alice.channels, "&news.*");
        assert!(alice.commands.contains("+@read") && alice.commands.contains("+set"));
        assert!(alice.commands.contains("-keys"), "{}", alice.commands);
        assert_eq!(alice.selectors.len(), 1);
        assert_eq!(alice.selectors[0].keys, "~sel:*");
        assert!(alice.selectors[0].commands.contains("+hget"));
        let bob = c.acl_getuser("bob").await?.expect("bob exists");
        assert!(bob.is_nopass() && bob.passwords.is_empty());
        assert_eq!(c.acl_getuser("nobody").await?, None);

        let list = c.acl_list().await?;
        assert!(
            list.iter().any(|l| l.starts_with("user alice on ") && l.contains(" #")),
            "{list:?}"
        );
        assert!(!list.iter().any(|l| l.contains(PASSWORD)));

        assert!(c.acl_cat().await?.iter().any(|c| c == "hyperloglog"));
        assert!(c.acl_cat_commands("hyperloglog").await?.iter().any(|c| c == "pfadd"));
        let err = c.acl_cat_commands("nosuchcategory").await.unwrap_err();
        assert_eq!(err.code(), Some("ERR"));

        let pass = c.acl_genpass().await?;
        assert_eq!(pass.len(), 64);
        assert!(pass.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(c.acl_genpass_bits(32).await?.len(), 8);

        assert_eq!(c.acl_dryrun("alice", ("GET", "app:1")).await?, AclDryRun::Allowed);
        assert!(!c.acl_dryrun("alice", ("SET", "ro:1", "v")).await?.is_allowed());
        match c.acl_dryrun("alice", ("DEL", "app:1")).await? {
            AclDryRun::Denied(why) => assert!(why.contains("del"), "{why}"),
            other => panic!("DEL should be denied: {other:?}"),
        }
        assert!(c.acl_dryrun("alice", ("HGET", "sel:1", "f")).await?.is_allowed());
        let err = c.acl_dryrun("nobody", ["PING"]).await.unwrap_err();
        assert_eq!(err.code(), Some("ERR"));
        assert_eq!(c.acl_whoami().await?, "default");
    }

    let err = c.acl_setuser("carol", ["on", "bogus-rule"]).await.unwrap_err();
    assert_eq!(err.code(), Some("ERR"), "{err}");
    assert_eq!(c.acl_deluser(["bob", "nobody"]).await?, 1);
    assert_eq!(c.acl_deluser("alice").await?, 1);
    assert_eq!(c.acl_users().await?, ["default"]);
    Ok(())
}

/// A user's denied commands and failed logins land in ACL LOG (typed, RESP2
/// and RESP3); LOG count and RESET.
pub async fn log_and_auth(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["ACL", "SETUSER", "probe", "%R~x"]], "Syntax error").await? {
        return Ok(());
    }
    let server = RedisServer::new();
    let admin2 = client(&format!("{}?protocol=2", server.url()), &rt)?;
    let admin = client(&server.url(), &rt)?;
    admin.acl_setuser("alice", alice_rules()).await?;
    admin
        .acl_setuser("alice", [AclRule::allow_command("acl|whoami")])
        .await?;

    let url = format!("redis://alice:{PASSWORD}@{}:{}", server.host(), server.port());
    let alice = client(&url, &rt)?;
    assert_eq!(alice.acl_whoami().await?, "alice");
    alice.set("app:1", "v").await?;
    let err = alice.set("other", "v").await.unwrap_err();
    assert_eq!(err.code(), Some("NOPERM"), "{err}");
    let err = alice.cmd("FLUSHALL").query::<()>().await.unwrap_err();
    assert_eq!(err.code(), Some("NOPERM"), "{err}");
    let bad = format!("redis://alice:wrong@{}:{}", server.host(), server.port());
    let err = client(&bad, &rt)?.acl_whoami().await.expect_err("wrong password");
    assert_eq!(err.code(), Some("WRONGPASS"), "{err}");
    assert!(!format!("{err} {err:?}").contains(":wrong@"), "{err:?}");

    for c in [&admin2, &admin] {
        let log = c.acl_log().await?;
        assert_eq!(log.len(), 3, "{log:?}");
        let auth = &log[0];
        assert_eq!(auth.reason, AclLogReason::Auth);
        assert_eq!(auth.username, "alice");
        // The handshake authenticates with HELLO ... AUTH on RESP3.
        assert_eq!(auth.object, "HELLO");
        let command = &log[1];
        assert_eq!(command.reason, AclLogReason::Command);
        assert_eq!(command.object, "flushall");
        assert_eq!(command.context, "toplevel");
        assert!(command.client_info.contains("user=alice"), "{}", command.client_info);
        assert!(command.age < Duration::from_secs(60));
        let key = &log[2];
        assert_eq!(
            (key.reason.clone(), key.object.as_str(), key.count),
            (AclLogReason::Key, "other", 1)
        );
        assert_eq!(c.acl_log_count(1).await?.len(), 1);
    }
    admin.acl_log_reset().await?;
    assert!(admin.acl_log().await?.is_empty());
    Ok(())
}

/// ACL SAVE and LOAD with an ACL file (and the error without one); passwords
/// never show in `Debug`.
pub async fn save_load_and_redaction(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["ACL", "SETUSER", "probe", "%R~x"]], "Syntax error").await? {
        return Ok(());
    }
    let rules = alice_rules();
    let shown = format!("{rules:?}");
    assert!(!shown.contains(PASSWORD), "{shown}");
    assert!(shown.contains("AclRule(\"~app:*\")"), "{shown}");
    let raw = [
        AclRule::Raw(format!(">{PASSWORD}")),
        AclRule::AddHashedPassword("ab".repeat(32)),
    ];
    assert!(!format!("{raw:?}").contains(PASSWORD));
    assert!(!format!("{raw:?}").contains("abab"));
    let mut args = Args::new();
    ("ACL", "SETUSER", "alice", &rules).write_args(&mut args);
    assert!(!format!("{args:?}").contains(PASSWORD), "{args:?}");

    let plain = RedisServer::new();
    let err = client(&plain.url(), &rt)?.acl_save().await.unwrap_err();
    assert_eq!(err.code(), Some("ERR"), "{err}");

    let acl_file = std::env::temp_dir().join(format!(
        "anyredis-acl-{}-{}.acl",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_nanos()
    ));
    std::fs::write(&acl_file, "")?;
    let server = RedisServer::builder().arg("--aclfile").arg(&acl_file).build();
    let c = client(&server.url(), &rt)?;
    let result = async {
        c.acl_setuser("alice", alice_rules()).await?;
        c.acl_save().await?;
        let saved = std::fs::read_to_string(&acl_file)?;
        assert!(saved.contains("user alice on "), "{saved}");
        assert!(!saved.contains(PASSWORD));
        c.acl_deluser("alice").await?;
        assert!(c.acl_getuser("alice").await?.is_none());
        c.acl_load().await?;
        let alice = c.acl_getuser("alice").await?.expect("reloaded from the file");
        assert_eq!(alice.keys, "~app:* %R~ro:*");
        TestResult::Ok(())
    }
    .await;
    let _ = std::fs::remove_file(&acl_file);
    result
}
