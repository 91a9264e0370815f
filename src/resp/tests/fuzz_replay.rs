//! The decoder's fuzz target (`fuzz/fuzz_targets/decode.rs`), run as an
//! ordinary test on stable Rust: its corpus (`fuzz/corpus/decode`) and a few
//! thousand generated inputs (fixed seed, so every run checks the same ones)
//! go through the same checks. The decoder must not panic; splitting the
//! input into pieces must not change the values or the error; an error is
//! sticky; every decoded value re-encodes to bytes that decode to it again.

use std::path::Path;

use bytes::BytesMut;

use crate::resp::{write_value, Decoder, Limits, ProtocolError, Value};

/// Generated inputs per run.
const GENERATED: usize = 4000;

include!("fuzz_checks.rs");

fn corpus() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/decode");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read the fuzz corpus {}: {e}", dir.display()))
        .map(|entry| entry.expect("corpus entry").path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display())))
        .collect()
}

/// xorshift64*: the same inputs on every run and machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A random RESP2/RESP3 frame (valid or nearly so), for the mutator to break.
fn frame(rng: &mut Rng, depth: u32, out: &mut Vec<u8>) {
    const WORDS: &[&str] = &[
        "OK",
        "",
        "ERR x",
        "a\rb",
        "txt:hi",
        "inf",
        "-nan",
        "1e3",
        "t",
        "f",
        "-1",
        "99999999999999999999",
    ];
    let word = WORDS[rng.below(WORDS.len() as u64) as usize];
    let kinds: &[u8] = if depth >= 3 { b"+-:$,#(!=_" } else { b"+-:$,#(!=_*%~>|" };
    let kind = kinds[rng.below(kinds.len() as u64) as usize];
    out.push(kind);
    match kind {
        b'+' | b'-' | b',' | b'(' => out.extend_from_slice(word.as_bytes()),
        b':' => out.extend_from_slice((rng.next() as i64 >> rng.below(64)).to_string().as_bytes()),
        b'#' => out.push(if rng.below(2) == 0 { b't' } else { b'f' }),
        b'_' => {}
        b'$' | b'!' | b'=' => {
            let body = if kind == b'=' {
                format!("txt:{word}")
            } else {
                word.to_owned()
            };
            out.extend_from_slice(format!("{}\r\n{body}", body.len()).as_bytes());
        }
        _ => {
            let n = rng.below(4);
            out.extend_from_slice(format!("{n}\r\n").as_bytes());
            let items = if matches!(kind, b'%' | b'|') { n * 2 } else { n };
            for _ in 0..items {
                frame(rng, depth + 1, out);
            }
            if kind == b'|' {
                frame(rng, depth + 1, out);
            }
            return;
        }
    }
    out.extend_from_slice(b"\r\n");
}

/// Breaks some of `input`: byte flips, cuts, duplicated or inserted runs.
fn mutate(rng: &mut Rng, input: &mut Vec<u8>) {
    for _ in 0..rng.below(4) {
        if input.is_empty() {
            break;
        }
        let at = rng.below(input.len() as u64) as usize;
        match rng.below(5) {
            0 => input[at] = rng.next() as u8,
            1 => input.truncate(at),
            2 => {
                let end = (at + 1 + rng.below(8) as usize).min(input.len());
                let run = input[at..end].to_vec();
                input.splice(at..at, run);
            }
            3 => input.insert(at, b"\r\n$*:-+"[rng.below(7) as usize]),
            _ => {
                input.remove(at);
            }
        }
    }
}

#[test]
fn fuzz_corpus_replays() {
    let corpus = corpus();
    assert!(corpus.len() >= 5, "the corpus is there: {} inputs", corpus.len());
    assert!(corpus.iter().any(|input| input.len() > 8), "the corpus has real inputs");
    for input in &corpus {
        check_input(input);
        // Both limit settings for each corpus entry.
        if let Some((seed, rest)) = input.split_first() {
            let mut other = vec![seed ^ 1];
            other.extend_from_slice(rest);
            check_input(&other);
        }
    }
}

#[test]
fn fuzz_generated_inputs() {
    let corpus = corpus();
    let mut rng = Rng(0x005E_ED0F_F022_D3C0);
    let mut decoded_some = 0;
    let mut errors = 0;
    for i in 0..GENERATED {
        let mut input = vec![rng.next() as u8];
        match i % 4 {
            // Raw bytes.
            0 => input.extend((0..rng.below(48)).map(|_| rng.next() as u8)),
            // A corpus entry, broken.
            1 => {
                let entry = &corpus[rng.below(corpus.len() as u64) as usize];
                input.extend_from_slice(entry.get(1..).unwrap_or_default());
                mutate(&mut rng, &mut input);
            }
            // Generated frames, as they are or broken.
            _ => {
                for _ in 0..1 + rng.below(3) {
                    frame(&mut rng, 0, &mut input);
                }
                if i % 4 == 3 {
                    mutate(&mut rng, &mut input);
                }
            }
        }
        check_input(&input);
        let (values, err) = decode(input.get(1..).unwrap_or_default(), Limits::default(), &mut |_| {
            usize::MAX
        });
        decoded_some += usize::from(!values.is_empty());
        errors += usize::from(err.is_some());
    }
    // The generator reaches both sides of the decoder.
    assert!(
        decoded_some > GENERATED / 4,
        "inputs that decoded to values: {decoded_some}"
    );
    assert!(errors > GENERATED / 10, "inputs that gave an error: {errors}");
}
