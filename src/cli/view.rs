//! `embedscape view` (being built).

#[derive(clap::Args, Default)]
pub struct ViewArgs {}

pub fn run(_args: ViewArgs) -> anyhow::Result<()> {
    anyhow::bail!("`view` is not built yet")
}
