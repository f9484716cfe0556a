package dev.inferbus.events.results;

/** What the results table holds for a key. */
public sealed interface StoredResult {

    String key();

    Status status();

    String fingerprint();

    record Pending(PendingRow row) implements StoredResult {
        @Override
        public String key() {
            return row.key();
        }

        @Override
        public Status status() {
            return Status.PENDING;
        }

        @Override
        public String fingerprint() {
            return row.fingerprint();
        }
    }

    /** @param published whether the row's event is on the bus */
    record Final(ResultRow row, boolean published) implements StoredResult {
        @Override
        public String key() {
            return row.key();
        }

        @Override
        public Status status() {
            return row.status();
        }

        @Override
        public String fingerprint() {
            return row.fingerprint();
        }
    }
}
