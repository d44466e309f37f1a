//! todo
pub struct RelationPair;
pub struct RelationScore;
pub fn read_relations_tsv() {}
pub fn score_relations() {}
