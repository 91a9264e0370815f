//! ACL users of a test server, written as `user` lines of its config file.

use crate::config::quote;

/// One ACL user: `user <name> on ><password> <rules...>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclUser {
    /// The user name.
    pub name: String,
    /// Its one password.
    pub password: String,
    /// ACL rules separated by whitespace, e.g. `"~* &* +@all"`.
    pub rules: String,
}

impl AclUser {
    /// The `user` directive for redis.conf. The user is enabled first, so
    /// an `off` in the rules still wins.
    pub fn config_line(&self) -> String {
        let mut line = format!(
            "user {} on {}",
            quote(&self.name),
            quote(&format!(">{}", self.password))
        );
        for rule in self.rules.split_whitespace() {
            line.push(' ');
            line.push_str(&quote(rule));
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_user_line() {
        let user = AclUser {
            name: "alice".into(),
            password: "p w\"x".into(),
            rules: "~* +@all".into(),
        };
        assert_eq!(user.config_line(), r#"user "alice" on ">p w\"x" "~*" "+@all""#);
    }
}
