//! Loading `--vectors FILE` for the analysis subcommands.
//!
//! TODO(merge): delegate to `cli::load::load_with_progress(path, lossy)` (the formats branch)
//! and drop the tiny reader below, which only understands word2vec text (optional `rows dim`
//! header) and GloVe text (no header).

use std::path::Path;

use anyhow::{Context, bail};
use embedscape::embeddings::Embeddings;
use ndarray::Array2;

/// Loads a vectors file; `lossy` replaces invalid UTF-8 in words instead of failing.
pub fn load_vectors(path: &Path, lossy: bool) -> anyhow::Result<Embeddings> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let text = if lossy {
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", path.display()))?
    };
    let mut words = Vec::new();
    let mut values: Vec<f32> = Vec::new();
    let mut dim: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        // word2vec header: exactly two integers on the first line.
        if i == 0 && fields.len() == 2 && fields.iter().all(|f| f.parse::<usize>().is_ok()) {
            continue;
        }
        let d = fields.len() - 1;
        match dim {
            None => dim = Some(d),
            Some(want) if want != d => bail!(
                "{}:{}: {} values, expected {}",
                path.display(),
                i + 1,
                d,
                want
            ),
            _ => {}
        }
        words.push(fields[0].to_owned());
        for f in &fields[1..] {
            values.push(
                f.parse()
                    .with_context(|| format!("{}:{}: bad number {f:?}", path.display(), i + 1))?,
            );
        }
    }
    let dim = dim.unwrap_or(0);
    if words.is_empty() || dim == 0 {
        bail!("{} holds no vectors", path.display());
    }
    let matrix = Array2::from_shape_vec((words.len(), dim), values)?;
    Ok(Embeddings::from_words(words, matrix)?)
}
