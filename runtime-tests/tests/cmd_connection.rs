//! Connection, dedicated-connection and cluster commands, on every runtime.

mod cases {
    pub mod cluster;
    pub mod connection;
    pub mod dedicated;
}

runtime_tests::per_runtime! { local:
    connection: [echo_ping_client_info, client_kill_filters, client_pause_and_unblock],
    dedicated: [watch_multi_exec, select_name_auth_reset, tracking_caching_no_evict],
    cluster: [single_node_introspection, slot_and_node_admin, not_a_cluster],
}
