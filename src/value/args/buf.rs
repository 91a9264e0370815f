//! [`ArgBuf`]: the bytes of an [`super::Args`], kept inline while they are
//! few, so building and sending a small command allocates nothing.

/// Encoded bytes kept inside the value up to this many (a `GET` or a `SET`
/// of a value up to ~90 bytes with a short key fits).
const INLINE: usize = 128;

#[derive(Clone)]
pub(crate) enum ArgBuf {
    /// The first `len` bytes of `bytes`.
    Inline {
        len: u8,
        bytes: [u8; INLINE],
    },
    Heap(Vec<u8>),
}

impl ArgBuf {
    pub(crate) const fn new() -> ArgBuf {
        ArgBuf::Inline {
            len: 0,
            bytes: [0; INLINE],
        }
    }

    pub(crate) fn with_capacity(capacity: usize) -> ArgBuf {
        if capacity <= INLINE {
            ArgBuf::new()
        } else {
            ArgBuf::Heap(Vec::with_capacity(capacity))
        }
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            ArgBuf::Inline { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or_default(),
            ArgBuf::Heap(vec) => vec,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Appends `arg` as one RESP bulk string: `$<len>\r\n<arg>\r\n`. The
    /// inline case writes the frame in place with two variable-length
    /// copies (the digits, the argument); the rest are fixed-size stores.
    pub(crate) fn push_bulk(&mut self, arg: &[u8]) {
        let mut digits = itoa::Buffer::new();
        let digits = digits.format(arg.len()).as_bytes();
        let total = arg.len().saturating_add(digits.len()).saturating_add(5);
        if let ArgBuf::Inline { len, bytes } = self {
            let start = usize::from(*len);
            let end = start.saturating_add(total);
            if let (Ok(new_len), Some(target)) = (u8::try_from(end), bytes.get_mut(start..end)) {
                let (head, rest) = target.split_at_mut(1);
                head.copy_from_slice(b"$");
                let (number, rest) = rest.split_at_mut(digits.len());
                number.copy_from_slice(digits);
                let (crlf, rest) = rest.split_at_mut(2);
                crlf.copy_from_slice(b"\r\n");
                let (payload, tail) = rest.split_at_mut(arg.len());
                payload.copy_from_slice(arg);
                tail.copy_from_slice(b"\r\n");
                *len = new_len;
                return;
            }
        }
        self.extend(&[b"$", digits, b"\r\n", arg, b"\r\n"]);
    }

    /// Appends `parts`, one after the other.
    pub(crate) fn extend(&mut self, parts: &[&[u8]]) {
        let total = parts.iter().fold(0usize, |sum, part| sum.saturating_add(part.len()));
        match self {
            ArgBuf::Inline { len, bytes } => {
                let start = usize::from(*len);
                let end = start.saturating_add(total);
                match u8::try_from(end) {
                    Ok(new_len) if end <= INLINE => {
                        let mut at = start;
                        for part in parts {
                            let next = at.saturating_add(part.len());
                            if let Some(target) = bytes.get_mut(at..next) {
                                target.copy_from_slice(part);
                            }
                            at = next;
                        }
                        *len = new_len;
                    }
                    _ => {
                        // Outgrown: move to the heap, with room to grow.
                        let mut vec = Vec::with_capacity(end.max(INLINE.saturating_mul(2)));
                        vec.extend_from_slice(bytes.get(..start).unwrap_or_default());
                        for part in parts {
                            vec.extend_from_slice(part);
                        }
                        *self = ArgBuf::Heap(vec);
                    }
                }
            }
            ArgBuf::Heap(vec) => {
                vec.reserve(total);
                for part in parts {
                    vec.extend_from_slice(part);
                }
            }
        }
    }

    /// Empties the buffer, keeping a heap allocation.
    pub(crate) fn clear(&mut self) {
        match self {
            ArgBuf::Inline { len, .. } => *len = 0,
            ArgBuf::Heap(vec) => vec.clear(),
        }
    }
}

impl Default for ArgBuf {
    fn default() -> ArgBuf {
        ArgBuf::new()
    }
}

impl PartialEq for ArgBuf {
    fn eq(&self, other: &ArgBuf) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for ArgBuf {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_inline_then_moves_to_the_heap_keeping_every_byte() {
        let mut buf = ArgBuf::new();
        let mut expected = Vec::new();
        for i in 0..100u8 {
            let part = [i; 7];
            buf.extend(&[b"$", &part, b"\r\n"]);
            expected.extend_from_slice(b"$");
            expected.extend_from_slice(&part);
            expected.extend_from_slice(b"\r\n");
            assert_eq!(buf.as_slice(), &expected[..]);
            assert_eq!(buf.len(), expected.len());
            assert_eq!(matches!(buf, ArgBuf::Inline { .. }), expected.len() <= INLINE);
        }
        buf.clear();
        assert!(buf.as_slice().is_empty());
        assert!(matches!(buf, ArgBuf::Heap(_)), "clear keeps the allocation");
    }

    #[test]
    fn push_bulk_writes_the_same_bytes_inline_and_on_the_heap() {
        let mut buf = ArgBuf::new();
        let mut expected = Vec::new();
        for n in [0usize, 1, 9, 10, 99, 100, 3, 200] {
            let arg = vec![b'a' + (n % 26) as u8; n];
            buf.push_bulk(&arg);
            expected.extend_from_slice(format!("${n}\r\n").as_bytes());
            expected.extend_from_slice(&arg);
            expected.extend_from_slice(b"\r\n");
            assert_eq!(buf.as_slice(), &expected[..], "after an argument of {n} bytes");
        }
        assert!(matches!(buf, ArgBuf::Heap(_)));
        let mut full = ArgBuf::new();
        full.push_bulk(&[b'x'; INLINE - 8]); // `$120\r\n` + 120 + `\r\n` = 128
        assert!(matches!(full, ArgBuf::Inline { len, .. } if usize::from(len) == INLINE));
    }

    #[test]
    fn exactly_full_stays_inline_and_one_more_byte_spills() {
        let mut buf = ArgBuf::new();
        buf.extend(&[&[1; INLINE - 1]]);
        buf.extend(&[&[2]]);
        assert!(matches!(buf, ArgBuf::Inline { .. }));
        buf.extend(&[&[3]]);
        assert!(matches!(buf, ArgBuf::Heap(_)));
        assert_eq!(buf.len(), INLINE + 1);
        assert_eq!(buf.as_slice().last(), Some(&3));
        assert!(matches!(ArgBuf::with_capacity(INLINE + 1), ArgBuf::Heap(v) if v.capacity() > INLINE));
        assert!(matches!(ArgBuf::with_capacity(INLINE), ArgBuf::Inline { len: 0, .. }));
    }
}
