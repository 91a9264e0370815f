//! Lock tokens (random, 128 bits, one per acquisition) and the fence
//! counter's key name.

use crate::{Error, Result};

/// Bytes of randomness in a token (128 bits).
const TOKEN_BYTES: usize = 16;

/// A new random token: 128 bits from the operating system's CSPRNG
/// (`getrandom`), as 32 lowercase hex digits. Unguessable and, in practice,
/// never repeated, so no two acquisitions (in this process or another) can
/// mistake each other's lock for their own.
pub(crate) fn new_token() -> Result<String> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::getrandom(&mut bytes).map_err(|e| {
        Error::io(
            "reading random bytes for a lock token",
            std::io::Error::other(e.to_string()),
        )
    })?;
    let mut token = String::with_capacity(TOKEN_BYTES.saturating_mul(2));
    for b in bytes {
        token.push(hex_digit(b >> 4));
        token.push(hex_digit(b & 0x0f));
    }
    Ok(token)
}

fn hex_digit(n: u8) -> char {
    char::from_digit(u32::from(n), 16).unwrap_or('0')
}

/// The hash tag of a key: the bytes between the first `{` and the first `}`
/// after it, when not empty (Redis Cluster hashes only those).
fn hash_tag(key: &str) -> Option<&str> {
    let (_, after_open) = key.split_once('{')?;
    let (tag, _) = after_open.split_once('}')?;
    (!tag.is_empty()).then_some(tag)
}

/// The fence counter's key for a lock key: in the same cluster slot, so one
/// script can touch both. `name` with a hash tag: `name:fence`; without one:
/// `{name}:fence` (the whole name becomes the tag). A name that contains `}`
/// but no hash tag cannot be wrapped, and gets `name:fence` (in a cluster,
/// give such a name a hash tag or a fence key of your own).
pub(crate) fn fence_key_for(name: &str) -> String {
    if hash_tag(name).is_some() || name.contains('}') || name.is_empty() {
        format!("{name}:fence")
    } else {
        format!("{{{name}}}:fence")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_128_bit_hex_and_differ() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a, b);
    }

    #[test]
    fn fence_keys_share_the_slot() {
        assert_eq!(fence_key_for("orders"), "{orders}:fence");
        assert_eq!(fence_key_for("lock:{user1}:x"), "lock:{user1}:x:fence");
        assert_eq!(hash_tag(&fence_key_for("a{b")), Some("a{b"));
        assert_eq!(fence_key_for("a}b"), "a}b:fence");
        assert_eq!(fence_key_for("x{}y"), "x{}y:fence");
    }
}
