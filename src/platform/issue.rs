//! One piece of unusable server data, named precisely: the decoders report
//! it instead of guessing, and the engine passes it on.

/// Which lot, which field, what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataIssue {
    pub lot_id: Option<String>,
    pub field: String,
    pub problem: String,
}
