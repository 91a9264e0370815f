//! Sorted set and geospatial commands, on every runtime.

mod cases {
    pub mod geo;
    pub mod sorted_sets;
}

runtime_tests::per_runtime! { local:
    sorted_sets: [add_score_rank, ranges, pops, combine_random_scan],
    geo: [add_pos_dist_hash, search],
}
