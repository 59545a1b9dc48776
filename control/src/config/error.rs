//! A configuration error: always one line, `key: reason`.

use std::fmt;

/// A configuration error; `Display` is always one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// The file could not be read.
    Io { file: String, message: String },
    /// TOML syntax error, wrong type or unknown key: `file:line:column: message`.
    Syntax {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// A value that parsed but is not valid: `key: reason`.
    Invalid { key: String, reason: String },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Io { file, message } => write!(f, "{file}: {message}"),
            ConfigError::Syntax {
                file,
                line,
                column,
                message,
            } => write!(f, "{file}:{line}:{column}: {message}"),
            ConfigError::Invalid { key, reason } => {
                write!(f, "{}: {}", printable(key), printable(reason))
            }
        }
    }
}

/// `s` with its control characters escaped (`\r`, `\u{0}`): a key is a
/// name from the file, which a quoted TOML key lets hold anything, and the
/// error must stay one line.
fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return s.into();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

impl std::error::Error for ConfigError {}

pub(super) fn err<T>(key: impl Into<String>, reason: impl Into<String>) -> Result<T, ConfigError> {
    Err(ConfigError::Invalid {
        key: key.into(),
        reason: reason.into(),
    })
}

pub(super) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_with_control_characters_stays_one_line() {
        let e = ConfigError::Invalid {
            key: "interfaces.a\r\nb\0".into(),
            reason: "\"a\\r\" is not an interface name\n".into(),
        };
        assert_eq!(
            e.to_string(),
            "interfaces.a\\r\\nb\\u{0}: \"a\\r\" is not an interface name\\n"
        );
    }
}
