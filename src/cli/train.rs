//! `embedscape train` (being built).

#[derive(clap::Args, Default)]
pub struct TrainArgs {}

pub fn run(_args: TrainArgs) -> anyhow::Result<()> {
    anyhow::bail!("`train` is not built yet")
}
