import Foundation
import ParleyTestSupport
import Testing

@testable import LZ4Codec

@Suite struct LZ4FrameTests {
    static func sample(_ count: Int) -> [UInt8] {
        var bytes = [UInt8]()
        var state: UInt32 = 12345
        for index in 0..<count {
            state = state &* 1_103_515_245 &+ 12345
            bytes.append(index % 7 == 0 ? UInt8(truncatingIfNeeded: state >> 16) : UInt8(ascii: "a") + UInt8(index % 13))
        }
        return bytes
    }

    @Test(arguments: [0, 1, 100, 65_536, 65_537, 300_000])
    func roundTrip(size: Int) throws {
        let source = Self.sample(size)
        for blockSize in [LZ4FrameEncoder.BlockSize.small, .large] {
            let frame = try LZ4FrameEncoder.frame(of: source, blockSize: blockSize)
            let decoder = try LZ4FrameDecoder()
            var output = [UInt8]()
            try frame.withUnsafeBytes { try decoder.decompressFrame($0, expectedSize: size, appendingTo: &output) }
            #expect(output == source)
            let layout = try frame.withUnsafeBytes { try FrameScanner.frame(in: $0, at: 0) }
            // liblz4 writes no content size for empty frames (0 means unknown in the format).
            #expect(layout == .data(range: 0..<frame.count, contentSize: size == 0 ? nil : size))
        }
    }

    /// The content checksum is added by `FrameChecksum`, not by liblz4: the frames must still be
    /// byte for byte the ones liblz4 writes with its own checksum on (header flag, header
    /// checksum, blocks, end mark, content checksum).
    @Test(arguments: [0, 1, 100, 65_536, 65_537, 300_000, 4_194_305])
    func framesEqualLiblz4sOwn(size: Int) throws {
        let source = Self.sample(size)
        for blockSize in [LZ4FrameEncoder.BlockSize.small, .large] {
            let frame = try LZ4FrameEncoder.frame(of: source, blockSize: blockSize)
            let reference = try source.withUnsafeBytes { try LZ4FrameEncoder.libraryFrame(of: $0, blockSize: blockSize) }
            #expect(frame == reference, "size \(size), \(blockSize)")
            #expect(frame.count <= LZ4FrameEncoder.frameBound(count: size, blockSize: blockSize))
        }
    }

    /// The decoder verifies the content checksum itself (liblz4 is told to skip it): a frame
    /// of incompressible bytes (stored raw, so a flipped content byte still decodes) fails on
    /// every flipped byte, from the magic to the checksum, and decodes when intact.
    @Test func everyFlippedByteOfAFrameIsAnError() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let source = (0..<1_000).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        let frame = try LZ4FrameEncoder.frame(of: source, blockSize: .small)
        let decoder = try LZ4FrameDecoder()
        var output = [UInt8]()
        try frame.withUnsafeBytes { try decoder.decompressFrame($0, expectedSize: nil, appendingTo: &output) }
        #expect(output == source)
        var undetected: [Int] = []
        for offset in frame.indices {
            var damaged = frame
            damaged[offset] ^= 0x01
            output = []
            do {
                try damaged.withUnsafeBytes { try decoder.decompressFrame($0, expectedSize: nil, appendingTo: &output) }
                undetected.append(offset)
            } catch {}
        }
        #expect(undetected.isEmpty, "flips not detected at offsets \(undetected) of \(frame.count)")
    }

    /// The expected size only sizes the room: too small, too large, absent or exact, the same
    /// content comes out, appended after what the output already held, with one decoder reused.
    @Test func anyExpectedSizeGivesTheSameContent() throws {
        let decoder = try LZ4FrameDecoder()
        for size in [1, 5_000, 70_000, 300_000] {
            let source = Self.sample(size)
            let frame = try LZ4FrameEncoder.frame(of: source, blockSize: .small)
            for expected in [nil, 0, 1, size / 3, size, size + 1, 10 * size] as [Int?] {
                var output: [UInt8] = [7, 7]
                try frame.withUnsafeBytes { try decoder.decompressFrame($0, expectedSize: expected, appendingTo: &output) }
                #expect(output.count == size + 2)
                #expect(output.prefix(2) == [7, 7] && Array(output.dropFirst(2)) == source)
            }
        }
    }

    /// Frames written into a reused buffer decode like the appended ones, and a destination
    /// smaller than the bound is an error, not an overrun.
    @Test func writeFrameIntoAReusedBufferAndRefuseTooLittleRoom() throws {
        let room = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { room.deallocate() }
        for size in [300_000, 10, 65_537] {
            let source = Self.sample(size)
            let bound = LZ4FrameEncoder.frameBound(count: size, blockSize: .large)
            #expect(bound <= room.count)
            let written = try source.withUnsafeBytes {
                try LZ4FrameEncoder.writeFrame(
                    of: $0, blockSize: .large, into: UnsafeMutableRawBufferPointer(rebasing: room[..<bound]))
            }
            #expect(Array(room[..<written]) == (try LZ4FrameEncoder.frame(of: source, blockSize: .large)))
        }
        let source = Self.sample(100_000)
        #expect(throws: LZ4Error.self) {
            try source.withUnsafeBytes {
                _ = try LZ4FrameEncoder.writeFrame(
                    of: $0, blockSize: .large, into: UnsafeMutableRawBufferPointer(rebasing: room[..<100]))
            }
        }
    }

    @Test func stockToolDecodesOurFramesAndSkipsSkippableOnes() throws {
        let first = Array("hello\n".utf8)
        let second = Self.sample(200_000)
        var stream = try LZ4FrameEncoder.frame(of: first)
        stream += FrameScanner.skippableFrame(magic: 0x184D_2A5C, payload: Array("{\"x\":1}".utf8))
        stream += try LZ4FrameEncoder.frame(of: second, blockSize: .large)
        let result = try ProcessRunner.run("lz4", ["-dc"], input: Data(stream))
        #expect(result.status == 0)
        #expect(Array(result.stdout) == first + second)
    }

    @Test func scannerFindsEveryFrameBoundary() throws {
        let frames = try (0..<5).map { try LZ4FrameEncoder.frame(of: Self.sample(1000 * ($0 + 1))) }
        let marker = FrameScanner.skippableFrame(magic: 0x184D_2A5C, payload: [1, 2, 3])
        let stream = frames[0] + marker + frames[1] + frames[2] + marker + frames[3] + frames[4]
        var offset = 0
        var kinds: [String] = []
        try stream.withUnsafeBytes { raw in
            while offset < raw.count {
                let frame = try FrameScanner.frame(in: raw, at: offset)
                if case .skippable(_, let magic, let payload) = frame {
                    #expect(magic == 0x184D_2A5C)
                    #expect(Array(raw[payload]) == [1, 2, 3])
                    kinds.append("m")
                } else {
                    kinds.append("d")
                }
                offset = frame.range.upperBound
            }
        }
        #expect(kinds == ["d", "m", "d", "d", "m", "d", "d"])
    }

    @Test func truncatedFramesAreReportedNotCrashed() throws {
        let frame = try LZ4FrameEncoder.frame(of: Self.sample(10_000))
        for cut in [1, 4, 6, 10, frame.count / 2, frame.count - 1] {
            let prefix = Array(frame[0..<cut])
            #expect(throws: LZ4Error.self) { try prefix.withUnsafeBytes { try FrameScanner.frame(in: $0, at: 0) } }
        }
    }

    @Test func flippedBitFailsTheChecksum() throws {
        let source = Self.sample(50_000)
        let frame = try LZ4FrameEncoder.frame(of: source)
        var failures = 0
        for position in stride(from: 20, to: frame.count, by: max(1, frame.count / 40)) {
            var damaged = frame
            damaged[position] ^= 0x10
            let decoder = try LZ4FrameDecoder()
            var output = [UInt8]()
            do {
                try damaged.withUnsafeBytes { try decoder.decompressFrame($0, expectedSize: nil, appendingTo: &output) }
                if output != source { failures += 1 }
            } catch {
                failures += 1
            }
        }
        #expect(failures > 0)
        // Every flip either throws or (never) yields the original: no silent corruption.
        #expect(failures == Array(stride(from: 20, to: frame.count, by: max(1, frame.count / 40))).count)
    }
}
