//! Every URL form against a real server: host forms, database, options.

use anyredis::prelude::*;
use anyredis::{Protocol, Runtime};
use anyredis_test_support::RedisServer;

use crate::util::{client, info_field, server_version};
use crate::TestResult;

/// `CLIENT INFO` of the client's own connection, as `field=value` pairs.
async fn client_info(client: &Client) -> anyredis::Result<String> {
    client.cmd("CLIENT").arg("INFO").query().await
}

/// Whether `CLIENT INFO` says protocol `resp`; Redis before 7 has no `resp=`
/// field, so there the check is that the field is absent.
fn resp_is(info: &str, resp: &str) -> bool {
    if server_version() >= (7, 0, 0) {
        info_field(info, "resp") == Some(resp)
    } else {
        info_field(info, "resp").is_none()
    }
}

/// `redis://127.0.0.1`, `redis://localhost`, `/db`, `?db=`, `?protocol=`, `?client_name=`.
pub async fn url_forms(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let port = server.port();
    for url in [
        format!("redis://127.0.0.1:{port}"),
        format!("redis://localhost:{port}/0"),
        format!("redis://127.0.0.1:{port}/?db=0"),
    ] {
        let c = client(&url, &rt)?;
        assert_eq!(c.ping().await?, "PONG", "{url}");
    }

    let c = client(&format!("redis://127.0.0.1:{port}/3"), &rt)?;
    c.set("where", "db3").await?;
    assert!(info_field(&client_info(&c).await?, "db") == Some("3"));
    let c = client(
        &format!("redis://127.0.0.1:{port}?db=4&protocol=2&client_name=url-test"),
        &rt,
    )?;
    c.set("where", "db4").await?;
    let info = client_info(&c).await?;
    assert!(
        info_field(&info, "db") == Some("4") && resp_is(&info, "2") && info_field(&info, "name") == Some("url-test"),
        "{info}"
    );
    let c = client(
        &format!("redis://127.0.0.1:{port}?protocol=3&response_timeout=5s&connect_timeout=2s"),
        &rt,
    )?;
    let info = client_info(&c).await?;
    assert!(resp_is(&info, "3"), "{info}");

    // The writes really landed in those databases.
    let mut raw = server.raw_connection()?;
    raw.command(&["SELECT", "3"])?;
    assert_eq!(raw.command(&["GET", "where"])?.to_string(), "db3");
    raw.command(&["SELECT", "4"])?;
    assert_eq!(raw.command(&["GET", "where"])?.to_string(), "db4");
    raw.command(&["SELECT", "0"])?;
    assert_eq!(raw.command(&["EXISTS", "where"])?.to_string(), "0");
    Ok(())
}

/// The builder says everything a URL says.
pub async fn builder_settings(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = Client::builder()
        .host("127.0.0.1", server.port())
        .db(7)
        .protocol(Protocol::Resp2)
        .client_name("built")
        .runtime(rt)
        .build()?;
    c.set("x", 1).await?;
    let info = client_info(&c).await?;
    assert!(
        info_field(&info, "db") == Some("7") && resp_is(&info, "2") && info_field(&info, "name") == Some("built"),
        "{info}"
    );
    let conn = c.dedicated().await?;
    assert_eq!(conn.protocol(), Protocol::Resp2);
    Ok(())
}

/// `SELECT` of a database the server does not have fails the connect with the server's error.
pub async fn select_out_of_range(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&format!("redis://127.0.0.1:{}/99", server.port()), &rt)?;
    let err = c.ping().await.expect_err("db 99 does not exist");
    assert!(err.is_server(), "{err}");
    assert!(err.to_string().contains("DB index is out of range"), "{err}");
    Ok(())
}
