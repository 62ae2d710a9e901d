/// Placeholder until the module lands.
enum LZ4CodecModule {}
