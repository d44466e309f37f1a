//! Training speed benchmark: `cargo run --release --no-default-features --example bench_train --
//! CORPUS OUT_VECTORS [THREADS]`. Trains with gensim's defaults (pre-tokenised, like gensim's
//! `LineSentence`), prints raw and effective words/s, and writes word2vec text vectors so
//! `bench_train_gensim.py` can score them with gensim's own evaluation functions.
//! `EMBEDSCAPE_PER_PAIR_NEGATIVES=1` draws fresh noise words per pair (exact word2vec/gensim)
//! instead of sharing one set per center word.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use embedscape::atomic_file::write_atomically;
use embedscape::train::{CorpusSource, Init, TrainConfig, TrainControl, TrainEvent, train};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let corpus = PathBuf::from(args.next().unwrap_or_else(|| "corpus.txt".into()));
    let out = PathBuf::from(args.next().unwrap_or_else(|| "embedscape.vec".into()));
    let threads: usize = args.next().map_or(Ok(2), |t| t.parse())?;
    let config = TrainConfig {
        threads,
        pre_tokenized: true,
        lowercase: false,
        progress_interval_ms: 1000,
        shared_negatives: std::env::var("EMBEDSCAPE_PER_PAIR_NEGATIVES").map_or(true, |v| v != "1"),
        ..TrainConfig::default()
    };
    let t0 = Instant::now();
    let mut train_start = None;
    let mut total_words = 0;
    let emb = train(
        CorpusSource::File(corpus),
        config.clone(),
        Init::Random,
        TrainControl::new(),
        &mut |e| {
            if let TrainEvent::Started { total_words: t, .. } = e {
                train_start = Some(Instant::now());
                total_words = t;
            }
        },
    )?;
    let train_secs = train_start.map_or(0.0, |s| s.elapsed().as_secs_f64());
    let read_secs = t0.elapsed().as_secs_f64() - train_secs;
    let vocab_words: u64 = emb.vocab().counts().map_or(0, |c| c.iter().sum());
    println!(
        "embedscape: vocab {} | read+vocab {:.2}s | train {:.2}s | {:.0} in-vocab words/s (x{} epochs, {} threads)",
        emb.len(),
        read_secs,
        train_secs,
        total_words as f64 / train_secs,
        config.epochs,
        threads
    );
    write_atomically(&out, |w| {
        writeln!(w, "{} {}", emb.len(), emb.dim())?;
        for (word, row) in emb.words().iter().zip(emb.matrix().rows()) {
            write!(w, "{word}")?;
            for v in row {
                write!(w, " {v}")?;
            }
            writeln!(w)?;
        }
        Ok(())
    })?;
    println!("EMBEDSCAPE_TRAIN_SECS={train_secs:.3}");
    println!("EMBEDSCAPE_READ_SECS={read_secs:.3}");
    println!("EMBEDSCAPE_VOCAB_WORDS={vocab_words}");
    Ok(())
}
