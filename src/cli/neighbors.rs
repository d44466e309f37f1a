//! `embedscape neighbors` (being built).

#[derive(clap::Args, Default)]
pub struct NeighborsArgs {}

pub fn run(_args: NeighborsArgs) -> anyhow::Result<()> {
    anyhow::bail!("`neighbors` is not built yet")
}
