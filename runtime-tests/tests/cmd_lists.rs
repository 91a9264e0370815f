//! List and set commands, on every runtime.

mod cases {
    pub mod lists;
    pub mod sets;
}

runtime_tests::per_runtime! { local:
    lists: [push_edit_pop, lpos_options, move_and_mpop, blocking_pops, sub_resolution_timeouts, binary_replies],
    sets: [members, set_algebra, random_and_scan],
}
