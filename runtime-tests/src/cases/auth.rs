//! Passwords and ACL users, over RESP3 (HELLO AUTH) and RESP2 (AUTH).

use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;

use crate::util::client;
use crate::TestResult;

/// `requirepass`: the right password works, none gives NOAUTH, a wrong one WRONGPASS.
pub async fn password(rt: Runtime) -> TestResult {
    let server = RedisServer::builder().password("s3cr%t pw").build();
    let port = server.port();
    for protocol in ["2", "3"] {
        let c = client(
            &format!("redis://:s3cr%25t%20pw@127.0.0.1:{port}?protocol={protocol}"),
            &rt,
        )?;
        assert_eq!(c.ping().await?, "PONG");

        let c = client(&format!("redis://127.0.0.1:{port}?protocol={protocol}"), &rt)?;
        let err = c.ping().await.expect_err("no password");
        assert_eq!(err.code(), Some("NOAUTH"), "{err}");

        let c = client(
            &format!("redis://:wr0ng-s3cret@127.0.0.1:{port}?protocol={protocol}"),
            &rt,
        )?;
        let err = c.ping().await.expect_err("wrong password");
        assert_eq!(err.code(), Some("WRONGPASS"), "{err}");
        // The password sent appears nowhere in the error.
        assert!(!format!("{err} {err:?}").contains("wr0ng-s3cret"), "{err:?}");
    }
    Ok(())
}

/// An ACL user authenticates with user and password and is who the server says.
pub async fn acl_user(rt: Runtime) -> TestResult {
    let server = RedisServer::builder()
        .acl_user("alice", "al1ce-pw", "~app:* +@all")
        .build();
    let port = server.port();
    for protocol in ["2", "3"] {
        let c = client(
            &format!("redis://alice:al1ce-pw@127.0.0.1:{port}?protocol={protocol}"),
            &rt,
        )?;
        let me: String = c.cmd("ACL").arg("WHOAMI").query().await?;
        assert_eq!(me, "alice");
        c.set("app:1", "ok").await?;
        // Her rules only allow keys under app:
        let err = c.set("other", "no").await.expect_err("outside her key pattern");
        assert_eq!(err.code(), Some("NOPERM"), "{err}");
        // The connection is still usable after the server error.
        assert_eq!(c.get::<String>("app:1").await?, "ok");

        let c = client(&format!("redis://alice:nope@127.0.0.1:{port}?protocol={protocol}"), &rt)?;
        let err = c.ping().await.expect_err("wrong password");
        assert_eq!(err.code(), Some("WRONGPASS"), "{err}");
        assert!(!format!("{err} {err:?}").contains("nope"), "{err:?}");
    }
    Ok(())
}
