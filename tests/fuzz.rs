//! Fuzzing `check` and `render`: the example patches and `tests/fuzz_corpus/` mutated by a
//! seeded mutator, each mutant through [`fuzz_one`] (which panics when a property fails),
//! watched for hangs. Mutants that are valid patches join the pool, so mutations go deeper.
//!
//! - `cargo test --test fuzz`: a few hundred mutants (seconds).
//! - `FUZZ_SECONDS=60 cargo test --test fuzz -- --nocapture`: as many as fit in 60 s (CI).
//! - `FUZZ_SEED=N`: another sequence; failing inputs are saved under the target directory.

use patches_tui::fuzz::{fuzz_one, Outcome};
use patches_tui::modules::Registry;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Mutants run when no time budget is given.
const DEFAULT_CASES: u64 = 300;
/// A single input taking longer than this is a hang.
const HANG: Duration = Duration::from_secs(20);
/// Most valid mutants kept as seeds.
const POOL_MAX: usize = 512;

/// splitmix64: a small deterministic generator, so a seed names a whole run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Fragments that reach the parser's and validator's corners.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ": ",
    ", ",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "- ",
    "- -\n",
    "#",
    "&a ",
    "*a",
    "!!str ",
    "|\n",
    ">-\n",
    "\"",
    "'",
    "~",
    "---\n",
    "...\n",
    "? ",
    "1e39",
    "-1e39",
    "1e300",
    "1e-300",
    ".nan",
    ".inf",
    "-.inf",
    "0x7fffffffffffffff",
    "99999999999999999999",
    "0o17",
    "-0",
    "3.4e38",
    "channels: 128\n",
    "length: 1024\n",
    "channels: 0\n",
    "voices: 64\n",
    "scale: ",
    "params: {}\n",
    "in/1",
    "in/99",
    "_",
    "\u{E000}",
    "é",
    "\u{0}",
    "\u{202E}",
];

/// Mutates `input` once; `pool` gives material to splice and `words` names to swap in.
fn mutate(rng: &mut Rng, input: &mut Vec<u8>, pool: &[Vec<u8>], words: &[String]) {
    let at = |rng: &mut Rng, input: &Vec<u8>| rng.below(input.len() + 1);
    match rng.below(11) {
        0 if !input.is_empty() => {
            let i = rng.below(input.len());
            input[i] ^= 1 << rng.below(8);
        }
        1 if !input.is_empty() => {
            let i = rng.below(input.len());
            input[i] = *rng.pick(b"{}[]:-\n \t#&*!|>\"'\r,?\xff\x00");
        }
        2 => {
            let i = at(rng, input);
            let token = rng.pick(TOKENS).as_bytes().to_vec();
            input.splice(i..i, token);
        }
        3 if !input.is_empty() => {
            let i = rng.below(input.len());
            let len = rng.below(input.len() - i).min(64) + 1;
            input.drain(i..i + len);
        }
        4 if !input.is_empty() => {
            let i = rng.below(input.len());
            let len = (rng.below(input.len() - i) + 1).min(256);
            let chunk = input[i..i + len].to_vec();
            let to = at(rng, input);
            input.splice(to..to, chunk);
        }
        5 => {
            let donor = rng.pick(pool);
            if !donor.is_empty() {
                let i = rng.below(donor.len());
                let len = (rng.below(donor.len() - i) + 1).min(512);
                let to = at(rng, input);
                input.splice(to..to, donor[i..i + len].iter().copied());
            }
        }
        6 | 7 => {
            // Lines: swap, repeat or drop one.
            let mut lines: Vec<Vec<u8>> =
                input.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
            let i = rng.below(lines.len());
            let j = rng.below(lines.len());
            match rng.below(3) {
                0 => lines.swap(i, j),
                1 => {
                    let line = lines[i].clone();
                    lines.insert(j, line);
                }
                _ => {
                    lines.remove(i);
                }
            }
            *input = lines.join(&b'\n');
        }
        8 | 9 => replace_word(rng, input, words),
        _ => {
            let i = at(rng, input);
            let long = "x".repeat(1 + rng.below(5000));
            input.splice(i..i, long.into_bytes());
        }
    }
}

/// Replaces a word (letters, digits, `_`, `.`) with a module, port or parameter name or a
/// number, so mutants stay close to valid patches and reach the renderer.
fn replace_word(rng: &mut Rng, input: &mut Vec<u8>, words: &[String]) {
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'.';
    let starts: Vec<usize> = (0..input.len())
        .filter(|&i| is_word(input[i]) && (i == 0 || !is_word(input[i - 1])))
        .collect();
    if starts.is_empty() {
        return;
    }
    let start = *rng.pick(&starts);
    let end = (start..input.len())
        .find(|&i| !is_word(input[i]))
        .unwrap_or(input.len());
    let word = if rng.below(3) == 0 {
        let numbers = [
            "0", "1", "-1", "0.5", "2", "8", "16", "20000", "1e6", "-3.5", "440",
        ];
        rng.pick(&numbers).to_string()
    } else {
        rng.pick(words).clone()
    };
    input.splice(start..end, word.into_bytes());
}

/// Every module, port and parameter name of the seed registry.
fn vocabulary() -> Vec<String> {
    let registry = Registry::seed();
    let mut words = Vec::new();
    for module in registry.types() {
        words.push(module.name.to_string());
        let d = module.descriptor(Default::default());
        words.extend(d.inputs.iter().map(|p| p.name.to_string()));
        words.extend(d.outputs.iter().map(|p| p.name.to_string()));
        words.extend(d.params.iter().map(|p| p.name.to_string()));
    }
    words.extend(
        [
            "module", "params", "channels", "length", "from", "to", "output", "input",
        ]
        .map(String::from),
    );
    words.sort();
    words.dedup();
    words
}

/// The example patches and the fuzz corpus.
fn seeds() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = ["patches", "tests/fuzz_corpus"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).unwrap())
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "the corpus is missing: {files:?}");
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

/// Saves a failing input where it can be replayed, and says where.
fn save_failure(input: &[u8], why: &str) -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{why}-{}.yaml", std::process::id()));
    std::fs::write(&path, input).unwrap();
    format!("{why}: input saved as {}", path.display())
}

/// The input in progress and when it started, shared with the watchdog.
type Current = Arc<Mutex<Option<(Vec<u8>, Instant)>>>;

#[test]
fn mutated_patches_check_and_render_without_panic_hang_or_bad_output() {
    let seconds: Option<u64> = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok());
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12);
    let deadline = seconds.map(|s| Instant::now() + Duration::from_secs(s));
    let current: Current = Arc::new(Mutex::new(None));
    let (done_tx, done_rx) = mpsc::channel();
    let worker_current = current.clone();
    std::thread::spawn(move || {
        let result = run(seed, deadline, &worker_current);
        let _ = done_tx.send(result);
    });
    loop {
        match done_rx.recv_timeout(Duration::from_millis(200)) {
            Ok(Ok((cases, rendered))) => {
                println!("fuzz: seed {seed}, {cases} mutants, {rendered} valid and rendered");
                assert!(
                    rendered > 0,
                    "no mutant was valid: the mutator is too destructive"
                );
                return;
            }
            Ok(Err(message)) => panic!("{message}"),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let guard = current.lock().unwrap_or_else(|e| e.into_inner());
                if let Some((input, started)) = guard.as_ref() {
                    if started.elapsed() > HANG {
                        panic!("{}", save_failure(input, "hang"));
                    }
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => panic!("the fuzz worker died"),
        }
    }
}

/// Runs mutants until `deadline` (or [`DEFAULT_CASES`]): the counts, or the failure.
fn run(seed: u64, deadline: Option<Instant>, current: &Current) -> Result<(u64, u64), String> {
    let mut rng = Rng(seed);
    let seeds = seeds();
    let words = vocabulary();
    let mut pool = seeds.clone();
    let (mut cases, mut rendered) = (0u64, 0u64);
    let more = |cases: u64| match deadline {
        Some(deadline) => Instant::now() < deadline,
        None => cases < DEFAULT_CASES,
    };
    // The seeds themselves first: all of them must pass.
    for input in &seeds {
        check(input, current)?;
    }
    while more(cases) {
        let mut input = rng.pick(&pool).clone();
        for _ in 0..=rng.below(4) {
            mutate(&mut rng, &mut input, &pool, &words);
        }
        cases += 1;
        if check(&input, current)? == Outcome::Rendered {
            rendered += 1;
            if pool.len() < POOL_MAX {
                pool.push(input);
            } else {
                let slot = seeds.len() + rng.below(POOL_MAX - seeds.len());
                pool[slot] = input;
            }
        }
    }
    Ok((cases, rendered))
}

/// [`fuzz_one`] on `input`, published to the watchdog; a panic becomes a saved failure.
fn check(input: &[u8], current: &Current) -> Result<Outcome, String> {
    *current.lock().unwrap() = Some((input.to_vec(), Instant::now()));
    let outcome = catch_unwind(AssertUnwindSafe(|| fuzz_one(input)));
    *current.lock().unwrap() = None;
    outcome.map_err(|_| save_failure(input, "panic"))
}
