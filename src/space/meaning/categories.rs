//! Word categories from a metadata file (`word<TAB>category` per line), for colouring points
//! by category as the Embedding Projector colours by a metadata column.

use std::path::Path;

use crate::space::SpaceError;

/// Reads `word<TAB>category` lines; a first line `word<TAB>category` is a header, blank lines
/// and `#` comments are skipped. Errors name the file and line.
pub fn read_categories_tsv(path: &Path) -> Result<Vec<(String, String)>, SpaceError> {
    let text = std::fs::read_to_string(path).map_err(|source| SpaceError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_categories(&text, path)
}

/// Parses category TSV text; `path` is used only in error messages.
pub fn parse_categories(text: &str, path: &Path) -> Result<Vec<(String, String)>, SpaceError> {
    let mut pairs = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() || line.starts_with('#') || (number == 0 && line.starts_with("word\t")) {
            continue;
        }
        let mut fields = line.split('\t');
        match (fields.next(), fields.next()) {
            (Some(word), Some(category)) if !word.is_empty() && !category.is_empty() => {
                pairs.push((word.to_owned(), category.to_owned()));
            }
            _ => {
                let shown: String = line.chars().take(60).collect();
                return Err(SpaceError::Parse {
                    path: path.to_path_buf(),
                    line: number + 1,
                    message: format!("expected `word<TAB>category`, found {shown:?}"),
                });
            }
        }
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pairs_and_names_the_bad_line() {
        let path = Path::new("meta.tsv");
        let pairs =
            parse_categories("word\tcategory\n法国\t国家\n# note\n\n猫\t动物\n", path).unwrap();
        assert_eq!(
            pairs,
            vec![
                ("法国".to_owned(), "国家".to_owned()),
                ("猫".to_owned(), "动物".to_owned())
            ]
        );
        let err = parse_categories("法国\t国家\n巴黎 城市\n", path).unwrap_err();
        assert!(err.to_string().starts_with("meta.tsv:2:"), "{err}");
        assert!(parse_categories("\t国家\n", path).is_err(), "empty word");
    }
}
