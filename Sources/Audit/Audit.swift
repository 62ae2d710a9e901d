/// Placeholder until the module lands.
enum AuditModule {}
