import CanonicalJSON
import LedgerStore
import Testing

@testable import Projections

/// `ProjectedEvent(line:)` reads canonical record lines without building the record's
/// dictionary; every other line takes the general path. Both must give the same event or error.
@Suite struct RecordLineParsingTests {
    enum Outcome: Equatable {
        case event(ProjectedEvent)
        case error(String)
    }

    static func recordLine(_ event: ProjectedEvent) -> String {
        JSONValue.object([
            "data": event.data, "effective_at": .string(event.effectiveAtText), "id": .string(event.id), "meta": event.meta,
            "recorded_at": .string(event.recordedAtText), "schema": .integer(event.recordedSchema),
            "seq": .integer(Int64(event.seq)), "stream": .string(event.stream), "type": .string(event.type),
            "version": .integer(Int64(event.version)),
        ]).canonicalString
    }

    /// The general path, as before the shortcut.
    static func general(_ line: String) -> Outcome {
        do {
            let value: JSONValue
            do { value = try JSONValue(parsing: line) } catch {
                throw LedgerError(.integrity, "record is not valid JSON: \(error)")
            }
            return .event(try ProjectedEvent(record: value))
        } catch {
            return .error("\(error)")
        }
    }

    static func shortcut(_ line: String) -> Outcome {
        do {
            return .event(try Array(line.utf8).withUnsafeBytes { try ProjectedEvent(line: $0) })
        } catch {
            return .error("\(error)")
        }
    }

    @Test func canonicalRecordLinesGiveTheEventTheGeneralPathGives() throws {
        let events = try ProjectionsFixture.events(fromInput: try LiveProjectionTests.workload(count: 800, seed: 9))
        #expect(events.count > 800)
        for event in events {
            let line = Self.recordLine(event)
            #expect(Self.shortcut(line) == .event(event))
            #expect(Self.general(line) == .event(event))
        }
    }

    @Test func otherLinesTakeTheGeneralPathWithItsResultOrError() throws {
        let event = try ProjectionsFixture.events(fromInput: try LiveProjectionTests.workload(count: 5, seed: 1))[2]
        let line = Self.recordLine(event)
        let variants = [
            " " + line, line + " ", line.replacingOccurrences(of: ",\"id\":", with: ", \"id\":"),
            line.replacingOccurrences(of: "{\"data\":", with: "{\"extra\":1,\"data\":"),
            line.replacingOccurrences(of: ",\"version\":\(event.version)}", with: "}"),
            line.replacingOccurrences(of: "\"seq\":\(event.seq)", with: "\"seq\":\"\(event.seq)\""),
            line.replacingOccurrences(of: "\"seq\":\(event.seq)", with: "\"seq\":0"),
            line.replacingOccurrences(of: "\"type\":", with: "\"type\":1,\"tipe\":"),
            line + "x", String(line.dropLast()), "{}", "[]", "",
            line.replacingOccurrences(of: "\"meta\":{", with: "\"meta\":{\"a\":1.5,"),
            line.replacingOccurrences(of: "\"stream\":", with: "\"str\\u0065am\":"),
        ]
        var rejected = 0
        for variant in variants where variant != line {
            let shortcut = Self.shortcut(variant)
            #expect(shortcut == Self.general(variant), "\(variant)")
            if case .error = shortcut { rejected += 1 }
        }
        #expect(rejected >= 10)
    }
}
