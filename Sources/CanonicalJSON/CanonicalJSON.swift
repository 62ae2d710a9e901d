/// Placeholder until the module lands.
enum CanonicalJSONModule {}
