//! MIGRATE between two real servers.

use std::time::Duration;

use anyredis::commands::{MigrateOptions, MigrateOutcome};
use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;

use crate::util::client;
use crate::TestResult;

/// Keys move (or are copied) to the target's database; NOKEY when none exist;
/// an existing key on the target is an error unless REPLACE; AUTH reaches a
/// password-protected target.
pub async fn migrate_between_servers(rt: Runtime) -> TestResult {
    let source = RedisServer::new();
    let target = RedisServer::builder().password("target-pw").build();
    let from = client(&source.url(), &rt)?;
    let to = client(&format!("redis://:target-pw@127.0.0.1:{}/2", target.port()), &rt)?;
    let port = target.port();
    let second = Duration::from_secs(1);
    from.set("a", 1).await?;
    from.set("b", 2).await?;

    let moved = from
        .migrate(
            "127.0.0.1",
            port,
            2,
            second,
            ("a", "b"),
            MigrateOptions::new().auth("target-pw"),
        )
        .await?;
    assert_eq!(moved, MigrateOutcome::Migrated);
    assert_eq!(from.exists(("a", "b")).await?, 0);
    assert_eq!((to.get::<i64>("a").await?, to.get::<i64>("b").await?), (1, 2));

    let none = from
        .migrate(
            "127.0.0.1",
            port,
            2,
            second,
            "a",
            MigrateOptions::new().auth("target-pw"),
        )
        .await?;
    assert_eq!(none, MigrateOutcome::NoKeys);

    from.set("a", 10).await?;
    let err = from
        .migrate(
            "127.0.0.1",
            port,
            2,
            second,
            "a",
            MigrateOptions::new().auth("target-pw"),
        )
        .await
        .expect_err("a exists on the target");
    assert_eq!(err.code(), Some("ERR"), "{err}");
    assert!(err.to_string().contains("BUSYKEY"), "{err}");
    let copy = MigrateOptions::new().copy().replace().auth("target-pw");
    assert_eq!(
        from.migrate("127.0.0.1", port, 2, second, "a", copy).await?,
        MigrateOutcome::Migrated
    );
    assert_eq!(from.get::<i64>("a").await?, 10, "COPY keeps the source key");
    assert_eq!(to.get::<i64>("a").await?, 10);

    let err = from
        .migrate(
            "127.0.0.1",
            port,
            2,
            second,
            "a",
            MigrateOptions::new().copy().replace().auth("m1grate-s3cret"),
        )
        .await
        .expect_err("bad password");
    assert!(err.is_server(), "{err}");
    assert!(err.to_string().contains("WRONGPASS"), "{err}");
    // The password sent appears nowhere in the error.
    assert!(!format!("{err} {err:?}").contains("m1grate-s3cret"), "{err:?}");
    Ok(())
}
