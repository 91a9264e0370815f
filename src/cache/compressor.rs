//! Compressors: the serialized bytes as stored, and back.

use super::BoxError;

/// Compresses serialized values before they are stored, and decompresses
/// them when read.
///
/// The default, with the `compression` feature (on by default), is [`Zlib`];
/// without it, or with [`CacheBuilder::no_compression`], the serialized
/// bytes are stored as they are. `decompress` gets whatever is stored under
/// the key, which may be bytes it did not write: it must return an error for
/// them, never panic, and should bound what it allocates.
///
/// [`CacheBuilder::no_compression`]: super::CacheBuilder::no_compression
pub trait Compressor: Send + Sync + 'static {
    /// The bytes to store for the serialized value `data`.
    fn compress(&self, data: Vec<u8>) -> Result<Vec<u8>, BoxError>;

    /// The serialized value stored as `data`.
    fn decompress(&self, data: &[u8]) -> Result<Vec<u8>, BoxError>;
}

/// zlib (deflate with the zlib header and checksum), through `flate2` with
/// its pure-Rust backend (`miniz_oxide`). Feature `compression`.
///
/// Stored form: one tag byte, then the data. Tag `0`: the serialized bytes
/// as they are (values shorter than [`min_len`](Zlib::min_len), default 16
/// bytes, and values that compression would not make smaller). Tag `1`: a
/// zlib stream, whose checksum catches corruption. Anything else (another
/// tag, an empty value, a broken or truncated stream, bytes after the
/// stream, or more than [`max_decompressed_len`](Zlib::max_decompressed_len)
/// bytes once decompressed) is an error.
///
/// ```
/// use anyredis::cache::{Compressor, Zlib};
///
/// let zlib = Zlib::new().level(9);
/// let text = "all work and no play ".repeat(50).into_bytes();
/// let stored = zlib.compress(text.clone()).unwrap();
/// assert!(stored.len() < text.len() / 10);
/// assert_eq!(zlib.decompress(&stored).unwrap(), text);
/// assert_eq!(zlib.compress(b"short".to_vec()).unwrap(), b"\x00short");
/// assert!(zlib.decompress(b"\x01not zlib").is_err());
/// ```
#[cfg(feature = "compression")]
#[cfg_attr(docsrs, doc(cfg(feature = "compression")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zlib {
    level: u32,
    min_len: usize,
    max_decompressed_len: usize,
}

#[cfg(feature = "compression")]
mod zlib {
    use std::io::{Read, Write};

    use flate2::bufread::ZlibDecoder;
    use flate2::write::ZlibEncoder;
    use flate2::Compression;

    use super::{BoxError, Compressor, Zlib};

    const STORED: u8 = 0;
    const ZLIB: u8 = 1;

    impl Zlib {
        /// Level 6, values of 16 bytes or more compressed, at most 512 MiB
        /// (Redis's largest string) once decompressed.
        pub const fn new() -> Zlib {
            Zlib {
                level: 6,
                min_len: 16,
                max_decompressed_len: 512 * 1024 * 1024,
            }
        }

        /// The compression level, 0 (none) to 9 (smallest); higher values
        /// count as 9.
        pub const fn level(mut self, level: u32) -> Zlib {
            self.level = if level > 9 { 9 } else { level };
            self
        }

        /// Values shorter than this are stored as they are.
        pub const fn min_len(mut self, len: usize) -> Zlib {
            self.min_len = len;
            self
        }

        /// The largest value decompressed; a stored stream that inflates to
        /// more is an error (a guard against corrupt or hostile data).
        pub const fn max_decompressed_len(mut self, len: usize) -> Zlib {
            self.max_decompressed_len = len;
            self
        }
    }

    impl Default for Zlib {
        fn default() -> Zlib {
            Zlib::new()
        }
    }

    fn stored(data: Vec<u8>) -> Vec<u8> {
        let mut out = Vec::with_capacity(data.len().saturating_add(1));
        out.push(STORED);
        out.extend_from_slice(&data);
        out
    }

    impl Compressor for Zlib {
        fn compress(&self, data: Vec<u8>) -> Result<Vec<u8>, BoxError> {
            if data.len() < self.min_len {
                return Ok(stored(data));
            }
            let mut encoder = ZlibEncoder::new(vec![ZLIB], Compression::new(self.level));
            encoder.write_all(&data)?;
            let compressed = encoder.finish()?;
            if compressed.len() > data.len() {
                return Ok(stored(data));
            }
            Ok(compressed)
        }

        fn decompress(&self, data: &[u8]) -> Result<Vec<u8>, BoxError> {
            match data.split_first() {
                None => Err("empty value (no compression tag)".into()),
                Some((&STORED, rest)) => Ok(rest.to_vec()),
                Some((&ZLIB, stream)) => {
                    let mut decoder = ZlibDecoder::new(stream);
                    let limit = u64::try_from(self.max_decompressed_len).unwrap_or(u64::MAX);
                    let mut out = Vec::new();
                    (&mut decoder).take(limit.saturating_add(1)).read_to_end(&mut out)?;
                    if out.len() > self.max_decompressed_len {
                        return Err(format!(
                            "decompresses to more than {} bytes (Zlib::max_decompressed_len)",
                            self.max_decompressed_len
                        )
                        .into());
                    }
                    if usize::try_from(decoder.total_in()).ok() != Some(stream.len()) {
                        return Err("bytes after the end of the zlib stream".into());
                    }
                    Ok(out)
                }
                Some((tag, _)) => Err(format!("unknown compression tag {tag} (expected 0 or 1)").into()),
            }
        }
    }
}

#[cfg(all(test, feature = "compression"))]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_corruption() {
        let zlib = Zlib::new();
        for len in [0usize, 1, 15, 16, 17, 100, 10_000] {
            let data: Vec<u8> = (0..len).map(|i| (i % 7) as u8).collect();
            let stored = zlib.compress(data.clone()).unwrap();
            assert_eq!(zlib.decompress(&stored).unwrap(), data, "length {len}");
        }
        // Incompressible data is stored as is.
        let noise: Vec<u8> = (0..64u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let stored = zlib.compress(noise.clone()).unwrap();
        assert!(stored.len() <= noise.len() + 1);
        assert_eq!(zlib.decompress(&stored).unwrap(), noise);

        let good = zlib.compress(vec![b'a'; 1000]).unwrap();
        assert_eq!(good.first(), Some(&1));
        assert!(zlib.decompress(&[]).is_err());
        assert!(zlib.decompress(&[7, 1, 2]).is_err());
        assert!(zlib.decompress(&good[..good.len() - 3]).is_err(), "truncated");
        let mut flipped = good.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0xff;
        assert!(zlib.decompress(&flipped).is_err(), "checksum");
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(zlib.decompress(&trailing).is_err(), "trailing bytes");
    }

    #[test]
    fn bounds_what_it_inflates() {
        let bomb = Zlib::new().compress(vec![0; 1 << 20]).unwrap();
        assert!(bomb.len() < 4096);
        let small = Zlib::new().max_decompressed_len(1000);
        let err = small.decompress(&bomb).unwrap_err();
        assert!(err.to_string().contains("more than 1000 bytes"), "{err}");
        assert_eq!(Zlib::new().decompress(&bomb).unwrap().len(), 1 << 20);
    }

    #[test]
    fn hostile_bytes_never_panic() {
        let zlib = Zlib::new();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..2000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 64) as usize;
            let mut data: Vec<u8> = (0..len).map(|i| (seed >> (i % 8 * 8)) as u8).collect();
            if let Some(first) = data.first_mut() {
                *first = 1;
            }
            let _ = zlib.decompress(&data);
        }
    }
}
