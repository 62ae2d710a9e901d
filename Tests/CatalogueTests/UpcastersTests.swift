import CanonicalJSON
import Testing

@testable import Catalogue

@Suite struct UpcastersTests {
    /// Every RoleAssigned v1 body, written as v1 and read through the upcaster, is a valid v2
    /// body carrying the same facts.
    @Test func roleAssignedV1BecomesV2() throws {
        let catalogue = try Fixtures.catalogue.get()
        let v2 = try Fixtures.validator("RoleAssigned.v2.json")
        let bodies = try Fixtures.cases("RoleAssigned.v1.json").accept
        #expect(!bodies.isEmpty)
        for body in bodies {
            #expect(catalogue.check("RoleAssigned", schema: 1, data: body) == .valid(1))
            let (version, upcast) = Upcasters.upcast(type: "RoleAssigned", schema: 1, data: body)
            #expect(version == 2)
            #expect(v2.validate(upcast).isEmpty, "\(upcast)")
            #expect(upcast["person"]?["name"] == body["person"])
            var rest = try #require(upcast.objectValue)
            var original = try #require(body.objectValue)
            rest["person"] = nil
            original["person"] = nil
            #expect(rest == original)
        }
    }

    @Test func latestBodiesPassThroughUnchanged() throws {
        for body in try Fixtures.cases("RoleAssigned.v2.json").accept {
            let (version, upcast) = Upcasters.upcast(type: "RoleAssigned", schema: 2, data: body)
            #expect(version == 2)
            #expect(upcast == body)
        }
        let party = try Fixtures.json(#"{"party_id": "zil", "name": "ZIL", "kind": "manufacturer"}"#)
        #expect(Upcasters.upcast(type: "PartyRegistered", schema: 1, data: party) == (1, party))
    }

    /// The upcaster chain ends at the catalogue's latest version for every type.
    @Test func upcastersReachTheLatestVersion() throws {
        let catalogue = try Fixtures.catalogue.get()
        for type in catalogue.types {
            let latest = try #require(catalogue.latestVersion(of: type))
            for version in 1...latest {
                #expect(Upcasters.upcast(type: type, schema: version, data: .object([:])).schema == latest, "\(type) v\(version)")
            }
        }
    }
}
