//! Connection commands on the shared connection, against a real server.

use std::time::{Duration, Instant};

use anyredis::commands::{
    ClientInfo, ClientKillFilter, ClientListFilter, ClientType, PauseMode, TrackingRedirect, UnblockMode,
};
use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use futures_util::future::join;
use runtime_tests::util::expect_connection_error;
use runtime_tests::util::{client, sleep};
use runtime_tests::TestResult;

/// PING, ECHO, CLIENT ID / GETNAME / INFO / LIST / GETREDIR / TRACKINGINFO, on RESP2 and RESP3.
pub async fn echo_ping_client_info(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    for protocol in [2u8, 3] {
        let c = client(
            &format!("{}?protocol={protocol}&client_name=shared-{protocol}", server.url()),
            &rt,
        )?;
        assert_eq!(c.ping().await?, "PONG");
        assert_eq!(c.ping_message::<String>("hi").await?, "hi");
        assert_eq!(c.echo::<Vec<u8>>(&b"bin\0ary"[..]).await?, b"bin\0ary");
        assert_eq!(c.echo::<i64>(42).await?, 42);

        let id = c.client_id().await?;
        assert!(id > 0);
        assert_eq!(
            c.client_getname().await?.as_deref(),
            Some(&*format!("shared-{protocol}"))
        );

        let info = c.client_info().await?;
        assert_eq!(info.id, id);
        assert_eq!(info.name.as_deref(), Some(&*format!("shared-{protocol}")));
        assert_eq!(info.db, 0);
        if runtime_tests::util::server_version() >= (7, 0, 0) {
            assert_eq!(info.resp, Some(protocol));
            assert_eq!(info.cmd, "client|info");
        } else {
            // Redis 6.2's CLIENT INFO has no resp= and names the container only.
            assert_eq!((info.resp, info.cmd.as_str()), (None, "client"));
        }
        assert_eq!(info.user, "default");
        assert_eq!(info.multi, None);
        assert_eq!((info.sub, info.psub), (0, 0));
        assert!(info.has_flag('N'), "flags {:?}", info.flags);
        assert!(
            info.laddr.ends_with(&format!(":{}", server.port())),
            "laddr {}",
            info.laddr
        );
        assert!(info.addr.starts_with("127.0.0.1:"), "addr {}", info.addr);
        assert!(info.field("qbuf").is_some() && info.field("tot-mem").is_some());
        assert_eq!(info.field("id"), Some(&*id.to_string()));

        let all = c.client_list().await?;
        let list_cmd = if runtime_tests::util::server_version() >= (7, 0, 0) {
            "client|list"
        } else {
            "client"
        };
        assert!(all.iter().any(|i| i.id == id && i.cmd == list_cmd));
        let mine = c.client_list_options(ClientListFilter::Ids(vec![id])).await?;
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].name, info.name);
        let normal = c
            .client_list_options(ClientListFilter::Type(ClientType::Normal))
            .await?;
        assert!(normal.iter().any(|i| i.id == id));
        let pubsub = c
            .client_list_options(ClientListFilter::Type(ClientType::PubSub))
            .await?;
        assert!(pubsub.is_empty());
        assert!(c
            .client_list_options(ClientListFilter::Ids(vec![u64::from(u32::MAX)]))
            .await?
            .is_empty());

        assert_eq!(c.client_getredir().await?, TrackingRedirect::Off);
        let tracking = c.client_trackinginfo().await?;
        assert_eq!(tracking.flags, ["off"]);
        assert_eq!(tracking.redirect, TrackingRedirect::Off);
        assert!(tracking.prefixes.is_empty());
    }
    let unnamed = client(&server.url(), &rt)?;
    assert_eq!(unnamed.client_getname().await?, None);
    assert_eq!(unnamed.client_info().await?.name, None);
    Ok(())
}

/// CLIENT KILL by id, address, local address + user + SKIPME, and the server's errors.
pub async fn client_kill_filters(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;

    let victim = c.dedicated().await?;
    let id = victim.client_id().await?;
    assert_eq!(c.client_kill(ClientKillFilter::new().id(id)).await?, 1);
    expect_connection_error(victim.ping().await);
    assert_eq!(c.client_kill(ClientKillFilter::new().id(id)).await?, 0);

    let victim = c.dedicated().await?;
    let addr = victim.client_info().await?.addr;
    assert_eq!(c.client_kill(ClientKillFilter::new().addr(&*addr)).await?, 1);
    expect_connection_error(victim.ping().await);

    let (a, b) = (c.dedicated().await?, c.dedicated().await?);
    let me = c.client_info().await?;
    let others = ClientKillFilter::new()
        .laddr(&*me.laddr)
        .user("default")
        .client_type(ClientType::Normal)
        .skip_me(true);
    assert_eq!(c.client_kill(others).await?, 2);
    expect_connection_error(a.ping().await);
    expect_connection_error(b.ping().await);
    assert_eq!(c.ping().await?, "PONG", "SKIPME yes spared the caller");
    let err = c
        .client_kill(ClientKillFilter::new().user("nobody"))
        .await
        .expect_err("no such user");
    assert_eq!(err.code(), Some("ERR"));

    let err = c.client_kill(ClientKillFilter::new()).await.expect_err("no filter");
    assert_eq!(err.code(), Some("ERR"));
    assert_eq!(c.client_kill(ClientKillFilter::new().addr("10.0.0.1:1")).await?, 0);
    Ok(())
}

/// CLIENT PAUSE WRITE holds writes back until CLIENT UNPAUSE; CLIENT UNBLOCK ends a BLPOP
/// with a timeout or an error.
pub async fn client_pause_and_unblock(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let writer = client(&server.url(), &rt)?;
    c.set("k", "before").await?;

    c.client_pause(Duration::from_secs(20), PauseMode::Write).await?;
    let started = Instant::now();
    let (written, read) = join(writer.set("k", "after"), async {
        sleep(Duration::from_millis(300)).await;
        let read = c.get::<String>("k").await; // reads go on during a WRITE pause
        c.client_unpause().await.map(|()| read)
    })
    .await;
    written?;
    assert_eq!(read??, "before");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(250),
        "the write was not paused ({waited:?})"
    );
    assert!(
        waited < Duration::from_secs(10),
        "CLIENT UNPAUSE did not release it ({waited:?})"
    );
    assert_eq!(c.get::<String>("k").await?, "after");

    let blocked = c.dedicated().await?;
    let id = blocked.client_id().await?;
    assert!(!c.client_unblock(id, UnblockMode::Timeout).await?, "not blocked yet");
    for (mode, want_error) in [(UnblockMode::Timeout, false), (UnblockMode::Error, true)] {
        let blpop = blocked.cmd("BLPOP").arg("queue").arg(30);
        let (popped, unblocked) = join(blpop.query::<Option<Vec<String>>>(), async {
            while !client_by_id(&c, id).await?.has_flag('b') {
                sleep(Duration::from_millis(10)).await;
            }
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(c.client_unblock(id, mode).await?)
        })
        .await;
        assert!(unblocked?);
        match popped {
            Ok(reply) => assert!(!want_error && reply.is_none(), "{reply:?}"),
            Err(e) => assert!(want_error && e.code() == Some("UNBLOCKED"), "{e}"),
        }
    }
    Ok(())
}

/// The client with this id, as `CLIENT LIST ID` shows it to `c`.
pub async fn client_by_id(c: &Client, id: u64) -> Result<ClientInfo, Box<dyn std::error::Error + Send + Sync>> {
    let list = c.client_list_options(ClientListFilter::Ids(vec![id])).await?;
    let found = list.into_vec().pop();
    found.ok_or_else(|| format!("no client with id {id}").into())
}
