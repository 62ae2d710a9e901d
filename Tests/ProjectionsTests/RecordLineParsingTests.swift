import CanonicalJSON
import LedgerStore
import ParleyTestSupport
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

    /// Property: on randomly damaged record lines (a byte changed, dropped or doubled), the
    /// shortcut and the general path agree on the event or the error.
    @Test func damagedLinesGiveTheSameOutcomeOnBothPaths() throws {
        let events = try ProjectionsFixture.events(fromInput: try LiveProjectionTests.workload(count: 300, seed: 4))
        var random = SplitMix64(seed: 77)
        var parsed = 0
        var failed = 0
        for event in events {
            let line = Array(Self.recordLine(event).utf8)
            for _ in 0..<8 {
                var damaged = line
                let at = Int.random(in: 0..<damaged.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: damaged[at] = UInt8.random(in: 0x20...0x7E, using: &random)
                case 1: damaged.remove(at: at)
                default: damaged.insert(damaged[at], at: at)
                }
                let text = String(decoding: damaged, as: UTF8.self)
                guard Array(text.utf8) == damaged else { continue }
                let shortcut = Self.shortcut(text)
                #expect(shortcut == Self.general(text), "\(text)")
                if case .event = shortcut { parsed += 1 } else { failed += 1 }
            }
        }
        #expect(parsed > 100)
        #expect(failed > 100)
    }
}
