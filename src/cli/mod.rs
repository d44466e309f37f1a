//! One file per subcommand: its clap arguments and its `run`, plus [`error_message`], how an
//! error is printed.

pub mod analogy;
pub mod compare;
pub mod convert;
pub mod evaluate;
pub mod info;
pub mod load;
pub mod neighbors;
pub mod project;
pub mod render;
pub mod timeline;
pub mod train;
pub mod view;
pub mod window_training;

/// An error and its causes as one line, `outer: inner: ...`, leaving out a cause whose text the
/// line already holds (library errors often quote their cause, and printing it again gave
/// "writing X: writing X: ...").
pub fn error_message(err: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn repeated_causes_are_printed_once() {
        let io = std::io::Error::other("disk full");
        let err = Err::<(), _>(io)
            .context("out.txt: cannot write: disk full")
            .context("converting to tsv")
            .unwrap_err();
        assert_eq!(
            error_message(&err),
            "converting to tsv: out.txt: cannot write: disk full"
        );
        let err = Err::<(), _>(std::io::Error::other("denied"))
            .context("writing a")
            .unwrap_err();
        assert_eq!(error_message(&err), "writing a: denied");
    }
}
