//! The concept catalogue (shared/spec/concepts.md): ids are a public
//! interface, never renamed or dropped.

/// One concept: its id, a human title, and the concepts a reader of it
/// usually needs next (the `related` field of an explanation).
#[derive(Debug, Clone, Copy)]
pub struct Concept {
    pub id: &'static str,
    pub title: &'static str,
    pub related: &'static [&'static str],
}

pub const CONCEPTS: &[Concept] = &[
    Concept {
        id: "future-trait",
        title: "The Future trait and poll",
        related: &["async-desugaring", "waker", "pin-unpin"],
    },
    Concept {
        id: "async-desugaring",
        title: "How async fn and .await desugar",
        related: &["future-trait", "pin-unpin", "send-bounds"],
    },
    Concept {
        id: "pin-unpin",
        title: "Pin and Unpin",
        related: &["async-desugaring", "future-trait", "select"],
    },
    Concept {
        id: "waker",
        title: "Wakers and Context",
        related: &["future-trait", "waker-leaks", "executor"],
    },
    Concept {
        id: "waker-leaks",
        title: "Lost wake-ups and waker leaks",
        related: &["waker", "tokio-console", "future-trait"],
    },
    Concept {
        id: "executor",
        title: "Executors and the tokio runtime",
        related: &["task-spawning", "waker", "runtime-setup"],
    },
    Concept {
        id: "task-spawning",
        title: "Spawning tasks",
        related: &["join", "send-bounds", "executor"],
    },
    Concept {
        id: "blocking",
        title: "Blocking in async code",
        related: &["cooperative-scheduling", "async-locks", "executor"],
    },
    Concept {
        id: "cooperative-scheduling",
        title: "Cooperative scheduling and yielding",
        related: &["blocking", "executor", "tokio-console"],
    },
    Concept {
        id: "select",
        title: "select!",
        related: &["cancellation", "join", "timers"],
    },
    Concept {
        id: "cancellation",
        title: "Cancellation and cancel safety",
        related: &["select", "timers", "task-spawning"],
    },
    Concept {
        id: "join",
        title: "join!, try_join! and JoinSet",
        related: &["select", "task-spawning", "streams"],
    },
    Concept {
        id: "send-bounds",
        title: "Send bounds on futures",
        related: &["async-locks", "task-spawning", "local-set"],
    },
    Concept {
        id: "async-locks",
        title: "Mutexes and locks in async code",
        related: &["send-bounds", "blocking", "channels"],
    },
    Concept {
        id: "channels",
        title: "Channels",
        related: &["async-locks", "select", "streams"],
    },
    Concept {
        id: "local-set",
        title: "LocalSet and !Send tasks",
        related: &["send-bounds", "runtime-setup", "task-spawning"],
    },
    Concept {
        id: "runtime-setup",
        title: "Setting up a runtime",
        related: &["executor", "local-set", "blocking"],
    },
    Concept {
        id: "timers",
        title: "Timers: sleep, interval, timeout",
        related: &["select", "cancellation", "blocking"],
    },
    Concept {
        id: "tokio-console",
        title: "tokio-console",
        related: &["async-debugging", "waker-leaks", "cooperative-scheduling"],
    },
    Concept {
        id: "async-debugging",
        title: "Debugging async code",
        related: &["tokio-console", "task-spawning", "blocking"],
    },
    Concept {
        id: "streams",
        title: "Streams",
        related: &["channels", "join", "select"],
    },
    Concept {
        id: "async-traits",
        title: "async fn in traits",
        related: &["send-bounds", "async-desugaring", "pin-unpin"],
    },
];

/// The concept with this id, if it is in the catalogue.
pub fn concept(id: &str) -> Option<&'static Concept> {
    CONCEPTS.iter().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn related_ids_are_in_the_catalogue() {
        for c in CONCEPTS {
            for r in c.related {
                assert!(
                    concept(r).is_some(),
                    "{} lists unknown related concept {r}",
                    c.id
                );
                assert_ne!(*r, c.id);
            }
        }
        assert_eq!(CONCEPTS.len(), 22);
    }
}
