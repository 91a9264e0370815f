//! String, bitmap and HyperLogLog commands, on every runtime.

mod cases {
    pub mod strings;
}

runtime_tests::per_runtime! { local:
    strings: [get_set_incr],
}
