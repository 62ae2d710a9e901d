import Foundation
import Testing

@testable import Catalogue

/// The binary carries `Events/` as `EmbeddedCatalogue.swift`; these fail when it is stale.
@Suite struct EmbeddedCatalogueTests {
    static let regenerate = "Sources/Catalogue/EmbeddedCatalogue.swift is stale: run python3 Tools/embed-catalogue.py"

    @Test func catalogueJSONIsCurrent() throws {
        let onDisk = try Repository.text(Repository.events.appendingPathComponent("catalogue.json"))
        #expect(EmbeddedCatalogue.catalogueJSON == onDisk, "\(Self.regenerate)")
    }

    @Test func schemasAreCurrent() throws {
        let files = Repository.jsonFiles(in: Repository.schemas)
        #expect(!files.isEmpty)
        #expect(EmbeddedCatalogue.schemas.keys.sorted() == files, "\(Self.regenerate)")
        for file in files {
            let onDisk = try Repository.text(Repository.schemas.appendingPathComponent(file))
            #expect(EmbeddedCatalogue.schemas[file] == onDisk, "\(file): \(Self.regenerate)")
        }
    }

    @Test func generatorCheckModeAgrees() throws {
        let run = try ProcessRun.run(["python3", "Tools/embed-catalogue.py", "--check"])
        #expect(run.status == 0, "\(run.stderr)")
    }
}
