/// Placeholder until the module lands.
enum CatalogueModule {}
