import LZ4Codec
import LedgerIntegrity
import LedgerStore
import Projections

/// The deep check behind `SnapshotStore.verify()` (`parley snapshot --verify`).
struct SnapshotVerifier {
    let ledgerPath: String

    func run() throws -> [String] {
        let tape = try LedgerTape(path: ledgerPath)
        let catalog = try SnapshotCatalog(tape: tape)
        let decoder: LZ4FrameDecoder
        do { decoder = try LZ4FrameDecoder() } catch { throw LedgerError(.io, error.description) }
        var findings: [String] = []
        var sound: [UInt64] = []
        for seq in catalog.names.keys.sorted() {
            let name = "snapshots/" + catalog.names[seq]!
            guard let file = catalog.trusted(seq) else {
                findings.append("\(name): \(catalog.problem(seq)?.message ?? "not trusted")")
                continue
            }
            let problems = try contentProblems(of: file, tape: tape, decoder: decoder)
            if problems.isEmpty {
                sound.append(seq)
            } else {
                catalog.reject(seq, SnapshotProblem(problems[0]))
                findings += problems.map { "\(name): \($0)" }
            }
        }
        for seq in sound where catalog.chain(endingAt: seq) == nil {
            let previous = catalog.trusted(seq)?.header.previousSeq ?? 0
            findings.append(
                "snapshots/\(catalog.names[seq]!): the snapshot it continues (seq \(previous)) is missing or unsound, so it is never used"
            )
        }
        if let newest = sound.reversed().first(where: { catalog.chain(endingAt: $0) != nil }),
            let chain = catalog.chain(endingAt: newest)
        {
            findings += try refoldProblems(chain, tape: tape, decoder: decoder)
        }
        return findings
    }

    /// Checks that the file holds exactly records previous+1…seq, byte for byte as in the ledger,
    /// each under the sections it belongs to, plus copies of corrected events beside corrections.
    private func contentProblems(of file: SnapshotFile, tape: LedgerTape, decoder: LZ4FrameDecoder) throws -> [String] {
        let header = file.header
        var placed: [UInt64: (line: [UInt8], keys: Set<AggregateKey>)] = [:]
        var copies: [UInt64: [UInt8]] = [:]
        var problems: [String] = []
        for section in header.sections {
            do {
                try file.forEachLine(in: section, decoder: decoder) { line in
                    let event = try ProjectedEvent(line: line)
                    if event.seq <= header.previousSeq {
                        if section.key == .corrections {
                            copies[event.seq] = Array(line)
                        } else {
                            problems.append("section \(section.key.text) holds seq \(event.seq), before the records it covers")
                        }
                        return
                    }
                    guard event.seq <= header.seq else {
                        problems.append("section \(section.key.text) holds seq \(event.seq), after its seq \(header.seq)")
                        return
                    }
                    if let known = placed[event.seq], known.line != Array(line) {
                        problems.append("seq \(event.seq) differs between sections")
                    }
                    placed[event.seq, default: (Array(line), [])].keys.insert(section.key)
                }
            } catch {
                problems.append("section \(section.key.text): \(error)")
            }
        }
        guard problems.isEmpty else { return problems }
        var byID: [String: UInt64] = [:]
        var correctedSeqs: Set<UInt64> = []
        var pendingTargets: Set<String> = []
        try tape.forEachLine(from: header.previousSeq + 1, through: header.seq) { seq, line in
            guard let entry = placed[seq] else {
                problems.append("seq \(seq) is missing")
                return
            }
            guard entry.line.elementsEqual(line) else {
                problems.append("seq \(seq) is not the ledger's record")
                return
            }
            let event = try ProjectedEvent(line: line)
            byID[event.id] = seq
            var expected = Set(AggregateKey.keys(of: event))
            if event.type == "EventCorrected", let target = event.data["corrects"]?.stringValue {
                if let targetSeq = byID[target] { correctedSeqs.insert(targetSeq) } else { pendingTargets.insert(target) }
            }
            if correctedSeqs.contains(seq) { expected.insert(.corrections) }
            let actual = entry.keys
            if actual.subtracting([.corrections]) != expected.subtracting([.corrections]) {
                let got = actual.map(\.text).sorted().joined(separator: ", ")
                let want = expected.map(\.text).sorted().joined(separator: ", ")
                problems.append("seq \(seq) is filed under \(got); it belongs under \(want)")
            }
        }
        // Copies of corrected events from this file's own records.
        for seq in correctedSeqs where !(placed[seq]?.keys.contains(.corrections) ?? false) {
            problems.append("seq \(seq) is corrected but has no copy in section cor")
        }
        // Copies of corrected events from before this file.
        if !copies.isEmpty || !pendingTargets.isEmpty {
            var found: Set<UInt64> = []
            let needles = pendingTargets.sorted().map { Array(#""id":""#.utf8) + RecordLine.escaped($0) + [0x22] }
            try tape.forEachLine(from: 1, through: header.previousSeq) { seq, line in
                if let copy = copies[seq] {
                    if !copy.elementsEqual(line) {
                        problems.append("the copy of seq \(seq) in section cor is not the ledger's record")
                    }
                    found.insert(seq)
                } else if needles.contains(where: { RecordLine.contains(line, $0) }),
                    pendingTargets.contains(try ProjectedEvent(line: line).id)
                {
                    problems.append("seq \(seq) is corrected but has no copy in section cor")
                }
            }
            for seq in Set(copies.keys).subtracting(found).sorted() {
                problems.append("section cor holds seq \(seq), which the ledger does not have")
            }
        }
        return problems
    }

    /// Folds every record of the chain and compares the state with a fold of the ledger.
    private func refoldProblems(_ chain: SnapshotChain, tape: LedgerTape, decoder: LZ4FrameDecoder) throws -> [String] {
        var events: [UInt64: ProjectedEvent] = [:]
        for link in chain.links {
            for section in link.header.sections {
                try link.forEachLine(in: section, decoder: decoder) { line in
                    let event = try ProjectedEvent(line: line)
                    if events[event.seq] == nil { events[event.seq] = event }
                }
            }
        }
        let fromSnapshots = LedgerState(folding: events.keys.sorted().map { events[$0]! })
        var fromLedger = LedgerState()
        try tape.forEachLine(from: 1, through: chain.seq) { _, line in fromLedger.apply(try ProjectedEvent(line: line)) }
        guard fromSnapshots == fromLedger else {
            return [
                "snapshots/\(chain.links.last!.name): folding the snapshot chain up to seq \(chain.seq) does not give the state folded from the ledger"
            ]
        }
        return []
    }
}
