//! Redis Cluster hash slots: which of the 16,384 slots a key (or a shard
//! channel) belongs to. Standalone servers ignore slots; pub/sub records
//! them so that shard channels can later be routed to their node.

/// The number of hash slots in a Redis Cluster.
pub const SLOT_COUNT: u16 = 16_384;

/// CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), one byte at a time.
// Built at compile time: `i < 256` and `bit < 8` bound every index and sum.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const TABLE: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = (i as u16) << 8;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

fn crc16(bytes: &[u8]) -> u16 {
    bytes.iter().fold(0u16, |crc, &b| {
        let index = usize::from(((crc >> 8) as u8) ^ b);
        (crc << 8) ^ TABLE.get(index).copied().unwrap_or(0)
    })
}

/// The hash slot of `key`: CRC16 of the key modulo 16,384, where only the
/// part between the first `{` and the next `}` counts when that part is not
/// empty (a hash tag: `{user:1}:name` and `{user:1}:mail` share a slot).
///
/// ```
/// use anyredis::key_slot;
/// assert_eq!(key_slot(b"foo"), 12182);
/// assert_eq!(key_slot(b"{user:1}:name"), key_slot(b"user:1"));
/// ```
pub fn key_slot(key: &[u8]) -> u16 {
    let hashed = match key.iter().position(|&b| b == b'{') {
        Some(open) => {
            let after = key.get(open.saturating_add(1)..).unwrap_or_default();
            match after.iter().position(|&b| b == b'}') {
                Some(close) if close > 0 => after.get(..close).unwrap_or(key),
                _ => key,
            }
        }
        None => key,
    };
    crc16(hashed) % SLOT_COUNT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_slots() {
        // Values from the cluster specification and `CLUSTER KEYSLOT`.
        assert_eq!(crc16(b"123456789"), 0x31C3);
        assert_eq!(key_slot(b"foo"), 12182);
        assert_eq!(key_slot(b"bar"), 5061);
        assert_eq!(key_slot(b"somekey"), 11058);
        assert_eq!(key_slot(b"foo{}{bar}"), key_slot(b"foo{}{bar}"));
        assert_eq!(
            key_slot(b"foo{}{bar}"),
            crc16(b"foo{}{bar}") % SLOT_COUNT,
            "empty tag: whole key"
        );
        assert_eq!(key_slot(b"foo{{bar}}zap"), key_slot(b"{bar"));
        assert_eq!(key_slot(b"foo{bar}{zap}"), key_slot(b"bar"));
        assert_eq!(key_slot(b""), 0);
    }
}
