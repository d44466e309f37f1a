//! End-to-end trainer tests (small corpora, a few seconds in the debug build).

use std::sync::Arc;
use std::time::Duration;

use ndarray::{Array1, Array2, ArrayView1};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::embeddings::Embeddings;

fn small_config() -> TrainConfig {
    TrainConfig {
        dim: 16,
        window: 3,
        negative: 3,
        min_count: 1,
        sample: 0.0,
        epochs: 1,
        threads: 1,
        seed: 7,
        pre_tokenized: true,
        snapshot_every_words: 500,
        progress_interval_ms: 10,
        ..TrainConfig::default()
    }
}

/// Random sentences over a small vocabulary with a Zipf-ish skew.
fn random_corpus(sentences: usize, seed: u64) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = String::new();
    for _ in 0..sentences {
        let len = rng.gen_range(3..12);
        for k in 0..len {
            let r: f64 = rng.r#gen();
            let w = (r * r * 60.0) as usize;
            if k > 0 {
                out.push(' ');
            }
            out.push_str(&format!("w{w}"));
        }
        out.push('\n');
    }
    out
}

fn run(
    text: &str,
    config: TrainConfig,
    init: Init,
) -> (Vec<TrainEvent>, Result<Embeddings, TrainError>) {
    let mut events = Vec::new();
    let result = train(
        CorpusSource::Text(text.to_owned()),
        config,
        init,
        TrainControl::new(),
        &mut |e| events.push(e),
    );
    (events, result)
}

fn snapshots(events: &[TrainEvent]) -> Vec<Arc<Snapshot>> {
    events
        .iter()
        .filter_map(|e| match e {
            TrainEvent::Snapshot(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn one_thread_runs_are_bit_identical() {
    let text = random_corpus(400, 1);
    let (_, a) = run(&text, small_config(), Init::Random);
    let (_, b) = run(&text, small_config(), Init::Random);
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.words(), b.words());
    assert!(
        a.matrix()
            .iter()
            .zip(b.matrix().iter())
            .all(|(x, y)| x.to_bits() == y.to_bits())
    );
    let c = run(
        &text,
        TrainConfig {
            seed: 8,
            ..small_config()
        },
        Init::Random,
    )
    .1
    .unwrap();
    assert_ne!(
        a.matrix(),
        c.matrix(),
        "a different seed gives different vectors"
    );
}

#[test]
fn event_sequence_snapshot_zero_and_learning_rate_end_points() {
    let text = random_corpus(400, 2);
    let config = TrainConfig {
        epochs: 2,
        ..small_config()
    };
    let (events, result) = run(&text, config.clone(), Init::Gaussian { std: 0.3 });
    let emb = result.unwrap();
    let TrainEvent::Started {
        vocab,
        snapshot_rows,
        total_words,
    } = &events[0]
    else {
        panic!("first event must be Started");
    };
    assert_eq!(vocab.counts().map(|c| c.len()), Some(vocab.len()));
    assert_eq!(snapshot_rows.len(), vocab.len());
    let snaps = snapshots(&events);
    assert!(
        snaps.len() >= 3,
        "snapshot 0, some in between, the final one"
    );
    for (i, s) in snaps.iter().enumerate() {
        assert_eq!(s.index, i);
    }
    // Snapshot 0 is the initial state, before any update.
    let (initial, _) =
        init::initial_vectors(vocab, config.dim, &Init::Gaussian { std: 0.3 }, config.seed)
            .unwrap();
    assert_eq!(snaps[0].vectors, initial);
    assert_eq!(snaps[0].words_processed, 0);
    assert_eq!(snaps[0].loss, None);
    assert_eq!(snaps[0].learning_rate, config.alpha);
    // The last snapshot is the final state.
    let last = snaps.last().unwrap();
    assert_eq!(last.words_processed, *total_words);
    assert_eq!(&last.vectors, emb.matrix());
    assert!((last.learning_rate - config.min_alpha).abs() < 1e-6);
    assert!(last.loss.is_some_and(|l| l.is_finite() && l > 0.0));
    let epochs: Vec<usize> = events
        .iter()
        .filter_map(|e| match e {
            TrainEvent::EpochFinished { epoch, loss } => {
                assert!(loss.is_some());
                Some(*epoch)
            }
            _ => None,
        })
        .collect();
    assert_eq!(epochs, vec![0, 1]);
    assert!(matches!(
        events.last(),
        Some(TrainEvent::Finished {
            cancelled: false,
            ..
        })
    ));
    // Learning rate decreases monotonically across snapshots.
    assert!(
        snaps
            .windows(2)
            .all(|w| w[1].learning_rate <= w[0].learning_rate)
    );
}

#[test]
fn five_epochs_process_five_times_the_words() {
    let text = random_corpus(300, 3);
    let words_after = |epochs| {
        let (events, r) = run(
            &text,
            TrainConfig {
                epochs,
                ..small_config()
            },
            Init::Random,
        );
        r.unwrap();
        snapshots(&events).last().unwrap().words_processed
    };
    let one = words_after(1);
    assert!(one > 0);
    assert_eq!(words_after(5), 5 * one);
    // Also with several threads (chunks per thread, every epoch in full).
    let (events, r) = run(
        &text,
        TrainConfig {
            epochs: 5,
            threads: 3,
            ..small_config()
        },
        Init::Random,
    );
    r.unwrap();
    assert_eq!(snapshots(&events).last().unwrap().words_processed, 5 * one);
}

#[test]
fn loss_decreases() {
    // Both ways of drawing skip-gram noise words (shared per center, or fresh per pair).
    for shared_negatives in [true, false] {
        let text = random_corpus(600, 4);
        let (events, r) = run(
            &text,
            TrainConfig {
                epochs: 4,
                shared_negatives,
                ..small_config()
            },
            Init::Random,
        );
        r.unwrap();
        let losses: Vec<f32> = events
            .iter()
            .filter_map(|e| match e {
                TrainEvent::EpochFinished { loss, .. } => *loss,
                _ => None,
            })
            .collect();
        assert_eq!(losses.len(), 4);
        // Negative sampling starts at 6·ln 2 ≈ 4.16 per pair (σ(0) everywhere with negative=3: 4 ln 2).
        assert!(
            losses[0] < 4.0 * std::f32::consts::LN_2 + 0.01,
            "{losses:?}"
        );
        assert!(losses[3] < losses[0], "{shared_negatives}: {losses:?}");
    }
}

/// The hogwild stress test (Miri and ThreadSanitizer need nightly, see `hogwild.rs`): many
/// threads update a tiny vocabulary, so nearly every update collides with another thread's.
/// The run must count every word, stay finite, and learn about as well as one thread.
#[test]
fn many_threads_on_a_tiny_vocabulary_stay_finite_and_learn() {
    let text = random_corpus(6000, 11);
    let epoch_losses = |events: &[TrainEvent]| -> Vec<f32> {
        events
            .iter()
            .filter_map(|e| match e {
                TrainEvent::EpochFinished { loss, .. } => *loss,
                _ => None,
            })
            .collect()
    };
    for cbow in [false, true] {
        let config = TrainConfig {
            epochs: 3,
            cbow,
            snapshot_every_words: 5000,
            ..small_config()
        };
        let (one_events, one) = run(&text, config.clone(), Init::Random);
        one.unwrap();
        let one_losses = epoch_losses(&one_events);
        let (events, r) = run(
            &text,
            TrainConfig {
                threads: 16,
                ..config
            },
            Init::Random,
        );
        let emb = r.unwrap();
        assert!(emb.matrix().iter().all(|v| v.is_finite()), "cbow {cbow}");
        let total = match &events[0] {
            TrainEvent::Started { total_words, .. } => *total_words,
            other => panic!("first event {other:?}"),
        };
        let snaps = snapshots(&events);
        assert_eq!(snaps.last().unwrap().words_processed, total, "cbow {cbow}");
        assert!(
            snaps
                .iter()
                .all(|s| s.vectors.iter().all(|v| v.is_finite()))
        );
        let losses = epoch_losses(&events);
        assert_eq!(losses.len(), 3);
        assert!(losses.iter().all(|l| l.is_finite()));
        assert!(losses[2] < losses[0], "cbow {cbow}: {losses:?}");
        // Collisions are noise, not damage: the last epoch's loss is close to one thread's.
        let (many, single) = (losses[2], one_losses[2]);
        assert!(
            (many - single).abs() < 0.25 * single,
            "cbow {cbow}: 16 threads {many}, 1 thread {single}"
        );
    }
}

#[test]
fn pretrained_rows_are_copied_and_can_be_frozen() {
    let text = random_corpus(300, 5);
    let dim = small_config().dim;
    let pre = Embeddings::from_words(
        vec!["w0".into(), "w3".into(), "not_in_corpus".into()],
        Array2::from_shape_fn((3, dim), |(r, c)| 0.1 * (r as f32 + 1.0) + 0.01 * c as f32),
    )
    .unwrap();
    let check = |freeze: bool| {
        let config = TrainConfig {
            freeze_pretrained: freeze,
            ..small_config()
        };
        let (events, r) = run(&text, config, Init::Pretrained(pre.clone()));
        let emb = r.unwrap();
        let snaps = snapshots(&events);
        for w in ["w0", "w3"] {
            let row = emb.index_of(w).unwrap();
            let src = pre.vector(w).unwrap();
            assert_eq!(
                snaps[0].vectors.row(row),
                src,
                "{w} starts from the pretrained row"
            );
            if freeze {
                assert_eq!(emb.row(row), src, "{w} frozen");
            } else {
                assert_ne!(emb.row(row), src, "{w} trained");
            }
        }
        let other = emb.index_of("w1").unwrap();
        assert_ne!(
            snaps[0].vectors.row(other),
            emb.row(other),
            "non-pretrained rows train"
        );
    };
    check(false);
    check(true);
    let bad = Embeddings::from_words(vec!["w0".into()], Array2::zeros((1, dim + 1))).unwrap();
    let (_, r) = run(&text, small_config(), Init::Pretrained(bad));
    assert!(matches!(r, Err(TrainError::PretrainedDimension { .. })));
}

#[test]
fn cbow_trains() {
    let text = random_corpus(400, 6);
    let (events, r) = run(
        &text,
        TrainConfig {
            cbow: true,
            epochs: 3,
            ..small_config()
        },
        Init::Random,
    );
    let emb = r.unwrap();
    assert!(emb.matrix().iter().all(|v| v.is_finite()));
    let snaps = snapshots(&events);
    assert_ne!(snaps[0].vectors, snaps.last().unwrap().vectors);
}

#[test]
fn errors_are_reported_not_panicked() {
    let text = random_corpus(50, 7);
    let (_, r) = run("", small_config(), Init::Random);
    assert!(matches!(
        r,
        Err(TrainError::Corpus(crate::corpus::CorpusError::Empty { .. }))
    ));
    let (_, r) = run(
        &text,
        TrainConfig {
            min_count: 1_000_000,
            ..small_config()
        },
        Init::Random,
    );
    assert!(matches!(
        r,
        Err(TrainError::Corpus(
            crate::corpus::CorpusError::NoWordReachesMinCount { .. }
        ))
    ));
    let (_, r) = run(
        "a b c a b",
        TrainConfig {
            negative: 10,
            ..small_config()
        },
        Init::Random,
    );
    assert!(matches!(
        r,
        Err(TrainError::NegativeExceedsVocab {
            negative: 10,
            vocab: 3
        })
    ));
    let r = spawn(
        CorpusSource::Text(text.clone()),
        TrainConfig {
            dim: 0,
            ..small_config()
        },
        Init::Random,
    );
    assert!(matches!(
        r,
        Err(TrainError::InvalidConfig { field: "dim", .. })
    ));
    let (_, r) = run(
        &text,
        TrainConfig {
            snapshot_every_words: 1,
            dim: 100_000,
            epochs: 100,
            ..small_config()
        },
        Init::Random,
    );
    assert!(matches!(r, Err(TrainError::SnapshotMemory { .. })), "{r:?}");
    let missing = CorpusSource::File("/nonexistent/corpus.txt".into());
    let r = spawn(missing, small_config(), Init::Random).unwrap().join();
    assert!(
        r.unwrap_err()
            .to_string()
            .contains("/nonexistent/corpus.txt")
    );
}

#[test]
fn divergence_is_detected() {
    let text = random_corpus(300, 8);
    let config = TrainConfig {
        alpha: 1e30,
        min_alpha: 1e29,
        epochs: 3,
        ..small_config()
    };
    let (_, r) = run(&text, config, Init::Random);
    match r {
        Err(TrainError::Diverged(msg)) => assert!(msg.contains("alpha"), "{msg}"),
        other => panic!("expected Diverged, got {other:?}"),
    }
}

#[test]
fn pause_step_and_cancel_from_another_thread() {
    let text = random_corpus(3000, 9);
    let config = TrainConfig {
        epochs: 50,
        snapshot_every_words: 2000,
        ..small_config()
    };
    // Paused before the run starts: pausing after `spawn` races with a fast first phase.
    let control = TrainControl::new();
    control.pause();
    let handle =
        spawn_with_control(CorpusSource::Text(text), config, Init::Random, control).unwrap();
    assert!(handle.control.is_paused());
    // Collects the snapshots that arrive within `wait_ms` (progress events keep coming).
    let recv_snapshots = |wait_ms: u64| {
        let deadline = std::time::Instant::now() + Duration::from_millis(wait_ms);
        let mut out = Vec::new();
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            if let Ok(TrainEvent::Snapshot(s)) = handle.events.recv_timeout(left) {
                out.push(s);
            }
        }
        out
    };
    // Paused from the start: only snapshot 0 arrives, and nothing more while paused.
    let first = recv_snapshots(300);
    assert_eq!(first.iter().map(|s| s.index).collect::<Vec<_>>(), vec![0]);
    // Step: exactly one more snapshot, then paused again.
    handle.control.step();
    let stepped = recv_snapshots(300);
    assert_eq!(stepped.iter().map(|s| s.index).collect::<Vec<_>>(), vec![1]);
    assert!(handle.control.is_paused());
    assert!(stepped[0].words_processed >= 2000);
    // Resume for a moment, then cancel: the run ends early with what it learnt.
    handle.control.resume();
    std::thread::sleep(Duration::from_millis(50));
    handle.control.cancel();
    let mut cancelled = None;
    while let Ok(e) = handle.events.recv_timeout(Duration::from_secs(10)) {
        if let TrainEvent::Finished { cancelled: c, .. } = e {
            cancelled = Some(c);
        }
    }
    assert_eq!(cancelled, Some(true));
    let emb = handle.join().unwrap();
    assert!(emb.matrix().iter().all(|v| v.is_finite()));
}

// ---- Quality: the trainer must actually learn structure ------------------------------------

const PAIRS: [(&str, &str); 8] = [
    ("france", "paris"),
    ("germany", "berlin"),
    ("japan", "tokyo"),
    ("china", "beijing"),
    ("italy", "rome"),
    ("spain", "madrid"),
    ("egypt", "cairo"),
    ("russia", "moscow"),
];

fn capitals_corpus() -> String {
    let templates = [
        "{X} 的 首都 是 {Y}",
        "{Y} is the capital of {X}",
        "{Y} 是 {X} 的 首都",
        "the capital of {X} is {Y}",
        "{X} is a country and {Y} is its capital city",
        "we flew to {Y} the capital city of {X}",
    ];
    let filler = [
        "cat", "dog", "eats", "food", "rain", "weather", "music", "plays", "loud", "we", "like",
        "苹果", "喜欢", "吃", "音乐", "天气", "today", "tomorrow", "green", "tea",
    ];
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let mut out = String::new();
    for _ in 0..1500 {
        if rng.gen_bool(0.5) {
            let (x, y) = PAIRS[rng.gen_range(0..PAIRS.len())];
            let t = templates[rng.gen_range(0..templates.len())];
            out.push_str(&t.replace("{X}", x).replace("{Y}", y));
        } else {
            let n = rng.gen_range(4..9);
            let words: Vec<&str> = (0..n)
                .map(|_| filler[rng.gen_range(0..filler.len())])
                .collect();
            out.push_str(&words.join(" "));
        }
        out.push('\n');
    }
    out
}

fn cosine(a: ArrayView1<f32>, b: ArrayView1<f32>) -> f32 {
    a.dot(&b) / (a.dot(&a).sqrt() * b.dot(&b).sqrt()).max(1e-12)
}

/// Mean pairwise cosine of the offsets capital − country.
fn offset_coherence(words: &[String], m: &Array2<f32>) -> f32 {
    let row = |w: &str| m.row(words.iter().position(|x| x == w).unwrap());
    let offsets: Vec<Array1<f32>> = PAIRS.iter().map(|(x, y)| &row(y) - &row(x)).collect();
    let mut sum = 0.0;
    let mut n = 0;
    for i in 0..offsets.len() {
        for j in i + 1..offsets.len() {
            sum += cosine(offsets[i].view(), offsets[j].view());
            n += 1;
        }
    }
    sum / n as f32
}

/// How many capitals have another capital or their own country as nearest neighbour.
fn capitals_with_good_neighbour(words: &[String], m: &Array2<f32>) -> usize {
    let idx = |w: &str| words.iter().position(|x| x == w).unwrap();
    PAIRS
        .iter()
        .filter(|(country, capital)| {
            let c = idx(capital);
            let best = (0..words.len())
                .filter(|&r| r != c)
                .max_by(|&a, &b| cosine(m.row(c), m.row(a)).total_cmp(&cosine(m.row(c), m.row(b))))
                .unwrap();
            let w = words[best].as_str();
            w == *country || PAIRS.iter().any(|(_, y)| *y == w)
        })
        .count()
}

/// Trains on the capitals corpus; returns (good neighbours, coherence at snapshot 0, at end).
fn capitals_quality(alpha: f32) -> (usize, f32, f32) {
    let config = TrainConfig {
        dim: 24,
        window: 3,
        negative: 5,
        epochs: 15,
        alpha,
        min_alpha: alpha * 1e-3,
        snapshot_every_words: 0,
        ..small_config()
    };
    let (events, r) = run(&capitals_corpus(), config, Init::Random);
    let emb = r.unwrap();
    let snaps = snapshots(&events);
    let words = emb.words();
    let last = &snaps.last().unwrap().vectors;
    (
        capitals_with_good_neighbour(words, last),
        offset_coherence(words, &snaps[0].vectors),
        offset_coherence(words, last),
    )
}

fn quality_passes((good, before, after): (usize, f32, f32)) -> bool {
    good >= 7 && after > before + 0.2
}

#[test]
fn learns_capitals_and_fails_when_not_learning() {
    let trained = capitals_quality(0.025);
    assert!(quality_passes(trained), "trained: {trained:?}");
    // The same checks must FAIL when training is broken (a learning rate of ~0).
    let untrained = capitals_quality(1e-9);
    assert!(
        !quality_passes(untrained),
        "untrained vectors passed the checks: {untrained:?}"
    );
}

#[test]
fn snapshot_boundary_inside_the_last_sentence_terminates() {
    // 20 words per epoch in 3-word sentences: a boundary at word 39 of 40 lands mid-sentence.
    let text = "a b c\n".repeat(7);
    let config = TrainConfig {
        epochs: 2,
        snapshot_every_words: 41,
        negative: 2,
        ..small_config()
    };
    let (events, r) = run(&text, config, Init::Random);
    r.unwrap();
    let snaps = snapshots(&events);
    assert_eq!(snaps.last().unwrap().words_processed, 42);
    let config = TrainConfig {
        epochs: 2,
        snapshot_every_words: 20,
        negative: 2,
        ..small_config()
    };
    let (events, r) = run(&text, config, Init::Random);
    r.unwrap();
    let words: Vec<u64> = snapshots(&events)
        .iter()
        .map(|s| s.words_processed)
        .collect();
    assert_eq!(words, vec![0, 21, 42]);
}

#[test]
fn the_final_snapshot_averages_its_loss_over_a_real_window() {
    // Boundaries every 500 words do not divide the run: without care the last periodic
    // snapshot lands a few words before the end and the final one's loss is a mean of a
    // handful of pairs (the spike at the end of every loss curve).
    let text = random_corpus(400, 3);
    let (events, r) = run(&text, small_config(), Init::Random);
    r.unwrap();
    let words: Vec<u64> = snapshots(&events)
        .iter()
        .map(|s| s.words_processed)
        .collect();
    let gaps: Vec<u64> = words.windows(2).map(|w| w[1] - w[0]).collect();
    let last_gap = *gaps.last().unwrap();
    assert!(
        last_gap >= 250,
        "final snapshot {last_gap} words after the previous one: {words:?}"
    );
    assert!(snapshots(&events).last().unwrap().loss.is_some());
}

/// What the noise band is measured on: a 4-thread skip-gram run on the capitals corpus (the
/// race is present: threads update the same few rows), as in `capitals_quality`, with `seed`.
/// Returns the last epoch's mean loss, the offset coherence at the end and the capitals with a
/// good neighbour.
fn race_figures(seed: u64) -> (f32, f32, usize) {
    let config = TrainConfig {
        dim: 24,
        window: 3,
        negative: 5,
        epochs: 15,
        threads: 4,
        seed,
        snapshot_every_words: 0,
        ..small_config()
    };
    let (events, r) = run(&capitals_corpus(), config, Init::Random);
    let emb = r.unwrap();
    let loss = events
        .iter()
        .rev()
        .find_map(|e| match e {
            TrainEvent::EpochFinished { loss, .. } => *loss,
            _ => None,
        })
        .unwrap();
    let snaps = snapshots(&events);
    let last = &snaps.last().unwrap().vectors;
    (
        loss,
        offset_coherence(emb.words(), last),
        capitals_with_good_neighbour(emb.words(), last),
    )
}

/// The plain build's figures for `race_figures`, measured over seeds 1..=20 (release build,
/// x86-64 with AVX2: `cargo test --release --lib train::tests::race_figures_over_seeds --
/// --ignored --nocapture`): the mean of the last epoch's loss and of the offset coherence, and
/// half the widest spread seen (max − min over the 20 seeds) as the usual noise.
/// Measured 2026-12-06: losses 1.7293–1.7486, coherences 0.8916–0.9410, 8 good capitals of 8
/// for every seed.
const PLAIN_LOSS_MEAN: f32 = 1.7387;
const PLAIN_LOSS_NOISE: f32 = 0.0096;
const PLAIN_COHERENCE_MEAN: f32 = 0.9156;
const PLAIN_COHERENCE_NOISE: f32 = 0.0247;

/// The hogwild contract, checked (see `hogwild.rs`): built with `--features atomic-hogwild`,
/// the same training code runs with relaxed atomic weight accesses, so there is no data race.
/// Its results must stay within the usual noise of the plain build: this test runs in both
/// builds (CI runs both) and holds each to the plain build's band, seed by seed over three
/// seeds averaged, within twice the spread the plain build shows across seeds.
#[test]
fn hogwild_results_stay_within_the_plain_builds_noise() {
    let seeds = [7u64, 8, 9];
    let figures: Vec<(f32, f32, usize)> = seeds.iter().map(|&s| race_figures(s)).collect();
    let mean = |f: &dyn Fn(&(f32, f32, usize)) -> f32| {
        figures.iter().map(f).sum::<f32>() / figures.len() as f32
    };
    let loss = mean(&|f| f.0);
    let coherence = mean(&|f| f.1);
    let build = if cfg!(feature = "atomic-hogwild") {
        "atomic-hogwild"
    } else {
        "plain"
    };
    assert!(
        (loss - PLAIN_LOSS_MEAN).abs() <= 2.0 * PLAIN_LOSS_NOISE,
        "{build}: mean last-epoch loss {loss}, the plain build's {PLAIN_LOSS_MEAN} ± {PLAIN_LOSS_NOISE}: {figures:?}"
    );
    assert!(
        (coherence - PLAIN_COHERENCE_MEAN).abs() <= 2.0 * PLAIN_COHERENCE_NOISE,
        "{build}: mean offset coherence {coherence}, the plain build's {PLAIN_COHERENCE_MEAN} ± {PLAIN_COHERENCE_NOISE}: {figures:?}"
    );
    assert!(
        figures.iter().all(|f| f.2 >= 7),
        "{build}: capitals with a good neighbour: {figures:?}"
    );
}

/// Prints `race_figures` over seeds 1..=20: how the constants above were measured.
#[test]
#[ignore = "a measurement, not a check: prints the figures the noise band comes from"]
fn race_figures_over_seeds() {
    let figures: Vec<(f32, f32, usize)> = (1..=20).map(race_figures).collect();
    for (seed, f) in (1..=20).zip(&figures) {
        println!("seed {seed}: loss {} coherence {} good {}", f.0, f.1, f.2);
    }
    let stats = |values: Vec<f32>| {
        let mean = values.iter().sum::<f32>() / values.len() as f32;
        let (lo, hi) = values
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        (mean, (hi - lo) / 2.0)
    };
    println!(
        "loss (mean, noise): {:?}",
        stats(figures.iter().map(|f| f.0).collect())
    );
    println!(
        "coherence (mean, noise): {:?}",
        stats(figures.iter().map(|f| f.1).collect())
    );
}
