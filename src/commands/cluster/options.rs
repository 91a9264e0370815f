//! Options of the cluster commands.

use crate::value::{Args, ToArgs};

/// What `CLUSTER SETSLOT` does with a slot.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SetSlot {
    /// Marks the slot as being imported from the node with this id (`IMPORTING`).
    Importing(String),
    /// Marks the slot as being migrated to the node with this id (`MIGRATING`).
    Migrating(String),
    /// Assigns the slot to the node with this id (`NODE`).
    Node(String),
    /// Clears an importing or migrating state (`STABLE`).
    Stable,
}

impl ToArgs for SetSlot {
    fn write_args(&self, out: &mut Args) {
        let (token, node): (&[u8], _) = match self {
            SetSlot::Importing(node) => (b"IMPORTING", Some(node)),
            SetSlot::Migrating(node) => (b"MIGRATING", Some(node)),
            SetSlot::Node(node) => (b"NODE", Some(node)),
            SetSlot::Stable => (b"STABLE", None),
        };
        out.push(token);
        node.write_args(out);
    }
}

/// How `CLUSTER FAILOVER` promotes a replica.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailoverMode {
    /// A safe failover coordinated with the master (no option).
    #[default]
    Coordinated,
    /// Without the master's agreement, still with the other masters' vote (`FORCE`).
    Force,
    /// Without any agreement (`TAKEOVER`).
    Takeover,
}

impl ToArgs for FailoverMode {
    fn write_args(&self, out: &mut Args) {
        match self {
            FailoverMode::Coordinated => {}
            FailoverMode::Force => out.push(b"FORCE"),
            FailoverMode::Takeover => out.push(b"TAKEOVER"),
        }
    }
}

/// How far `CLUSTER RESET` goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResetMode {
    /// Forgets the other nodes and the slots (`SOFT`, the server's default).
    #[default]
    Soft,
    /// Also takes a new node id and sets the epochs to 0 (`HARD`).
    Hard,
}

impl ToArgs for ResetMode {
    fn write_args(&self, out: &mut Args) {
        out.push(match self {
            ResetMode::Soft => b"SOFT",
            ResetMode::Hard => b"HARD",
        });
    }
}
