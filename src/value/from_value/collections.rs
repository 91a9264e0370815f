//! [`FromValue`] for sequences, sets, maps and tuples.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::hash::{BuildHasher, Hash};

use super::{resolve, FromValue};
use crate::resp::Value;
use crate::value::error::{key_context, ConversionError};

/// Converts an aggregate reply into a collection of `T` made by `make(len)`:
/// arrays, sets and pushes element by element, maps pair by pair (see
/// [`FromValue::extend_from_pairs`]), nil as an empty collection.
fn collect<T, C>(value: Value, name: &'static str, make: impl FnOnce(usize) -> C) -> Result<C, ConversionError>
where
    T: FromValue,
    C: Extend<T>,
{
    match resolve(value, name)? {
        Value::Array(items) | Value::Set(items) | Value::Push(items) => {
            let mut out = make(items.len());
            T::extend_from_items(items, &mut out)?;
            Ok(out)
        }
        Value::Map(pairs) => {
            let mut out = make(pairs.len());
            T::extend_from_pairs(pairs, &mut out)?;
            Ok(out)
        }
        Value::Nil => Ok(make(0)),
        other => Err(ConversionError::type_mismatch(name, &other)),
    }
}

impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        collect(value, "Vec", Vec::with_capacity)
    }
}

impl<T: FromValue> FromValue for VecDeque<T> {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        collect(value, "VecDeque", VecDeque::with_capacity)
    }
}

impl<T: FromValue + Eq + Hash, S: BuildHasher + Default> FromValue for HashSet<T, S> {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        collect(value, "HashSet", |n| HashSet::with_capacity_and_hasher(n, S::default()))
    }
}

impl<T: FromValue + Ord> FromValue for BTreeSet<T> {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        collect(value, "BTreeSet", |_| BTreeSet::new())
    }
}

impl<K, V, S> FromValue for HashMap<K, V, S>
where
    K: FromValue + Eq + Hash,
    V: FromValue,
    S: BuildHasher + Default,
{
    /// A later duplicate key replaces an earlier one.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        collect(value, "HashMap", |n| HashMap::with_capacity_and_hasher(n, S::default()))
    }
}

impl<K: FromValue + Ord, V: FromValue> FromValue for BTreeMap<K, V> {
    /// A later duplicate key replaces an earlier one.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        collect(value, "BTreeMap", |_| BTreeMap::new())
    }
}

/// Converts one key/value pair; `index` is the pair's position, for errors.
fn pair<K: FromValue, V: FromValue>(key: Value, value: Value, index: usize) -> Result<(K, V), ConversionError> {
    let value = V::from_value(value).map_err(|e| e.with_context(format_args!("value for {}", key_context(&key))))?;
    let key = K::from_value(key).map_err(|e| e.with_context(format_args!("key of pair {index}")))?;
    Ok((key, value))
}

/// Whether `items` is in the nested pair form `[[k1, v1], [k2, v2], ...]`.
fn nested_pairs(items: &[Value]) -> bool {
    !items.is_empty() && items.iter().all(|item| matches!(item, Value::Array(a) if a.len() == 2))
}

impl<A: FromValue, B: FromValue> FromValue for (A, B) {
    /// An array, set or push of two elements, or a map of exactly one pair.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        const NAME: &str = "(_, _)";
        match resolve(value, NAME)? {
            Value::Array(items) | Value::Set(items) | Value::Push(items) if items.len() == 2 => {
                let mut items = items.into_iter();
                let (Some(a), Some(b)) = (items.next(), items.next()) else {
                    return Err(ConversionError::type_mismatch(NAME, &Value::Nil));
                };
                let a = A::from_value(a).map_err(|e| e.with_context("element 0"))?;
                let b = B::from_value(b).map_err(|e| e.with_context("element 1"))?;
                Ok((a, b))
            }
            Value::Map(pairs) if pairs.len() == 1 => match pairs.into_iter().next() {
                Some((key, value)) => pair(key, value, 0),
                None => Err(ConversionError::type_mismatch(NAME, &Value::Nil)),
            },
            other @ (Value::Array(_) | Value::Set(_) | Value::Push(_)) => {
                Err(ConversionError::length_mismatch("array of 2 elements", &other))
            }
            other @ Value::Map(_) => Err(ConversionError::length_mismatch("map of 1 pair", &other)),
            other => Err(ConversionError::type_mismatch(NAME, &other)),
        }
    }

    /// Takes both `[[k1, v1], [k2, v2]]` (every element a 2-element array) and the
    /// flat `[k1, v1, k2, v2]` (even length).
    fn extend_from_items<C: Extend<Self>>(items: Vec<Value>, out: &mut C) -> Result<(), ConversionError> {
        if nested_pairs(&items) {
            for (i, item) in items.into_iter().enumerate() {
                let item = Self::from_value(item).map_err(|e| e.with_context(format_args!("element {i}")))?;
                out.extend(Some(item));
            }
            return Ok(());
        }
        if items.len() % 2 != 0 {
            return Err(ConversionError::length_mismatch(
                "array with an even number of elements",
                &Value::Array(items),
            ));
        }
        let mut items = items.into_iter();
        let mut index: usize = 0;
        while let (Some(key), Some(value)) = (items.next(), items.next()) {
            out.extend(Some(pair(key, value, index)?));
            index = index.saturating_add(1);
        }
        Ok(())
    }

    fn extend_from_pairs<C: Extend<Self>>(pairs: Vec<(Value, Value)>, out: &mut C) -> Result<(), ConversionError> {
        for (i, (key, value)) in pairs.into_iter().enumerate() {
            out.extend(Some(pair(key, value, i)?));
        }
        Ok(())
    }
}

macro_rules! tuple_from_value {
    ($($len:literal $name:literal: ($($t:ident),+);)*) => {$(
        impl<$($t: FromValue),+> FromValue for ($($t,)+) {
            #[allow(unused_assignments)]
            fn from_value(value: Value) -> Result<Self, ConversionError> {
                match resolve(value, $name)? {
                    Value::Array(items) | Value::Set(items) | Value::Push(items)
                        if items.len() == $len =>
                    {
                        let mut items = items.into_iter();
                        let mut index: usize = 0;
                        Ok(($({
                            let item = items.next().ok_or_else(|| ConversionError::type_mismatch(stringify!($t), &Value::Nil))?;
                            let item = $t::from_value(item)
                                .map_err(|e| e.with_context(format_args!("element {index}")))?;
                            index = index.saturating_add(1);
                            item
                        },)+))
                    }
                    other @ (Value::Array(_) | Value::Set(_) | Value::Push(_)) => {
                        let expected = if $len == 1 {
                            "array of 1 element".into()
                        } else {
                            format!("array of {} elements", $len)
                        };
                        Err(ConversionError::length_mismatch(expected, &other))
                    }
                    other => Err(ConversionError::type_mismatch($name, &other)),
                }
            }
        }
    )*};
}

tuple_from_value! {
    1 "(_,)": (A);
    3 "(_, _, _)": (A, B, C);
    4 "(_, _, _, _)": (A, B, C, D);
    5 "(_, _, _, _, _)": (A, B, C, D, E);
    6 "(_, _, _, _, _, _)": (A, B, C, D, E, F);
    7 "(_, _, _, _, _, _, _)": (A, B, C, D, E, F, G);
    8 "(_, _, _, _, _, _, _, _)": (A, B, C, D, E, F, G, H);
    9 "(_, _, _, _, _, _, _, _, _)": (A, B, C, D, E, F, G, H, I);
    10 "(_, _, _, _, _, _, _, _, _, _)": (A, B, C, D, E, F, G, H, I, J);
    11 "(_, _, _, _, _, _, _, _, _, _, _)": (A, B, C, D, E, F, G, H, I, J, K);
    12 "(_, _, _, _, _, _, _, _, _, _, _, _)": (A, B, C, D, E, F, G, H, I, J, K, L);
}
