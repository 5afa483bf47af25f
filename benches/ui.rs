//! UI benchmarks (`cargo bench --bench ui`).
//!
//! - `highlight/full_200_lines`: highlighting a 200-line patch from scratch.
//! - `highlight/one_char_edit_200_lines`: bringing the highlighting of that patch up to date
//!   after a one-character edit in its middle (bar: under 1 ms).
//!
//! - `frame/full_200_lines_200x60`: drawing a whole frame of the live-coding screen (editor on
//!   a 200-line patch, inspector, meters with a scope, status) at 200x60 into ratatui's
//!   `TestBackend` (bar: under 4 ms).
//! - `keystroke/parse_validate_200_nodes`: what every keystroke costs the UI thread before
//!   drawing: `dsl::load` of the text of a 200-node patch with one value edited (bar: under
//!   1 ms).
//!
//! Each group is a function of its own called from `main`; add new groups the same way.

#[path = "common/generated.rs"]
mod generated;

use criterion::{BatchSize, Criterion};
use patches_tui::dsl;
use patches_tui::engine::live::LiveSession;
use patches_tui::engine::{start_output, OutputOptions};
use patches_tui::modules::Registry;
use patches_tui::ui::app::{App, Options};
use patches_tui::ui::highlight::Highlighter;
use patches_tui::ui::theme::Theme;
use patches_tui::ui::view;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

/// Lines of the benchmarked patch.
const PATCH_LINES: usize = 200;

/// `patches/set.yaml` with its cables repeated until it has `PATCH_LINES` lines.
fn patch_lines() -> Vec<String> {
    let set: Vec<String> = include_str!("../patches/set.yaml")
        .lines()
        .map(str::to_string)
        .collect();
    let cables = set.iter().position(|line| line == "cables:").unwrap() + 1;
    let mut lines = set.clone();
    lines.extend(
        set[cables..]
            .iter()
            .cycle()
            .take(PATCH_LINES - set.len())
            .cloned(),
    );
    lines
}

/// Highlighting benchmarks.
fn bench_highlight(criterion: &mut Criterion) {
    let theme = Theme::default();
    let lines = patch_lines();
    let mut group = criterion.benchmark_group("highlight");
    group.bench_function("full_200_lines", |b| {
        b.iter(|| {
            let mut highlighter = Highlighter::new(&theme);
            black_box(highlighter.update(black_box(&lines)))
        })
    });
    let mut edited = lines.clone();
    edited[PATCH_LINES / 2].insert(4, 'x');
    group.bench_function("one_char_edit_200_lines", |b| {
        b.iter_batched_ref(
            || {
                let mut highlighter = Highlighter::new(&theme);
                highlighter.update(&lines);
                highlighter
            },
            |highlighter| black_box(highlighter.update(black_box(&edited))),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

/// Drawing a full frame of the screen.
fn bench_frame(criterion: &mut Criterion) {
    let output = start_output(
        &OutputOptions {
            null: true,
            ..OutputOptions::default()
        },
        true,
    )
    .expect("the null backend starts");
    let text = patch_lines().join("\n") + "\n";
    let mut app = App::open(
        Path::new("bench.yaml"),
        Some(text),
        LiveSession::new(output),
        Theme::default(),
        None,
        Options::default(),
        std::time::Instant::now(),
    );
    app.set_cursor(PATCH_LINES / 8, 4);
    std::thread::sleep(Duration::from_millis(200));
    app.tick(std::time::Instant::now());
    let (width, height) = (200, 60);
    let (rows, columns) =
        view::layout::editor_text_size(Rect::new(0, 0, width, height), PATCH_LINES);
    app.fit_editor(rows, columns);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    let mut group = criterion.benchmark_group("frame");
    group.bench_function("full_200_lines_200x60", |b| {
        b.iter(|| {
            terminal
                .draw(|frame| view::draw(frame, black_box(&app)))
                .map(|_| ())
                .expect("drawn")
        })
    });
    group.finish();
}

/// Parsing and validating a 200-node patch after a one-character edit.
fn bench_keystroke(criterion: &mut Criterion) {
    let registry = Registry::seed();
    let edited = dsl::to_yaml(&generated::graph_one_param_changed());
    assert_ne!(
        edited,
        dsl::to_yaml(&generated::graph()),
        "one value differs"
    );
    dsl::load(&edited, &registry).expect("the edited patch is valid");
    let mut group = criterion.benchmark_group("keystroke");
    group.bench_function("parse_validate_200_nodes", |b| {
        b.iter(|| black_box(dsl::load(black_box(&edited), &registry).is_ok()))
    });
    group.finish();
}

fn main() {
    let mut criterion = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    bench_highlight(&mut criterion);
    bench_frame(&mut criterion);
    bench_keystroke(&mut criterion);
    criterion.final_summary();
}
