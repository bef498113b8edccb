//! Where a lesson comes from: built into the binary, or a server's pack.
//!
//! A lesson id is unique only within its scope: two servers may both publish
//! a lesson `intro`, and neither may use a built-in id. So everything stored
//! about a learner's work in a lesson (checklist marks, quiz attempts,
//! review cards and their log, exercise attempts) is keyed by the lesson's
//! [`LessonKey`], its scope and its id, never by the id alone: a learner's
//! ticks in one server's `intro` are not their ticks in another's, and a
//! pack lesson's progress is not shown in another server.
//!
//! The scope travels with the lesson the catalog served ([`super::Lesson`]'s
//! `scope`, set when a server's pack is loaded), so a feature never picks
//! it: it takes the key of the lesson it is serving. In Postgres a scope is
//! one `BIGINT` column: 0 for the built-in lessons, otherwise the server's
//! (guild's) id, which is never 0.

/// Where a lesson comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Built into the binary (or read from `PROMPTS_DIR`): every server's.
    #[default]
    BuiltIn,
    /// A server's own lesson pack, served only in that server (its guild id).
    Server(u64),
}

impl Scope {
    /// The scope as stored: 0 for built-in, else the guild id.
    pub fn to_db(self) -> i64 {
        match self {
            Scope::BuiltIn => 0,
            // Discord snowflakes are below 2^63; the cast round-trips any u64.
            Scope::Server(guild) => guild as i64,
        }
    }

    /// The scope a stored value stands for.
    pub fn from_db(value: i64) -> Scope {
        match value {
            0 => Scope::BuiltIn,
            guild => Scope::Server(guild as u64),
        }
    }

    /// The server whose pack this is, if it is one.
    pub fn guild(self) -> Option<u64> {
        match self {
            Scope::BuiltIn => None,
            Scope::Server(guild) => Some(guild),
        }
    }

    /// Whether a lesson of this scope is served where `guild` is (a server,
    /// or `None` outside one): built-in lessons everywhere, a pack only in
    /// its own server.
    pub fn served_in(self, guild: Option<u64>) -> bool {
        match self {
            Scope::BuiltIn => true,
            Scope::Server(own) => guild == Some(own),
        }
    }
}

/// A lesson as the store keys what a learner did in it: its scope and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LessonKey<'a> {
    pub scope: Scope,
    pub id: &'a str,
}

impl<'a> LessonKey<'a> {
    pub fn new(scope: Scope, id: &'a str) -> Self {
        LessonKey { scope, id }
    }

    /// A built-in lesson's key.
    pub fn built_in(id: &'a str) -> Self {
        LessonKey {
            scope: Scope::BuiltIn,
            id,
        }
    }
}

/// Which scopes a view of the learner's records takes in: where a request
/// is made decides what of a learner's pack work it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Within {
    /// Every scope: direct messages with the bot, where a daily reminder
    /// sends the learner to `/review` all their cards.
    Everywhere,
    /// The built-in lessons and this server's pack, nothing of another
    /// server's.
    Server(u64),
}

impl Within {
    /// Where a request from `guild` (`None`: a direct message) looks.
    pub fn from_guild(guild: Option<u64>) -> Within {
        guild.map_or(Within::Everywhere, Within::Server)
    }

    /// Whether records of `scope` are shown here.
    pub fn takes(self, scope: Scope) -> bool {
        match self {
            Within::Everywhere => true,
            Within::Server(guild) => scope.served_in(Some(guild)),
        }
    }

    /// The server as stored, or `None` for every scope (the store's filter).
    pub fn to_db(self) -> Option<i64> {
        match self {
            Within::Everywhere => None,
            Within::Server(guild) => Some(guild as i64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_round_trips_through_its_stored_value() {
        for scope in [
            Scope::BuiltIn,
            Scope::Server(1),
            Scope::Server(1_400_000_000_000_000_001),
        ] {
            assert_eq!(Scope::from_db(scope.to_db()), scope);
        }
        assert_eq!(Scope::BuiltIn.to_db(), 0);
    }

    #[test]
    fn a_server_sees_the_built_ins_and_its_own_pack_only() {
        let here = Within::Server(7);
        assert!(here.takes(Scope::BuiltIn));
        assert!(here.takes(Scope::Server(7)));
        assert!(!here.takes(Scope::Server(8)));
        assert!(Within::Everywhere.takes(Scope::Server(8)));
        assert!(!Scope::Server(7).served_in(None));
    }
}
