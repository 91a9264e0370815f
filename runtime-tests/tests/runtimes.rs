//! The whole suite, once per runtime: `smol::…`, `async_std::…`, `tokio::…`.

runtime_tests::per_runtime! {
    basic: [lazy_open, typed_and_raw_commands, concurrent_callers_get_their_own_replies],
    urls: [url_forms, builder_settings, select_out_of_range],
    auth: [password, acl_user],
    protocol: [resp2_and_resp3_agree, negotiated_protocol, server_errors, wrong_type_conversion],
    transports: [unix_socket, tls, dedicated_and_own_socket],
    pipelines: [pipeline_replies_in_order, pipeline_mid_error, atomic_pipelines],
    pool: [blocking_commands_do_not_stall, blocking_pipeline, pool_exhaustion, idle_reaping, broken_and_abandoned_leases],
    transactions: [watch_counter_is_exact, watch_conflict_and_body_error],
    help_commands: [container_help, deprecated_georadius, debug_commands],
    migrate: [migrate_between_servers],
    resilience: [idempotent_pipeline_resent, reconnect_backoff_end_to_end, blocking_commands_leave_the_shared_connection],
    torture: [cancellation_torture, server_killed_during_incr, idempotent_retry],
    failures: [
        killed_connection_then_reconnect,
        server_restart,
        response_timeout,
        dropped_futures_do_not_desync,
        runtime_must_be_chosen,
        connect_timeout,
        oversized_reply,
        close,
    ],
}
