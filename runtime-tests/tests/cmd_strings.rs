//! String, bitmap and HyperLogLog commands, on every runtime.

mod cases {
    pub mod bitmaps;
    pub mod hyperloglog;
    pub mod strings;
}

runtime_tests::per_runtime! { local:
    strings: [get_set_incr, set_options_and_expiry, ranges_and_multi, lcs, fractional_expiry],
    bitmaps: [bits_counts_and_ops, bitfield],
    hyperloglog: [pfadd_count_merge],
}
