//! `embedscape info` (being built).

#[derive(clap::Args, Default)]
pub struct InfoArgs {}

pub fn run(_args: InfoArgs) -> anyhow::Result<()> {
    anyhow::bail!("`info` is not built yet")
}
