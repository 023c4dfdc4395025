//! Who is screening: the operating-system user (uid and name) and, over SSH, the client's
//! address. Stored with every record beside the officer name typed, so a record filed under
//! another officer's name still shows who made it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub uid: u32,
    /// The account name for `uid` (from /etc/passwd, else `$USER`).
    pub user: String,
    /// The SSH client's address as the environment reports it (`SSH_CLIENT`, which any
    /// process can set): stored and shown as reported, never as a verified fact.
    #[serde(
        default,
        rename = "ssh_client_reported",
        alias = "ssh_client",
        skip_serializing_if = "Option::is_none"
    )]
    pub ssh_client: Option<String>,
}

impl Identity {
    /// The identity of this process.
    pub fn current() -> Identity {
        let uid = rustix::process::getuid().as_raw();
        let user = std::fs::read_to_string("/etc/passwd")
            .ok()
            .and_then(|passwd| user_of(&passwd, uid))
            .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
            .or_else(|| std::env::var("LOGNAME").ok().filter(|u| !u.is_empty()))
            .unwrap_or_default();
        let ssh_client = ["SSH_CLIENT", "SSH_CONNECTION"]
            .iter()
            .find_map(|var| std::env::var(var).ok())
            .and_then(|value| value.split_whitespace().next().map(str::to_string));
        Identity {
            uid,
            user: crate::text::sanitize(&user),
            ssh_client: ssh_client.map(|c| crate::text::sanitize(&c)),
        }
    }

    /// "jdoe (uid 1000); SSH client 10.0.0.5 as reported by the environment".
    pub fn describe(&self) -> String {
        let from = self
            .ssh_client
            .as_ref()
            .map(|c| format!("; SSH client {c} as reported by the environment"))
            .unwrap_or_default();
        format!("{} (uid {}){from}", self.user, self.uid)
    }
}

/// The name of `uid` in passwd(5) text.
fn user_of(passwd: &str, uid: u32) -> Option<String> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id: u32 = fields.nth(1)?.parse().ok()?;
        (id == uid && !name.is_empty()).then(|| name.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_lookup_and_description() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\njdoe:x:1000:1000::/home/jdoe:/bin/sh\n";
        assert_eq!(user_of(passwd, 1000).as_deref(), Some("jdoe"));
        assert_eq!(user_of(passwd, 7), None);
        let id = Identity {
            uid: 1000,
            user: "jdoe".into(),
            ssh_client: Some("10.0.0.5".into()),
        };
        assert_eq!(
            id.describe(),
            "jdoe (uid 1000); SSH client 10.0.0.5 as reported by the environment"
        );
        // Stored as reported; records saved before still read.
        let stored = serde_json::to_string(&id).expect("json");
        assert!(
            stored.contains("\"ssh_client_reported\":\"10.0.0.5\""),
            "{stored}"
        );
        let earlier: Identity =
            serde_json::from_str(r#"{"uid":1000,"user":"jdoe","ssh_client":"10.0.0.5"}"#)
                .expect("earlier record");
        assert_eq!(earlier, id);
        assert_eq!(Identity::current().uid, rustix::process::getuid().as_raw());
    }
}
