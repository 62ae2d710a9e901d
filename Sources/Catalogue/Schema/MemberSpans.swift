/// One member of an object read by `ByteSchemaWalk`: offsets into the walked bytes.
struct MemberSpan {
    /// Where the member's object starts (its `{`).
    var object: Int32
    /// The name's content, between the quotes.
    var nameStart: Int32
    var nameEnd: Int32
    /// The value, from its first byte to just past its last.
    var valueStart: Int32
    var valueEnd: Int32
}

/// The members of every object a `ByteSchemaWalk` read, recorded as it reads them, in memory the
/// caller provides (on its stack): the cross-field rules then find `low.amount` or `period.from`
/// by look-up instead of scanning the body's bytes once more per member they ask for (that
/// scanning was a fifth of a bulk import's validation time).
///
/// A walk that meets more members than there is room for stops recording and says so
/// (`table` is nil then, and the rules scan the bytes as before).
struct MemberSpans {
    private let slots: UnsafeMutableBufferPointer<MemberSpan>
    private(set) var count = 0
    private(set) var overflowed = false

    /// Records into `slots`.
    init(_ slots: UnsafeMutableBufferPointer<MemberSpan>) {
        self.slots = slots
    }

    /// Notes one member (a walk that passes a `$ref` and its sibling keywords over the same
    /// object reads its members twice: then they are noted twice, with the same offsets).
    @inline(__always)
    mutating func record(object: Int, name: Range<Int>, value: Range<Int>) {
        guard count < slots.count, value.upperBound <= Int(Int32.max) else {
            overflowed = true
            return
        }
        slots[count] = MemberSpan(
            object: Int32(truncatingIfNeeded: object), nameStart: Int32(truncatingIfNeeded: name.lowerBound),
            nameEnd: Int32(truncatingIfNeeded: name.upperBound), valueStart: Int32(truncatingIfNeeded: value.lowerBound),
            valueEnd: Int32(truncatingIfNeeded: value.upperBound))
        count += 1
    }

    /// Forgets what was recorded (before another walk).
    mutating func reset() {
        count = 0
        overflowed = false
    }

    /// The members recorded, unless some did not fit.
    var table: MemberTable? {
        overflowed ? nil : MemberTable(spans: UnsafeBufferPointer(rebasing: slots[..<count]))
    }
}

/// Members recorded by a walk that accepted its input: every member of every object in it.
struct MemberTable {
    let spans: UnsafeBufferPointer<MemberSpan>

    /// The value of member `name` of the object starting at `object`, if it has one.
    func value(of name: UnsafeRawBufferPointer, inObjectAt object: Int, in input: UnsafeRawBufferPointer) -> Range<Int>? {
        let start = Int32(truncatingIfNeeded: object)
        for span in spans where span.object == start && Int(span.nameEnd - span.nameStart) == name.count {
            let text = UnsafeRawBufferPointer(rebasing: input[Int(span.nameStart)..<Int(span.nameEnd)])
            if ByteOrder.compare(text, name) == 0 { return Int(span.valueStart)..<Int(span.valueEnd) }
        }
        return nil
    }

    /// How many members the object starting at `object` has (each counted once, however often
    /// the walk read it: a member read again comes after a later one, at a smaller offset).
    func memberCount(ofObjectAt object: Int) -> Int {
        let start = Int32(truncatingIfNeeded: object)
        var count = 0
        var last: Int32 = -1
        for span in spans where span.object == start && span.nameStart > last {
            count += 1
            last = span.nameStart
        }
        return count
    }
}
