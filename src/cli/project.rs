//! `embedscape project` (being built).

#[derive(clap::Args, Default)]
pub struct ProjectArgs {}

pub fn run(_args: ProjectArgs) -> anyhow::Result<()> {
    anyhow::bail!("`project` is not built yet")
}
