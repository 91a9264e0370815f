//! Server administration and ACL commands, on every runtime.

mod cases {
    pub mod acl;
    pub mod server;
}

runtime_tests::per_runtime! { local:
    server: [config_and_info, slowlog_and_latency, time_save_role_replication, databases, command_introspection, memory_module_lolwut, shutdown_failover],
    acl: [users_rules_and_dryrun, log_and_auth, save_load_and_redaction],
}
