//! `embedscape analogy` (being built).

#[derive(clap::Args, Default)]
pub struct AnalogyArgs {}

pub fn run(_args: AnalogyArgs) -> anyhow::Result<()> {
    anyhow::bail!("`analogy` is not built yet")
}
