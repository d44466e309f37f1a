//! `embedscape evaluate` (being built).

#[derive(clap::Args, Default)]
pub struct EvaluateArgs {}

pub fn run(_args: EvaluateArgs) -> anyhow::Result<()> {
    anyhow::bail!("`evaluate` is not built yet")
}
