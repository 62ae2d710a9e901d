/// Placeholder until the module lands.
enum ProjectionsModule {}
