// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Parley",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "parley", targets: ["parley"]),
        .library(name: "LedgerStore", targets: ["LedgerStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
        ),
        // XXH32 for the frames' checksums (see `FrameChecksum`): liblz4 1.9.4's own streaming
        // XXH32 runs at a sixth of this library's speed on the same bytes. XXH3 for the index's
        // stream lines (see `LedgerIndex.save`).
        .systemLibrary(
            name: "CXXHash",
            pkgConfig: "libxxhash",
            providers: [.apt(["libxxhash-dev"])]
        ),
        .target(name: "LZ4Codec", dependencies: ["CLZ4", "CXXHash"]),
        // glibc's memmem, which the Glibc module does not export (see its header).
        .target(name: "CByteSearch"),
        .target(name: "CanonicalJSON"),
        .target(
            name: "LedgerIntegrity",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "LedgerStore",
            dependencies: ["LZ4Codec", "CXXHash", "CByteSearch", "CanonicalJSON", "LedgerIntegrity"]
        ),
        .target(name: "Catalogue", dependencies: ["CanonicalJSON", "LedgerStore"]),
        .target(name: "Projections", dependencies: ["Catalogue", "CanonicalJSON", "LedgerStore"]),
        .target(name: "Reports", dependencies: ["Projections", "LedgerStore", "LedgerIntegrity"]),
        .target(
            name: "Audit",
            dependencies: ["LedgerStore", "LedgerIntegrity", "Catalogue", "Projections", "LZ4Codec", "CanonicalJSON"]
        ),
        .executableTarget(
            name: "parley",
            dependencies: [
                "LedgerStore", "LedgerIntegrity", "Catalogue", "Projections", "Reports", "Audit", "CanonicalJSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // A fully static executable (the Swift runtime, libstdc++, glibc and the system's
            // liblz4.a from liblz4-dev all linked in): no dynamic loader at start-up, no shared
            // libraries to map and relocate and no relative relocations of Swift's metadata.
            // Measured: a single durable append 6.22 -> 3.89 ms (BENCHMARKS.md). The trade-offs
            // (no address randomisation of the executable's image; glibc's NSS, which Parley does
            // not use, would need the build machine's glibc) are in the README.
            linkerSettings: [.unsafeFlags(["-static-executable"], .when(platforms: [.linux], configuration: .release))]
        ),
        .executableTarget(
            name: "parley-bench",
            dependencies: [
                "LedgerStore", "LedgerIntegrity", "Catalogue", "CanonicalJSON", .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tools/ParleyBench"),
        .target(name: "ParleyTestSupport", path: "Tests/ParleyTestSupport"),
        .testTarget(name: "LZ4CodecTests", dependencies: ["LZ4Codec", "ParleyTestSupport"]),
        .testTarget(name: "CanonicalJSONTests", dependencies: ["CanonicalJSON", "ParleyTestSupport"]),
        .testTarget(name: "LedgerIntegrityTests", dependencies: ["LedgerIntegrity", "ParleyTestSupport"]),
        .testTarget(
            name: "LedgerStoreTests",
            dependencies: ["LedgerStore", "LZ4Codec", "LedgerIntegrity", "CanonicalJSON", "ParleyTestSupport"]
        ),
        .testTarget(name: "CatalogueTests", dependencies: ["Catalogue", "CanonicalJSON", "LedgerStore", "ParleyTestSupport"]),
        .testTarget(
            name: "ProjectionsTests",
            dependencies: ["Projections", "Catalogue", "LedgerStore", "CanonicalJSON", "ParleyTestSupport"]
        ),
        .testTarget(
            name: "ReportsTests", dependencies: ["Reports", "Projections", "LedgerStore", "ParleyTestSupport"],
            exclude: ["Golden"]),
        .testTarget(name: "AuditTests", dependencies: ["Audit", "LedgerStore", "LedgerIntegrity", "ParleyTestSupport"]),
        .testTarget(
            name: "ParleyCLITests",
            dependencies: ["parley", "LedgerStore", "LedgerIntegrity", "CanonicalJSON", "ParleyTestSupport"]
        ),
    ]
)

/// One set of compiler settings for every target (as swift-nio does).
let sharedSwiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    // Exclusivity is proven statically for most code; the dynamic checks cost ~5% of a bulk
    // append's CPU in release builds. Debug builds (and so the tests) keep them.
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + sharedSwiftSettings
}
