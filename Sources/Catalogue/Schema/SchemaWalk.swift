import CanonicalJSON

/// One field path step, collected innermost first while unwinding (only on the error path).
enum PathComponent {
    case member(String)
    case element(Int)
}

/// A problem found by the walk; its path is built as the recursion unwinds.
struct Violation {
    var reversedPath: [PathComponent] = []
    var message: String

    /// The dotted path: `low.amount`, `products[1].models`, or empty for the root.
    var path: String {
        var text = ""
        for component in reversedPath.reversed() {
            switch component {
            case .member(let name): text += text.isEmpty ? name : "." + name
            case .element(let index): text += "[\(index)]"
            }
        }
        return text
    }
}

/// The recursive check of one document against the compiled nodes.
struct SchemaWalk {
    let nodes: UnsafeBufferPointer<SchemaNode>
    var violations: [Violation] = []

    init(nodes: UnsafeBufferPointer<SchemaNode>) {
        self.nodes = nodes
    }

    /// Checks `value` against node `index`, appending what is wrong.
    mutating func check(_ index: Int, _ value: JSONValue) {
        let node = nodes[index]
        if node.rejectsEverything {
            report(SchemaMessages.notAllowed())
            return
        }
        if let reference = node.reference { check(reference, value) }
        guard node.types.contains(JSONTypeSet(of: value)) else {
            report(SchemaMessages.typeMismatch(node, value))
            return
        }
        if let enumeration = node.enumeration {
            let listed: Bool
            if case .string(let text) = value, let strings = node.stringEnumeration {
                listed = strings.contains(text)
            } else {
                listed = enumeration.contains(value)
            }
            if !listed { report(SchemaMessages.notInEnumeration(value, enumeration)) }
        }
        if let constant = node.constant, constant != value {
            report(SchemaMessages.notConstant(value, constant))
        }
        switch value {
        case .string(let text):
            if node.hasStringKeywords { checkString(node, text) }
        case .integer(let number):
            if node.hasIntegerKeywords { checkInteger(node, number) }
        case .array(let elements):
            checkArray(node, elements)
        case .object(let members):
            checkObject(node, members)
        case .null, .bool:
            break
        }
    }

    private mutating func report(_ message: String) {
        violations.append(Violation(message: message))
    }

    /// Checks a child value and puts `component` on the paths of the problems it adds.
    private mutating func check(_ index: Int, _ value: JSONValue, at component: @autoclosure () -> PathComponent) {
        let before = violations.count
        check(index, value)
        if violations.count > before { prefix(from: before, with: component()) }
    }

    private mutating func prefix(from start: Int, with component: PathComponent) {
        for position in start..<violations.count { violations[position].reversedPath.append(component) }
    }

    private mutating func checkString(_ node: SchemaNode, _ text: String) {
        if let pattern = node.pattern, !pattern.matches(text) {
            report(SchemaMessages.patternMismatch(node, pattern, text))
        }
        if let format = node.format, !format.accepts(text) {
            report(SchemaMessages.formatMismatch(format, text))
        }
        if node.minLength != nil || node.maxLength != nil {
            // JSON Schema counts code points. A string of n UTF-8 bytes has between n/4 and n of
            // them, so most strings are settled without counting.
            let bytes = text.utf8.count
            if let maxLength = node.maxLength, bytes > maxLength {
                let length = text.unicodeScalars.count
                if length > maxLength { report(SchemaMessages.tooLong(maxLength, length)) }
            }
            if let minLength = node.minLength, (bytes + 3) / 4 < minLength {
                let length = text.unicodeScalars.count
                if length < minLength { report(SchemaMessages.tooShort(minLength, length)) }
            }
        }
    }

    private mutating func checkInteger(_ node: SchemaNode, _ number: Int64) {
        if let minimum = node.minimum, number < minimum { report(SchemaMessages.belowMinimum(minimum, number)) }
        if let maximum = node.maximum, number > maximum { report(SchemaMessages.aboveMaximum(maximum, number)) }
    }

    private mutating func checkArray(_ node: SchemaNode, _ elements: [JSONValue]) {
        if let minItems = node.minItems, elements.count < minItems {
            report(SchemaMessages.tooFewItems(minItems, elements.count))
        }
        if let maxItems = node.maxItems, elements.count > maxItems {
            report(SchemaMessages.tooManyItems(maxItems, elements.count))
        }
        if let items = node.items {
            for (position, element) in elements.enumerated() {
                check(items, element, at: .element(position))
            }
        }
    }

    private mutating func checkObject(_ node: SchemaNode, _ members: [String: JSONValue]) {
        // One hash lookup per member; required members are counted on the way, so the list of
        // missing ones is only worked out when one is missing.
        var requiredSeen = 0
        for (name, member) in members {
            if let rule = node.properties[name] {
                if rule.isRequired { requiredSeen += 1 }
                if let schema = rule.schema {
                    check(schema, member, at: .member(name))
                    continue
                }
            }
            switch node.additionalProperties {
            case .allowed:
                break
            case .forbidden:
                violations.append(
                    Violation(reversedPath: [.member(name)], message: SchemaMessages.unknownField(node)))
            case .schema(let schema):
                check(schema, member, at: .member(name))
            }
        }
        if requiredSeen < node.required.count {
            for name in node.required where members[name] == nil {
                violations.append(Violation(reversedPath: [.member(name)], message: SchemaMessages.missing()))
            }
        }
    }
}
