//! [`ToArgs`] and [`ToSingleArg`] for `Args` itself and for std and `bytes` types.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::hash::BuildHasher;
use std::rc::Rc;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};

use super::{format_f32, Args, FloatBuf, ToArgs, ToSingleArg};

impl ToArgs for Args {
    /// Appends all of another `Args`'s arguments.
    fn write_args(&self, out: &mut Args) {
        out.buf.extend(&[self.buf.as_slice()]);
        out.count = out.count.saturating_add(self.count);
    }
}

macro_rules! int_args {
    ($method:ident as $wide:ty: $($t:ty),*) => {$(
        impl ToArgs for $t {
            fn write_args(&self, out: &mut Args) {
                out.$method(<$wide>::from(*self));
            }
        }
        impl ToSingleArg for $t {}
    )*};
}
int_args!(push_int as i64: i8, i16, i32, i64);
int_args!(push_uint as u64: u16, u32, u64);

macro_rules! itoa_args {
    ($($t:ty),*) => {$(
        impl ToArgs for $t {
            fn write_args(&self, out: &mut Args) {
                out.push(itoa::Buffer::new().format(*self).as_bytes());
            }
        }
        impl ToSingleArg for $t {}
    )*};
}
itoa_args!(i128, u128, isize, usize);

impl ToArgs for f64 {
    fn write_args(&self, out: &mut Args) {
        out.push_float(*self);
    }
}
impl ToSingleArg for f64 {}

impl ToArgs for f32 {
    /// The shortest text for the `f32` (`0.1`, not `0.10000000149011612`).
    fn write_args(&self, out: &mut Args) {
        let mut buf = FloatBuf::new();
        out.push(format_f32(*self, &mut buf));
    }
}
impl ToSingleArg for f32 {}

impl ToArgs for bool {
    /// `"1"` or `"0"`.
    fn write_args(&self, out: &mut Args) {
        out.push(if *self { b"1" } else { b"0" });
    }
}
impl ToSingleArg for bool {}

impl ToArgs for () {
    /// Nothing: for "no keys" / "no arguments" (e.g. `eval(script, (), ())`).
    fn write_args(&self, _out: &mut Args) {}
}

macro_rules! bytes_args {
    ($($t:ty),*) => {$(
        impl ToArgs for $t {
            fn write_args(&self, out: &mut Args) {
                out.push(AsRef::<[u8]>::as_ref(self));
            }
        }
        impl ToSingleArg for $t {}
    )*};
}
bytes_args!(str, String, [u8], Vec<u8>, Bytes, BytesMut);

impl<const N: usize> ToArgs for [u8; N] {
    fn write_args(&self, out: &mut Args) {
        out.push(self);
    }
}
impl<const N: usize> ToSingleArg for [u8; N] {}

impl<T: ToArgs + ?Sized> ToArgs for &T {
    fn write_args(&self, out: &mut Args) {
        (**self).write_args(out);
    }
}
impl<T: ToSingleArg + ?Sized> ToSingleArg for &T {}

macro_rules! pointer_args {
    ($($p:ident),*) => {$(
        impl<T: ToArgs + ?Sized> ToArgs for $p<T> {
            fn write_args(&self, out: &mut Args) {
                (**self).write_args(out);
            }
        }
        impl<T: ToSingleArg + ?Sized> ToSingleArg for $p<T> {}
    )*};
}
pointer_args!(Box, Arc, Rc);

impl<B: ToArgs + ToOwned + ?Sized> ToArgs for Cow<'_, B> {
    fn write_args(&self, out: &mut Args) {
        (**self).write_args(out);
    }
}
impl<B: ToSingleArg + ToOwned + ?Sized> ToSingleArg for Cow<'_, B> {}

impl<T: ToArgs> ToArgs for Option<T> {
    /// `Some(v)` writes `v`'s arguments, `None` writes nothing.
    fn write_args(&self, out: &mut Args) {
        if let Some(value) = self {
            value.write_args(out);
        }
    }
}

macro_rules! seq_args {
    ($([$($gen:tt)*] $t:ty),*) => {$(
        impl<$($gen)*> ToArgs for $t {
            fn write_args(&self, out: &mut Args) {
                for item in self {
                    item.write_args(out);
                }
            }
        }
    )*};
}
seq_args!(
    [T: ToArgs] [T],
    [T: ToArgs] Vec<T>,
    [T: ToArgs, const N: usize] [T; N],
    [T: ToArgs] VecDeque<T>,
    [T: ToArgs, S: BuildHasher] HashSet<T, S>,
    [T: ToArgs] BTreeSet<T>
);

impl<K: ToArgs, V: ToArgs, S: BuildHasher> ToArgs for HashMap<K, V, S> {
    /// Each key then its value, in the map's iteration order.
    fn write_args(&self, out: &mut Args) {
        for (key, value) in self {
            key.write_args(out);
            value.write_args(out);
        }
    }
}

impl<K: ToArgs, V: ToArgs> ToArgs for BTreeMap<K, V> {
    /// Each key then its value, in key order.
    fn write_args(&self, out: &mut Args) {
        for (key, value) in self {
            key.write_args(out);
            value.write_args(out);
        }
    }
}

macro_rules! tuple_args {
    ($(($($name:ident),+)),*) => {$(
        impl<$($name: ToArgs),+> ToArgs for ($($name,)+) {
            #[allow(non_snake_case)]
            fn write_args(&self, out: &mut Args) {
                let ($($name,)+) = self;
                $($name.write_args(out);)+
            }
        }
    )*};
}
tuple_args!(
    (A),
    (A, B),
    (A, B, C),
    (A, B, C, D),
    (A, B, C, D, E),
    (A, B, C, D, E, F),
    (A, B, C, D, E, F, G),
    (A, B, C, D, E, F, G, H),
    (A, B, C, D, E, F, G, H, I),
    (A, B, C, D, E, F, G, H, I, J),
    (A, B, C, D, E, F, G, H, I, J, K),
    (A, B, C, D, E, F, G, H, I, J, K, L)
);
