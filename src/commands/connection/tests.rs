//! Parsing of the connection replies from hand-written values.

use std::time::Duration;

use super::*;
use crate::resp::Value;

#[test]
fn client_list_lines_old_and_new() {
    let text = "\
id=3 addr=127.0.0.1:5000 laddr=127.0.0.1:6379 fd=8 name=web age=12 idle=1 flags=xe db=2 sub=0 psub=1 multi=4 cmd=exec user=alice resp=3 future=yes
id=4 addr=127.0.0.1:5001 fd=9 name= age=0 idle=0 flags=N db=0 sub=0 psub=0 multi=-1 cmd=client
";
    let list = ClientList::from_value(Value::Verbatim {
        format: *b"txt",
        text: text.into(),
    })
    .unwrap();
    assert_eq!(list.len(), 2);
    let web = &list[0];
    assert_eq!((web.id, web.name.as_deref(), web.db, web.psub), (3, Some("web"), 2, 1));
    assert_eq!((web.age, web.idle), (Duration::from_secs(12), Duration::from_secs(1)));
    assert_eq!((web.multi, web.resp, web.user.as_str()), (Some(4), Some(3), "alice"));
    assert!(web.has_flag('x') && web.has_flag('e'));
    assert_eq!(web.field("future"), Some("yes"));
    // An older server: no laddr, user or resp.
    let old = &list[1];
    assert_eq!(
        (old.name.as_deref(), old.multi, old.resp, old.laddr.as_str()),
        (None, None, None, "")
    );

    let err = ClientInfo::from_value(Value::BulkString("id=x".into())).unwrap_err();
    assert_eq!(err.reason(), Some("not a number"));
}

#[test]
fn tracking_info_resp2_and_resp3() {
    let bulk = |s: &str| Value::BulkString(s.to_owned().into());
    let resp3 = Value::Map(vec![
        (bulk("flags"), Value::Set(vec![bulk("on"), bulk("bcast")])),
        (bulk("redirect"), Value::Integer(12)),
        (bulk("prefixes"), Value::Array(vec![bulk("user:")])),
    ]);
    let resp2 = Value::Array(vec![
        bulk("flags"),
        Value::Array(vec![bulk("on"), bulk("bcast")]),
        bulk("redirect"),
        Value::Integer(12),
        bulk("prefixes"),
        Value::Array(vec![bulk("user:")]),
    ]);
    let info = TrackingInfo::from_value(resp3).unwrap();
    assert_eq!(info, TrackingInfo::from_value(resp2).unwrap());
    assert!(info.has_flag("bcast"));
    assert_eq!(info.redirect, TrackingRedirect::To(12));
    assert_eq!(
        TrackingRedirect::from_value(Value::Integer(0)).unwrap(),
        TrackingRedirect::NotRedirected
    );
}
