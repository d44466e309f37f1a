//! One file per subcommand: its clap arguments and its `run`.

pub mod analogy;
pub mod compare;
pub mod convert;
pub mod evaluate;
pub mod info;
pub mod load;
pub mod neighbors;
pub mod project;
pub mod timeline;
pub mod train;
pub mod view;
