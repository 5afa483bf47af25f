//! The storm `make rt-check` runs under `strace -f`: the null backend's audio thread plays
//! while the control side commits as fast as it can plan. The audio thread marks the start
//! and the end of its run with a lookup of a path that does not exist (visible in the trace
//! as a failed `statx`), and `scripts/rt_check.sh` fails on any system call that thread made
//! between the marks other than the pacing sleep. A second run plants one system call on the
//! audio thread, right after its begin mark, which the script must catch: the check can fail.

mod support;

use patches_tui::engine::{validate, AudioCallback, Engine, EngineConfig, NullOutput};
use std::time::{Duration, Instant};

/// The marks the script looks for.
const BEGIN: &str = "/patches-rt-check/begin";
const END: &str = "/patches-rt-check/end";
/// The system call the planted run makes on the audio thread between the marks.
const PLANTED: &str = "/patches-rt-check/planted";

/// Marks the end of the audio thread's run when dropped.
struct EndMark;

impl Drop for EndMark {
    fn drop(&mut self) {
        let _ = std::fs::metadata(END);
    }
}

#[test]
#[ignore = "run by `make rt-check` under strace"]
fn audio_thread_storm_for_strace() {
    let registry = support::test_registry();
    let graphs: Vec<_> = support::example_graphs()
        .iter()
        .filter_map(|g| validate(g, &registry).ok())
        .collect();
    assert!(!graphs.is_empty());
    let (mut engine, output) = start_marked(false);
    let until = Instant::now() + Duration::from_secs(2);
    let mut i = 0;
    while Instant::now() < until {
        engine.commit(graphs[i % graphs.len()].clone());
        engine.pump();
        i += 1;
        std::thread::sleep(Duration::from_millis(2));
    }
    drop(output);
    assert!(i > 100, "{i} commits");
}

#[test]
#[ignore = "run by `make rt-check` under strace, which must see the planted system call"]
fn audio_thread_with_a_planted_system_call_for_strace() {
    let (_engine, output) = start_marked(true);
    std::thread::sleep(Duration::from_millis(200));
    drop(output);
}

/// An engine and the null backend playing it, its audio thread marked; with `plant`, the
/// audio thread looks up `PLANTED` right after its begin mark.
fn start_marked(plant: bool) -> (Engine, NullOutput) {
    let (engine, runtime) = Engine::new(EngineConfig::new(48000.0));
    let callback = AudioCallback::new(runtime, 48000.0);
    let output = NullOutput::start(callback, 48000, 128, move || {
        let _ = std::fs::metadata(BEGIN);
        if plant {
            let _ = std::fs::metadata(PLANTED);
        }
        EndMark
    })
    .expect("null backend starts");
    (engine, output)
}
