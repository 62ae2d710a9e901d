/// Placeholder until the module lands.
enum LedgerStoreModule {}
