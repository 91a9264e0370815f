//! Server commands without a typed method, each with the reason. The
//! coverage check (`runtime-tests/tests/coverage.rs`) compares this list and
//! the typed methods with the live server's `COMMAND LIST`.

/// `(command, reason)` for every Redis command that has no typed method.
/// Names are lowercase, subcommands as `container|sub`. Every one of them can
/// still be sent with [`crate::cmd`].
pub const NOT_OFFERED: &[(&str, &str)] = &[
    (
        "hello",
        "done by the handshake: the protocol is a configuration setting",
    ),
    (
        "quit",
        "would close the shared connection; drop the client or connection instead",
    ),
    (
        "subscribe",
        "on PubSub, not Client: subscriptions need a dedicated connection and a message stream",
    ),
    ("unsubscribe", "on PubSub, not Client"),
    ("psubscribe", "on PubSub, not Client"),
    ("punsubscribe", "on PubSub, not Client"),
    ("ssubscribe", "on PubSub, not Client"),
    ("sunsubscribe", "on PubSub, not Client"),
    ("sync", "replication internal"),
    ("psync", "replication internal"),
    ("replconf", "replication internal"),
    ("pfdebug", "HyperLogLog internals for debugging"),
    ("pfselftest", "HyperLogLog internal self-test"),
    ("script|debug", "interactive Lua debugger (redis-cli --ldb only)"),
    (
        "restore-asking",
        "cluster-internal form of RESTORE sent by MIGRATE during resharding",
    ),
    (
        "client|reply",
        "replies are matched in order: suppressing them would desynchronise the connection",
    ),
];
