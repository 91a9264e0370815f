//! Generic key, hash and SCAN-family commands, on every runtime.

mod cases {
    pub mod hashes;
    pub mod keys;
    pub mod scan;
}

runtime_tests::per_runtime! { local:
    keys: [keyspace_basics, expiry, fractional_expiry, dump_restore_object, sort, wait],
    hashes: [read_write, counters_random_scan],
    scan: [scan_keyspace, collection_streams],
}
