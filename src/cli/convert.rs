//! `embedscape convert` (being built).

#[derive(clap::Args, Default)]
pub struct ConvertArgs {}

pub fn run(_args: ConvertArgs) -> anyhow::Result<()> {
    anyhow::bail!("`convert` is not built yet")
}
